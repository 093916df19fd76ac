"""The readers of Lâm Đồng's real 2025 results, on the documents themselves (read in place)."""

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest

from cchc.scoring import lamdong2025 as ld

pytestmark = pytest.mark.skipif(not ld.available(), reason="Tài liệu thật Chỉ số CCHC 2025 không có ở máy này")

D = Decimal


def _places(printed: Decimal) -> Decimal:
    return D(1).scaleb(printed.as_tuple().exponent)


def _index(row: dict) -> Decimal:
    points, maximum = _computed(row)
    return points / maximum * 100


def _computed(row: dict) -> tuple[Decimal, Decimal]:
    """(points, maximum) rebuilt from the report's parts, unrounded."""
    points = row["part1_appraised"] + row["dtxhh"] + (row["sipas"] or 0)
    maximum = row["part1_max"] + 15 + (10 if row["sipas"] is not None else 0)
    return points, maximum


def test_department_annex_rows():
    rows = ld.published_results("department")
    assert len(rows) == 15
    assert Counter(r["rating"] for r in rows) == {"Tốt": 11, "Khá": 3, "Trung bình": 1}
    first, last = rows[0], rows[13]
    assert (first["rank"], first["name"], first["max"], first["points"], first["index"], first["rating"]) == (
        1, "Sở Tư pháp", D("89.00"), D("82.78"), D("93.01"), "Tốt"
    )
    assert (last["rank"], last["name"], last["max"], last["points"], last["index"]) == (
        14, "Sở Ngoại vụ", D("80.50"), D("48.65"), D("60.43")
    )
    assert last["rating"] == "Trung bình"
    unranked = [r for r in rows if r["rank"] is None]
    assert [r["name"] for r in unranked] == ["Thanh tra tỉnh"]
    assert (unranked[0]["max"], unranked[0]["points"], unranked[0]["index"], unranked[0]["rating"]) == (
        D("81.00"), D("64.23"), D("79.30"), "Khá"
    )
    assert [r["rank"] for r in rows if r["rank"] is not None] == list(range(1, 15))
    # "Văn hoá" with the old accent placement, as printed in the annex
    assert any(r["name"] == "Sở Văn hoá, Thể thao và Du lịch" for r in rows)
    assert ld.summary_rows("department") == {"highest": D("93.01"), "mean": D("84.10"), "lowest": D("60.43")}


def test_commune_annex_rows():
    rows = ld.published_results("commune")
    assert len(rows) == 124
    assert len({ld.name_key(r["name"]) for r in rows}) == 124
    assert Counter(r["rating"] for r in rows) == {"Tốt": 26, "Khá": 80, "Trung bình": 18}
    assert (rows[0]["name"], rows[0]["points"], rows[0]["max"], rows[0]["index"]) == (
        "UBND xã Tuyên Quang", D("88.09"), D("99.00"), D("88.98")
    )
    assert (rows[-1]["name"], rows[-1]["rank"], rows[-1]["points"], rows[-1]["index"]) == (
        "UBND xã Lạc Dương", 124, D("55.15"), D("55.70")
    )
    assert all(r["rank"] is not None for r in rows)
    by_name = {r["name"]: r for r in rows}
    # near-ties printed to three decimals
    assert by_name["UBND xã Đinh Văn Lâm Hà"]["index"] == D("79.885")
    assert by_name["UBND xã Đam Rông 3"]["index"] == D("79.882")
    assert by_name["UBND xã Đinh Văn Lâm Hà"]["rating"] == "Khá"
    # exact ties share a rank and skip the next: 79, 79, 81
    tied = [r for r in rows if r["rank"] == 79]
    assert sorted(r["name"] for r in tied) == ["UBND xã Liên Hương", "UBND xã Nam Hà Lâm Hà"]
    assert {r["index"] for r in tied} == {D("72.41")}
    assert not any(r["rank"] == 80 for r in rows)
    assert any(r["rank"] == 81 for r in rows)
    # the two communes whose SIPAS was not evaluated have a maximum of 89
    assert sorted(r["name"] for r in rows if r["max"] == D("89.00")) == ["UBND xã Đông Giang", "UBND xã Đạ Huoai 2"]
    assert ld.summary_rows("commune") == {"highest": D("88.98"), "mean": D("73.90"), "lowest": D("55.70")}


