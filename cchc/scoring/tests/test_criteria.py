"""Criteria sets as data: load, check, XLSX import/export, copy to a new year, revise inside a year."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from cchc.documents.tables import write_xlsx
from cchc.orgs.models import Unit, UnitKind
from cchc.scoring import criteria
from cchc.scoring.criteria import CSV_COLUMNS, CriteriaError
from cchc.scoring.models import CriteriaSet, Node, NodeScore, Round, Scorecard

pytestmark = pytest.mark.django_db

DATA = Path(criteria.__file__).resolve().parent / "data"

# A small set in the shipped format: two areas, 10 points; 1.2 is the sum of its TCTP.
MINI = [
    {"code": "1", "title": "Công tác chỉ đạo điều hành", "max_points": "6.00", "source": "self"},
    {"code": "1.1", "title": "Thực hiện kế hoạch CCHC", "max_points": "2.00", "source": "self",
     "rule": '{"type": "ratio", "floor": 0.8}', "evidence": "Báo cáo CCHC năm",
     "guidance": "(b/a)*điểm tối đa.\nNếu tỷ lệ b/a <0.8 thì điểm đánh giá là 0"},
    {"code": "1.2", "title": "Công tác kiểm tra CCHC", "max_points": "4.00", "source": "self"},
    {"code": "1.2.1", "title": "Tỷ lệ đơn vị được kiểm tra", "max_points": "2.00", "source": "self",
     "rule": '{"type": "bands", "on": "percent", "bands": [[20, 2], [15, 1], [0, 0]]}'},
    {"code": "1.2.2", "title": "Xử lý vấn đề phát hiện qua kiểm tra", "max_points": "2.00", "source": "appraisal",
     "rule": '{"type": "weighted", "terms": [["b", 2.0], ["c", 1.0]], "zero_a": "full"}'},
    {"code": "2", "title": "Cải cách tài chính công", "max_points": "4.00", "source": "self"},
    {"code": "2.1", "title": "Thu ngân sách", "max_points": "3.00", "source": "self", "na_allowed": "1",
     "rule": '{"type": "percent"}', "deduction": '{"share": 0.5, "label": "HĐTĐ trừ 50%"}'},
    {"code": "2.2", "title": "Mức độ hài lòng", "max_points": "1.00", "source": "survey"},
]
META = {"slug": "2025-thu", "year": 2025, "unit_type": "department", "title": "Bộ thử 2025",
        "document": "01/QĐ-UBND ngày 01/8/2025", "version": 1, "part1_max": "10", "survey_max": "15",
        "sipas_max": "10", "rating_bands": [["Tốt", "80"], ["Khá", "65"], ["Trung bình", "50"], ["Kém", "0"]],
        "round_exclusions_2025": ["2.2"]}


def rows(**changes):
    out = [dict(r) for r in MINI]
    for code, values in changes.items():
        for r in out:
            if r["code"] == code.replace("_", "."):
                r.update(values)
    return out


def mini_set() -> CriteriaSet:
    criteria_set, _ = criteria.load_set(META, rows())
    return criteria_set


def xlsx(table_rows: list[dict]) -> bytes:
    return write_xlsx(CSV_COLUMNS, [[r.get(c, "") for c in CSV_COLUMNS] for r in table_rows], title="Bộ tiêu chí")


def error_text(exc_info) -> str:
    return "\n".join(str(e) for e in exc_info.value.errors)


# ------------------------------------------------------------------------------------------------
# loading


def test_it_loads_a_set_as_a_tree():
    criteria_set = mini_set()
    nodes = {n.code: n for n in criteria_set.nodes.select_related("parent")}
    assert list(criteria_set.nodes.order_by("position").values_list("code", flat=True)) == [r["code"] for r in MINI]
    assert nodes["1.2.1"].parent == nodes["1.2"] and nodes["1.2"].parent == nodes["1"]
    assert nodes["1"].parent is None
    assert (nodes["1"].level, nodes["1.2"].level, nodes["1.2.1"].level) == (1, 2, 3)
    assert nodes["1.1"].rule == {"type": "ratio", "floor": 0.8}
    assert nodes["1.1"].guidance.endswith("Nếu tỷ lệ b/a <0.8 thì điểm đánh giá là 0")
    assert nodes["2.1"].na_allowed and nodes["2.1"].deduction["share"] == 0.5
    assert nodes["2.2"].source == "survey"
    assert criteria_set.part1_max == D("10") and criteria_set.default_exclusions == ["2.2"]
    assert criteria.counts(list(nodes.values())) == {"areas": 2, "criteria": 4, "components": 2, "subitems": 0,
                                                      "total": "10.00"}
    assert criteria.validate_set(criteria_set) == []


def test_loading_the_same_set_twice_changes_nothing():
    criteria_set = mini_set()
    before = list(criteria_set.nodes.values_list("id", "code", "max_points", "rule"))
    again, result = criteria.load_set(META, rows())
    assert again.pk == criteria_set.pk
    assert not result.changed and result.unchanged == len(MINI)
    assert list(again.nodes.values_list("id", "code", "max_points", "rule")) == before
    assert CriteriaSet.objects.filter(slug="2025-thu").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"1_1": {"rule": "{'type': 'ratio'}"}}, "Dòng 3 (mã 1.1): cách tính điểm (rule) không phải JSON hợp lệ"),
        ({"1_1": {"rule": '{"type": "formula"}'}}, "Dòng 3 (mã 1.1): Loại cách tính điểm «formula» không có"),
        ({"1_1": {"source": "tu danh gia"}}, "Dòng 3 (mã 1.1): nguồn điểm «tu danh gia» không hợp lệ"),
        ({"1_1": {"max_points": "một"}}, "Dòng 3 (mã 1.1): điểm tối đa «một» không phải là số"),
        ({"1_1": {"code": "1.1a"}}, "Dòng 3 (mã 1.1a): mã «1.1a» không đúng dạng"),
        ({"1_2_1": {"rule": '{"type": "choice", "options": [["Có", 3]]}'}},
         "Dòng 5 (mã 1.2.1): Điểm của lựa chọn «Có» (3,00) lớn hơn điểm tối đa 2,00."),
        ({"2_1": {"deduction": '{"share": 50}'}}, "Dòng 8 (mã 2.1): Tỷ lệ trừ điểm «share» phải lớn hơn 0"),
        ({"2_1": {"na_allowed": "có lẽ"}}, "Dòng 8 (mã 2.1): na_allowed «có lẽ» chỉ nhận 1"),
        ({"2_2": {"max_points": "0.50"}},
         "Dòng 7 (mã 2): tổng điểm tối đa các tiêu chí con (3,50) nhỏ hơn điểm tối đa 4,00: không bao giờ đạt"),
        ({"2_2": {"code": "3.1"}}, "Dòng 9 (mã 3.1): tiêu chí cấp trên «3» không có hoặc nằm sau dòng này."),
        ({"1_2_2": {"code": "1.2.1"}}, "Dòng 6 (mã 1.2.1): mã trùng với dòng 5."),
    ],
)
def test_bad_rows_are_refused_with_their_line_and_nothing_is_saved(change, message):
    with pytest.raises(CriteriaError) as e:
        criteria.load_set(META, rows(**change))
    assert message in error_text(e)
    assert not CriteriaSet.objects.filter(slug="2025-thu").exists()
    assert not Node.objects.filter(criteria_set__slug="2025-thu").exists()


def test_the_areas_must_add_up_to_the_part1_maximum():
    """SN/CX end with "TỔNG ĐIỂM 75,0"; 1187 with "TỔNG ĐIỂM 100.00"."""
    with pytest.raises(CriteriaError) as e:
        criteria.load_set({**META, "part1_max": "75"}, rows())
    assert "Bộ tiêu chí: tổng điểm các lĩnh vực (10,00) khác điểm tối đa phần tiêu chí 75,00." in error_text(e)


def test_children_above_the_parent_are_capped_and_reported():
    """1187 3.1 (1.00) prints three sub-items of 0.5 each; 12094 corrects them to 0.25 + 0.25 + 0.5."""
    table = rows(**{"2_2": {"max_points": "1.50"}})
    criteria_set, result = criteria.load_set(META, table)
    assert [str(w) for w in result.warnings] == [
        "Dòng 7 (mã 2): tổng điểm tối đa các tiêu chí con (4,50) lớn hơn điểm tối đa 4,00: điểm được giới hạn ở "
        "mức tối đa."]
    assert criteria.validate_set(criteria_set) == []


def test_every_bad_row_is_listed_at_once():
    with pytest.raises(CriteriaError) as e:
        criteria.load_set(META, rows(**{"1_1": {"source": "x"}, "2_1": {"rule": "{"}}))
    assert len(e.value.errors) == 2


# ------------------------------------------------------------------------------------------------
# XLSX import / export


def test_export_then_import_is_idempotent():
    criteria_set = mini_set()
    data = criteria.export_set_xlsx(criteria_set)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]] == CSV_COLUMNS
    assert [c.value for c in sheet[3]][:6] == ["1.1", "Thực hiện kế hoạch CCHC", "2.00", "self",
                                               '{"type": "ratio", "floor": 0.8}', "0"]
    result = criteria.import_set(criteria_set, data, "bo_tieu_chi.xlsx")
    assert not result.changed
    assert criteria.export_set_csv(criteria_set).decode("utf-8-sig").splitlines()[0] == ",".join(CSV_COLUMNS)


def test_import_updates_by_code_adds_and_removes():
    criteria_set = mini_set()
    ids = dict(criteria_set.nodes.values_list("code", "id"))
    table = rows(**{"1_1": {"title": "Thực hiện kế hoạch CCHC năm"}})
    table = [r for r in table if r["code"] != "2.2"]
    table[6]["max_points"] = "4.00"  # 2.1 takes 2.2's point
    result = criteria.import_set(criteria_set, xlsx(table), "sua.xlsx")
    assert (result.created, result.updated, result.deleted) == (0, 2, 1)
    assert dict(criteria_set.nodes.values_list("code", "id")) == {c: i for c, i in ids.items() if c != "2.2"}
    assert criteria_set.nodes.get(code="1.1").title == "Thực hiện kế hoạch CCHC năm"
    again = criteria.import_set(criteria_set, xlsx(table), "sua.xlsx")
    assert not again.changed


def test_import_is_all_or_nothing():
    criteria_set = mini_set()
    table = rows(**{"1_1": {"title": "Tên mới"}, "1_2_1": {"max_points": "-1"}})
    with pytest.raises(CriteriaError) as e:
        criteria.import_set(criteria_set, xlsx(table), "sai.xlsx")
    assert "Dòng 5 (mã 1.2.1): điểm tối đa «-1» phải từ 0 đến 9999.99" in error_text(e)
    assert criteria_set.nodes.get(code="1.1").title == "Thực hiện kế hoạch CCHC"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.xlsx", "Tệp rỗng"),
        (b"not a zip", "a.xlsx", "Tệp XLSX bị hỏng"),
        (b"x", "a.pdf", "Chỉ nhận tệp .xlsx hoặc .csv."),
        ("ma,ten\n1,Lĩnh vực\n".encode(), "a.csv", "Thiếu cột: code, title, max_points, source"),
    ],
)
def test_import_refuses_unreadable_files(data, name, message):
    criteria_set = mini_set()
    with pytest.raises(CriteriaError) as e:
        criteria.import_set(criteria_set, data, name)
    assert message in error_text(e)
    assert criteria_set.nodes.count() == len(MINI)


def _round_with_a_score(criteria_set: CriteriaSet, code: str = "1.1", points: str = "1.60") -> NodeScore:
    province = Unit.objects.create(code="T.S1C", name="Tỉnh thử", kind=UnitKind.PROVINCE)
    unit = Unit.objects.create(code="T.S1C.1", name="Sở thử", kind=UnitKind.DEPARTMENT, parent=province)
    round_ = Round.objects.create(title="Kỳ thử", year=2025, criteria_set=criteria_set)
    card = Scorecard.objects.create(round=round_, unit=unit)
    return NodeScore.objects.create(scorecard=card, node=criteria_set.nodes.get(code=code),
                                    inputs={"a": "10", "b": "8"}, self_points=D(points), set_version=1)


def test_a_set_with_scores_is_not_changed_in_place():
    criteria_set = mini_set()
    _round_with_a_score(criteria_set)
    with pytest.raises(CriteriaError) as e:
        criteria.import_set(criteria_set, xlsx(rows(**{"1_1": {"title": "Tên khác"}})),
                            "a.xlsx")
    assert "đã có điểm chấm" in error_text(e) and "phiên bản sửa đổi" in error_text(e)
    # Importing the unchanged set is still fine (nothing to do).
    assert not criteria.import_set(criteria_set, criteria.export_set_xlsx(criteria_set), "a.xlsx").changed


# ------------------------------------------------------------------------------------------------
# copy to a new year, revise inside a year


def test_copy_a_set_to_a_new_year():
    criteria_set = mini_set()
    copy = criteria.copy_set(criteria_set, 2026)
    assert (copy.slug, copy.year, copy.version, copy.previous) == ("2026-thu", 2026, 1, criteria_set)
    assert copy.title == "Bộ thử 2026" and copy.part1_max == D("10") and copy.default_exclusions == []
    assert [(r.code, r.max_points, r.rule) for r in criteria.set_rows(copy)] == [
        (r.code, r.max_points, r.rule) for r in criteria.set_rows(criteria_set)]
    assert not copy.nodes.filter(origin__isnull=False).exists()
    assert criteria_set.nodes.count() == len(MINI)  # the original is untouched
    with pytest.raises(CriteriaError) as e:
        criteria.copy_set(criteria_set, 2026)
    assert "Năm 2026 đã có bộ tiêu chí «2026-thu»." in error_text(e)


def test_a_revision_is_a_new_version_and_keeps_earlier_scores():
    """12094/BNV-CCHC (15/12/2025) changed three items of 1187; what was scored under 1187 stays."""
    criteria_set = mini_set()
    score = _round_with_a_score(criteria_set)
    revised = criteria.revise_set(
        criteria_set,
        [{"code": "1.1", "title": "Thực hiện kế hoạch CCHC", "max_points": "2.00", "source": "self",
          "rule": '{"type": "ratio", "floor": 0.9}'}],
        "12/CV-SNV ngày 15/12/2025",
    )
    assert (revised.version, revised.previous, revised.revision_document) == (2, criteria_set, "12/CV-SNV ngày 15/12/2025")
    assert criteria.changed_codes(revised) == ["1.1"]
    new = {n.code: n for n in revised.nodes.select_related("origin")}
    old = {n.code: n for n in criteria_set.nodes.all()}
    assert all(new[c].origin == old[c] for c in old)
    assert new["1.1"].rule_version == 2 and new["1.2.1"].rule_version == 1
    assert new["1.1"].rule["floor"] == 0.9 and old["1.1"].rule["floor"] == 0.8
    score.refresh_from_db()
    assert (score.node_id, score.self_points, score.set_version) == (old["1.1"].pk, D("1.60"), 1)
    assert criteria.validate_set(revised) == []

    # The round moves to version 2: every score kept; 1.1 is known to be scored under the old rule.
    moved = criteria.move_round_to_version(score.scorecard.round, revised)
    assert moved == {"moved": 1, "changed_rule": 1}
    score.refresh_from_db()
    assert (score.node_id, score.self_points, score.set_version) == (new["1.1"].pk, D("1.60"), 1)
    assert score.node.rule_version > score.set_version


def test_a_revision_that_changes_nothing_is_refused():
    criteria_set = mini_set()
    with pytest.raises(CriteriaError) as e:
        criteria.revise_set(criteria_set, [MINI[1]], "12/CV-SNV")
    assert "không có gì thay đổi" in error_text(e)
    with pytest.raises(CriteriaError) as e:
        criteria.revise_set(criteria_set, [MINI[1]], "")
    assert "Cần ghi văn bản sửa đổi" in error_text(e)
    assert CriteriaSet.objects.filter(slug="2025-thu").count() == 1


def test_a_revision_must_keep_the_tree_sound():
    criteria_set = mini_set()
    with pytest.raises(CriteriaError) as e:
        criteria.revise_set(criteria_set, [{**MINI[1], "max_points": "1.00"}], "12/CV-SNV")
    assert "(mã 1): tổng điểm tối đa các tiêu chí con (5,00) nhỏ hơn điểm tối đa 6,00" in error_text(e)


# ------------------------------------------------------------------------------------------------
# shipped sets and commands


def _write_dir(tmp_path: Path, entries: list[dict], files: dict[str, list[dict]]) -> Path:
    """A data folder like cchc/scoring/data: sets.json and one CSV per set."""
    (tmp_path / "sets.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    for name, table in files.items():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for r in table:
            writer.writerow({c: r.get(c, "") for c in CSV_COLUMNS})
        (tmp_path / name).write_text(buffer.getvalue(), encoding="utf-8")
    return tmp_path


def test_load_sets_from_a_directory_with_a_revision(tmp_path):
    revised = rows(**{"1_1": {"rule": '{"type": "ratio", "floor": 0.9}'}})
    entries = [
        {**META, "slug": "2025-v2", "file": "v2.csv", "version": 2, "revises": "2025-thu",
         "revision_document": "12/CV"},
        {**META, "file": "v1.csv"},
    ]
    folder = _write_dir(tmp_path, entries, {"v1.csv": rows(), "v2.csv": revised})
    loaded = criteria.load_shipped_sets(folder)
    assert [(s.slug, s.version) for s in loaded] == [("2025-thu", 1), ("2025-v2", 2)]
    assert loaded[1].previous == loaded[0]
    assert criteria.changed_codes(loaded[1]) == ["1.1"]
    again = criteria.load_shipped_sets(folder)
    assert [s.pk for s in again] == [s.pk for s in loaded]
    assert Node.objects.filter(criteria_set__in=loaded).count() == 2 * len(MINI)


def test_management_commands_export_and_import(tmp_path):
    folder = _write_dir(tmp_path, [{**META, "file": "v1.csv"}], {"v1.csv": rows()})
    out = io.StringIO()
    call_command("scoring_load_sets", "--data-dir", str(folder), stdout=out)
    assert "2025-thu" in out.getvalue() and "8 tiêu chí" in out.getvalue()
    target = tmp_path / "thu.xlsx"
    call_command("scoring_export_set", "2025-thu", "--output", str(target), stdout=io.StringIO())
    assert load_workbook(target).worksheets[0]["A2"].value == "1"
    out = io.StringIO()
    call_command("scoring_import_set", "2025-thu", str(target), stdout=out)
    assert "không thay đổi" in out.getvalue()


# ------------------------------------------------------------------------------------------------
# The real 2025 sets (S3's data)


def _shipped():
    if not (DATA / "sets.json").exists():
        pytest.skip("cchc/scoring/data/sets.json chưa có (dữ liệu bộ tiêu chí 2025).")
    return json.loads((DATA / "sets.json").read_text(encoding="utf-8"))


def test_the_real_2025_sets_load_with_their_published_counts_and_totals():
    """Provinces (1187): "TỔNG ĐIỂM 100.00", 8 areas / 38 / 88; departments (SN) and communes (CX):
    "TỔNG ĐIỂM 75,0", 7 / 30 / 73 and 7 / 31 / 69."""
    entries = _shipped()
    loaded = {(s.slug, s.version): s for s in criteria.load_shipped_sets()}
    for entry in entries:
        criteria_set = loaded[(entry["slug"], entry.get("version", 1))]
        assert criteria.validate_set(criteria_set) == [], entry["slug"]
        got = criteria.counts(list(criteria_set.nodes.all()))
        for key, value in entry["expect"].items():
            assert got[key] == value, (entry["slug"], key)
        assert D(got["total"]) == criteria_set.part1_max
    by_type = {(s.unit_type, s.version): criteria.counts(list(s.nodes.all())) for s in loaded.values()}
    assert by_type[("province", 1)]["total"] == "100.00"
    assert (by_type[("province", 1)]["areas"], by_type[("province", 1)]["criteria"],
            by_type[("province", 1)]["components"]) == (8, 38, 88)
    assert (by_type[("department", 1)]["areas"], by_type[("department", 1)]["criteria"],
            by_type[("department", 1)]["components"], by_type[("department", 1)]["total"]) == (7, 30, 73, "75.00")
    assert (by_type[("commune", 1)]["areas"], by_type[("commune", 1)]["criteria"],
            by_type[("commune", 1)]["components"], by_type[("commune", 1)]["total"]) == (7, 31, 69, "75.00")
    commune = next(s for s in loaded.values() if s.unit_type == "commune")
    assert commune.default_exclusions == ["5.2"]
    # Idempotent.
    before = Node.objects.count()
    criteria.load_shipped_sets()
    assert Node.objects.count() == before


def test_the_12094_revision_is_version_2_with_three_changed_items():
    """12094/BNV-CCHC (15/12/2025) revises 1187's 3.1, 6.2.2 and 6.2.3 (PAR_INDEX.md §6 "Versioning").

    The data also shows one change PAR_INDEX.md does not list: 12094's 2.3.2 adds "Nếu Báo cáo kết quả
    kiểm tra, xử lý, rà soát, hệ thống hóa văn bản QPPL không đáp ứng yêu cầu … thì TRỪ 10% tổng số điểm
    đạt được của TCTP này", absent from 1187 (whose only deduction note is on 6.2.2). Only that
    deduction may differ there: its points and rule are those of 1187."""
    entries = _shipped()
    if not any(e.get("revises") for e in entries):
        pytest.skip("sets.json chưa có bản sửa đổi 12094.")
    sets = criteria.load_shipped_sets()
    revision = next(s for s in sets if s.unit_type == "province" and s.version == 2)
    assert "12094" in revision.revision_document
    assert revision.previous.version == 1 and "1187" in revision.previous.document
    items = criteria.changed_items(revision)
    assert {"3.1", "6.2.2", "6.2.3"} <= set(items), items
    old = {n.code: n for n in revision.previous.nodes.all()}
    for code in set(items) - {"3.1", "6.2.2", "6.2.3"}:
        node = revision.nodes.get(code=code)
        assert (node.max_points, node.rule, node.source) == (old[code].max_points, old[code].rule, old[code].source)
        assert node.deduction and not old[code].deduction, code
    new = {n.code: n for n in revision.nodes.all()}
    assert [new[c].max_points for c in ("3.1.a", "3.1.b", "3.1.c")] == [D("0.25"), D("0.25"), D("0.50")]
    assert [old[c].max_points for c in ("3.1.a", "3.1.b", "3.1.c")] == [D("0.50")] * 3
    unchanged = [n for n in new.values() if n.rule_version == 1]
    assert len(unchanged) > 100 and all(n.origin_id == old[n.code].pk for n in unchanged)
    assert criteria.counts(list(revision.nodes.all()))["total"] == "100.00"


def test_every_change_to_a_set_is_audited_with_its_author():
    from auditlog.models import LogEntry
    from django.contrib.auth import get_user_model

    author = get_user_model().objects.create(username="s1-audit", full_name="Người sửa bộ tiêu chí")
    criteria_set = mini_set()
    created = LogEntry.objects.filter(content_type__model="node", action=LogEntry.Action.CREATE)
    assert created.count() == len(MINI)
    assert LogEntry.objects.get_for_object(criteria_set).filter(action=LogEntry.Action.CREATE).exists()
    criteria.import_set(criteria_set, xlsx(rows(**{"1_1": {"title": "Thực hiện kế hoạch CCHC năm 2025"}})),
                        "a.xlsx", by=author)
    entry = LogEntry.objects.filter(content_type__model="node", action=LogEntry.Action.UPDATE).get()
    assert entry.actor == author
    assert entry.object_id == criteria_set.nodes.get(code="1.1").pk
    assert entry.changes == {"title": ["Thực hiện kế hoạch CCHC", "Thực hiện kế hoạch CCHC năm 2025"]}