@pytest.mark.parametrize("kind", ld.KINDS)
def test_parts_add_up_to_every_published_row(kind):
    published = ld.published_results(kind)
    parts = ld.inputs(kind)
    assert [r["name"] for r in parts] == [r["name"] for r in published]
    for row, result in zip(parts, published, strict=True):
        points, maximum = _computed(row)
        assert maximum == result["max"], row["name"]
        assert points.quantize(D("0.01"), ROUND_HALF_UP) == result["points"], row["name"]
        # The index is computed from the unrounded points (ĐTXHH has three decimals): rounding the
        # printed two-decimal points instead would miss 43 of the 139 printed indices.
        index = points / maximum * 100
        assert index.quantize(_places(result["index"]), ROUND_HALF_UP) == result["index"], row["name"]
        assert row["ranked"] == (result["rank"] is not None)


def test_department_inputs():
    rows = {r["name"]: r for r in ld.inputs("department")}
    assert len(rows) == 15
    vp = rows["Văn phòng UBND tỉnh"]
    assert (vp["part1_max"], vp["part1_self"], vp["part1_appraised"], vp["dtxhh"], vp["sipas"]) == (
        D("72.00"), D("68.50"), D("62.48"), D("12.231"), D("8.68")
    )
    tp = rows["Sở Tư pháp"]
    assert (tp["part1_appraised"], tp["dtxhh"], tp["sipas"]) == (D("70.50"), D("12.281"), None)
    assert sorted(n for n, r in rows.items() if r["sipas"] is not None) == [
        "Sở Nông nghiệp và Môi trường",
        "Văn phòng UBND tỉnh",
    ]
    assert rows["Thanh tra tỉnh"]["ranked"] is False
    assert rows["Thanh tra tỉnh"]["dtxhh"] == D("12.734")
    assert sum(r["ranked"] for r in rows.values()) == 14
    # the report's "Sở Văn hóa" is the annex's "Sở Văn hoá"
    assert rows["Sở Văn hoá, Thể thao và Du lịch"]["part1_appraised"] == D("64.00")
    ngoai_vu = rows["Sở Ngoại vụ"]
    assert (ngoai_vu["part1_max"], ngoai_vu["part1_self"], ngoai_vu["part1_appraised"]) == (
        D("65.50"), D("57.00"), D("37.00")
    )
    # appraisal cut every department (PAR_INDEX §5)
    assert all(r["part1_appraised"] < r["part1_self"] for r in rows.values())


def test_commune_inputs():
    rows = {r["name"]: r for r in ld.inputs("commune")}
    assert len(rows) == 124
    assert all(r["part1_max"] == D("74.00") for r in rows.values())
    assert all(r["ranked"] for r in rows.values())
    assert sum(r["sipas"] is None for r in rows.values()) == 2
    assert rows["UBND xã Đạ Huoai 2"]["sipas"] is None and rows["UBND xã Đông Giang"]["sipas"] is None
    # spelled differently in the report: "Đặc khu Phú Quý" (ĐTXHH), "B'Lao", "D'Ran", "Phường 1 Bảo Lộc"
    assert rows["UBND đặc khu Phú Quý"]["dtxhh"] == D("8.863")
    assert rows["UBND phường B’Lao"]["dtxhh"] == D("12.043")
    assert rows["UBND phường 1 Bảo Lộc"]["dtxhh"] == D("9.431")
    cu_jut = rows["UBND xã Cư Jút"]
    assert (cu_jut["part1_self"], cu_jut["part1_appraised"]) == (D("74.47"), D("42.83"))
    assert rows["UBND xã Bảo Thuận"]["part1_self"] == D("75.00")  # self-score above the maximum, as printed
    assert rows["UBND xã Sơn Điền"]["dtxhh"] == D("2.855")
    assert rows["UBND xã Tân Minh"]["dtxhh"] == D("13.951")
    assert all(r["part1_appraised"] < r["part1_self"] for r in rows.values())
    mean_cut = sum(r["part1_self"] - r["part1_appraised"] for r in rows.values()) / 124
    assert mean_cut.quantize(D("0.01"), ROUND_HALF_UP) == D("14.11")


@pytest.mark.parametrize("kind", ld.KINDS)
def test_summary_rows_match_the_rows(kind):
    rows = ld.published_results(kind)
    parts = ld.inputs(kind)
    ranked = [(p, r) for p, r in zip(parts, rows, strict=True) if r["rank"] is not None]
    indices = [_index(p) for p, _ in ranked]
    summary = ld.summary_rows(kind)
    places = D("0.01")
    assert max(indices).quantize(places, ROUND_HALF_UP) == summary["highest"]
    assert min(indices).quantize(places, ROUND_HALF_UP) == summary["lowest"]
    assert (sum(indices) / len(indices)).quantize(places, ROUND_HALF_UP) == summary["mean"]


@pytest.mark.parametrize("kind", ld.KINDS)
def test_rank_follows_unrounded_index(kind):
    """Competition ranking by the unrounded index among ranked units: equal indices share a rank
    (communes 79, 79, 81) and near-ties follow the third decimal (79,885 % before 79,882 %)."""
    pairs = [(row, _index(parts)) for row, parts in zip(ld.published_results(kind), ld.inputs(kind), strict=True)]
    ranked = [(row, index) for row, index in pairs if row["rank"] is not None]
    for row, index in ranked:
        assert row["rank"] == 1 + sum(1 for _, other in ranked if other > index), row["name"]


def test_report_self_and_appraised_parts():
    report = ld.report_rows("department")
    assert len(report["part1"]) == 15 and len(report["dtxhh"]) == 15 and len(report["sipas"]) == 2
    assert report["sipas"][ld.name_key("Văn phòng UBND tỉnh")] == [D("10.00"), D("8.68"), D("86.80")]
    commune = ld.report_rows("commune")
    assert (len(commune["part1"]), len(commune["dtxhh"]), len(commune["sipas"])) == (124, 124, 122)


def test_numbers_and_names():
    assert ld.parse_number("82,78") == D("82.78")
    assert ld.parse_number("79,885%") == D("79.885")
    assert ld.parse_number("89.079%") == D("89.079")  # the report's decimal-dot typo
    assert ld.parse_number("7,37/10") == D("7.37")
    assert ld.parse_number("1.234,5") == D("1234.5")
    with pytest.raises(ValueError, match="Không đọc được số"):
        ld.parse_number("TT")
    assert ld.name_key("Sở Văn hoá, Thể thao và Du lịch") == ld.name_key("Sở Văn hóa, Thể thao và Du lịch")
    assert ld.name_key("UBND phường B'Lao") == ld.name_key("UBND phường B’Lao")
    assert ld.name_key("Đặc khu Phú Quý") == ld.name_key("UBND đặc khu Phú Quý")
    with pytest.raises(ValueError):
        ld.published_results("province")


def test_missing_documents_raise_a_clear_error(settings, tmp_path):
    settings.BASE_DIR = tmp_path / "repo"
    assert not ld.available()
    with pytest.raises(FileNotFoundError, match=r"ld_bc_thamdinh_chiso_2025\.pdf"):
        ld.doc_path(ld.REPORT_FILE)


def test_the_decision_prints_the_same_annexes():
    """The publication decision (.docx) carries Phụ lục I/II too; only spellings differ
    ("Sở Công Thương", "Văn hóa"), every figure and rating is the same."""
    decision = ld.decision_results()
    published = [r for kind in ld.KINDS for r in ld.published_results(kind)]
    assert len(decision) == len(published) == 139
    for row in published:
        printed = decision[ld.name_key(row["name"])]
        assert (printed["max"], printed["points"], printed["index"], printed["rating"]) == (
            row["max"], row["points"], row["index"], row["rating"]
        ), row["name"]
    assert decision[ld.name_key("Sở Công thương")]["name"] == "Sở Công Thương"


def test_printed_points_are_rounded_after_the_index_was_computed():
    """Printed points / maximum misses the printed index for 43 of the 139 units: the index comes from
    the unrounded sum (ĐTXHH has three decimals). Mũi Né: 86,50 / 99 = 87,37 %, printed 87,38 %."""
    misses = []
    for kind in ld.KINDS:
        for row in ld.published_results(kind):
            from_printed = (row["points"] / row["max"] * 100).quantize(_places(row["index"]), ROUND_HALF_UP)
            if from_printed != row["index"]:
                misses.append(row["name"])
    assert len(misses) == 43
    assert "UBND phường Mũi Né" in misses
