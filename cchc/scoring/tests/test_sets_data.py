"""The three real 2025 criteria sets shipped as data (cchc/scoring/data): shape, totals and rules.

Pure Python on the CSV files and sets.json, independent of the loader, so a broken file is caught
here with the line that breaks it. Figures come from the documents (see PAR_INDEX.md §1); one test
also reads the province's real self-assessment in place (skipped when it is absent).
"""

import csv
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
COLUMNS = ["code", "title", "max_points", "source", "rule", "na_allowed", "deduction", "evidence", "guidance"]
SOURCES = {"self", "appraisal", "central", "survey", "sipas"}
CODE = re.compile(r"^\d+(\.\d+){0,2}(\.[a-z])?$")
D = Decimal

# Per area: (maximum, tiêu chí, tiêu chí thành phần) as counted in PAR_INDEX §1 from the documents.
AREAS = {
    "2025-tinh-1187": {
        "1": ("9.50", 7, 2), "2": ("9.00", 5, 8), "3": ("12.00", 5, 12), "4": ("10.50", 3, 12),
        "5": ("14.50", 6, 16), "6": ("12.00", 3, 14), "7": ("16.00", 4, 15), "8": ("16.50", 5, 9),
    },
    "2025-so-nganh": {
        "1": ("14.50", 7, 10), "2": ("6.50", 3, 9), "3": ("15.00", 5, 15), "4": ("5.00", 3, 8),
        "5": ("8.50", 6, 11), "6": ("8.00", 3, 9), "7": ("17.50", 3, 11),
    },
    "2025-cap-xa": {
        "1": ("17.00", 7, 10), "2": ("6.00", 4, 9), "3": ("12.00", 5, 13), "4": ("5.00", 3, 7),
        "5": ("9.00", 6, 10), "6": ("7.50", 3, 9), "7": ("18.50", 3, 11),
    },
}
AREAS["2025-tinh-12094"] = AREAS["2025-tinh-1187"]

# 1187 (PDF p.4) prints three sub-items of 0.5 under 3.1's maximum of 1.00 (capped at 1.00); 12094
# corrects them to 0.25 + 0.25 + 0.5. The only parent whose children do not add up to it.
OVERFULL = {("2025-tinh-1187", "3.1"): D("1.50")}


def sets():
    return json.loads((DATA / "sets.json").read_text(encoding="utf-8"))


def load(entry):
    with open(DATA / entry["file"], encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS, entry["file"]
        return list(reader)


SETS = {entry["slug"]: entry for entry in sets()}
ROWS = {slug: load(entry) for slug, entry in SETS.items()}


def parent(code):
    return code.rsplit(".", 1)[0] if "." in code else None


def is_component(code):  # tiêu chí thành phần: X.Y.Z (a lettered sub-item is not one)
    return re.fullmatch(r"\d+\.\d+\.\d+", code) is not None


def children(rows, code):
    return [r for r in rows if parent(r["code"]) == code]


def test_sets_json():
    entries = sets()
    assert [e["slug"] for e in entries] == ["2025-tinh-1187", "2025-tinh-12094", "2025-so-nganh", "2025-cap-xa"]
    assert len({(e["year"], e["unit_type"], e["version"], e["slug"]) for e in entries}) == 4
    for entry in entries:
        assert (DATA / entry["file"]).is_file()
        assert entry["rating_bands"] == [["Tốt", "80"], ["Khá", "65"], ["Trung bình", "50"], ["Kém", "0"]]
        total = D(entry["part1_max"]) + D(entry["survey_max"]) + D(entry["sipas_max"])
        assert total == 100, entry["slug"]
        assert D(entry["sipas_min_rate"]) == 10 and entry["sipas_min_forms"] == 50
        if entry["revises"]:
            previous = SETS[entry["revises"]]
            assert (previous["year"], previous["unit_type"]) == (entry["year"], entry["unit_type"])
            assert entry["version"] == previous["version"] + 1 and entry["revision_document"]
    assert SETS["2025-tinh-12094"]["revises"] == "2025-tinh-1187"
    assert SETS["2025-tinh-12094"]["revision_document"] == "12094/BNV-CCHC ngày 15/12/2025"
    assert SETS["2025-cap-xa"]["round_exclusions_2025"] == ["5.2"]
    assert (SETS["2025-so-nganh"]["part1_max"], SETS["2025-so-nganh"]["survey_max"], SETS["2025-so-nganh"]["sipas_max"]) == (
        "75", "15", "10"
    )


@pytest.mark.parametrize("slug", list(SETS))
def test_tree_is_well_formed(slug):
    rows = ROWS[slug]
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)), [c for c, n in Counter(codes).items() if n > 1]
    seen = set()
    for r in rows:
        code = r["code"]
        assert CODE.match(code), code
        if parent(code):
            assert parent(code) in seen, f"{code}: parent missing or after the child"
        seen.add(code)
        assert r["title"].strip() and "\n" not in r["title"], code
        max_points = D(r["max_points"])
        assert max_points > 0 and max_points == max_points.quantize(D("0.01")), code
        assert r["source"] in SOURCES, code
        assert r["na_allowed"] in ("0", "1"), code
        if parent(code) and rows[codes.index(parent(code))]["source"] != "self":
            assert r["source"] == rows[codes.index(parent(code))]["source"], code  # children share it
    for excluded in SETS[slug]["round_exclusions_2025"]:
        assert excluded in seen


@pytest.mark.parametrize("slug", list(SETS))
def test_counts_and_totals(slug):
    rows, entry = ROWS[slug], SETS[slug]
    areas = [r for r in rows if "." not in r["code"]]
    criteria = [r for r in rows if re.fullmatch(r"\d+\.\d+", r["code"])]
    components = [r for r in rows if is_component(r["code"])]
    expect = entry["expect"]
    assert (len(areas), len(criteria), len(components)) == (expect["areas"], expect["criteria"], expect["components"])
    total = sum(D(r["max_points"]) for r in areas)
    assert total == D(expect["total"]) == D(entry["part1_max"])
    for area in areas:
        code = area["code"]
        maximum, n_criteria, n_components = AREAS[slug][code]
        assert area["max_points"] == maximum, code
        assert sum(1 for r in criteria if parent(r["code"]) == code) == n_criteria, code
        assert sum(1 for r in components if r["code"].split(".")[0] == code) == n_components, code


@pytest.mark.parametrize("slug", list(SETS))
def test_children_add_up_and_leaves_have_rules(slug):
    rows = ROWS[slug]
    for r in rows:
        kids = children(rows, r["code"])
        if kids:
            assert r["rule"] == "", f"{r['code']}: a parent is the sum of its children"
            total = sum(D(k["max_points"]) for k in kids)
            assert total == OVERFULL.get((slug, r["code"]), D(r["max_points"])), r["code"]
        else:
            assert r["rule"], f"{r['code']}: a leaf needs a rule"
            if r["source"] not in ("survey", "central", "sipas"):
                assert r["evidence"].strip() or (slug.startswith("2025-tinh") and r["code"].startswith("7.2.3")), r["code"]


def _number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_rule(rule, maximum):
    """Raise AssertionError unless `rule` is valid JSON of the vocabulary in the contract."""
    kind = rule["type"]
    keys = set(rule)
    if kind == "choice":
        assert keys == {"type", "options"}
        assert len(rule["options"]) >= 2
        labels = [o[0] for o in rule["options"]]
        assert len(labels) == len(set(labels)) and all(isinstance(label, str) and label for label in labels)
        points = [D(str(o[1])) for o in rule["options"]]
        assert max(points) == maximum and min(points) >= 0
    elif kind == "bands":
        assert keys == {"type", "on", "bands", "zero_a"}
        assert rule["on"] in ("percent", "count", "ratio") and rule["zero_a"] in ("full", None)
        if rule["zero_a"]:
            assert rule["on"] == "ratio"
        bounds = [b[0] for b in rule["bands"]]
        assert all(_number(b) for b in bounds) and bounds == sorted(bounds, reverse=True)
        assert len(bounds) == len(set(bounds)) and bounds[-1] == 0  # lower bounds descending, down to 0
        points = [D(str(b[1])) for b in rule["bands"]]
        assert points[0] == maximum and points == sorted(points, reverse=True) and points[-1] >= 0
        if rule["on"] == "percent":
            assert bounds[0] <= 100
    elif kind == "ratio":
        assert keys == {"type", "floor", "cap", "zero_a"}
        for key in ("floor", "cap"):
            assert rule[key] is None or (_number(rule[key]) and 0 < rule[key] < 1)
        assert rule["zero_a"] in ("full", None)
    elif kind == "weighted":
        assert keys == {"type", "terms", "floor", "zero_a"}
        names = [t[0] for t in rule["terms"]]
        assert len(names) >= 2 and len(set(names)) == len(names) and "a" not in names
        assert max(D(str(t[1])) for t in rule["terms"]) == maximum
        assert rule["floor"] is None or 0 < rule["floor"] < 1
        assert rule["zero_a"] in ("full", None)
    elif kind == "percent" or kind == "points":
        assert keys == {"type"}
    elif kind == "change":
        assert keys == {"type", "points"} and set(rule["points"]) == {"up", "same", "down"}
        assert max(D(str(v)) for v in rule["points"].values()) == maximum
    elif kind == "rank":
        assert keys == {"type", "bands"}
        uppers = [b[0] for b in rule["bands"]]
        assert all(isinstance(u, int) and u >= 1 for u in uppers) and uppers == sorted(uppers)
        assert D(str(rule["bands"][0][1])) == maximum
    else:
        raise AssertionError(f"unknown rule type {kind}")


@pytest.mark.parametrize("slug", list(SETS))
def test_rules_and_deductions_follow_the_vocabulary(slug):
    kinds = Counter()
    for r in ROWS[slug]:
        if r["rule"]:
            rule = json.loads(r["rule"])
            try:
                check_rule(rule, D(r["max_points"]))
            except (AssertionError, KeyError, TypeError) as error:
                raise AssertionError(f"{slug} {r['code']}: {r['rule']}") from error
            kinds[rule["type"]] += 1
        if r["deduction"]:
            deduction = json.loads(r["deduction"])
            assert set(deduction) == {"share", "label", "waivable"}, r["code"]
            assert 0 < deduction["share"] < 1 and deduction["label"] and isinstance(deduction["waivable"], bool)
    assert kinds["choice"] and kinds["bands"] and kinds["ratio"]


def test_province_sources():
    rows = {r["code"]: r for r in ROWS["2025-tinh-1187"]}
    survey = [r for r in rows.values() if r["source"] == "survey" and not children(ROWS["2025-tinh-1187"], r["code"])]
    assert len(survey) == 27  # "ĐTXHH" in Ghi chú
    assert sum(D(r["max_points"]) for r in survey) == D("32.00")
    central_roots = [c for c, r in rows.items() if r["source"] == "central" and rows.get(parent(c) or "", {}).get("source") != "central"]
    assert sorted(central_roots) == ["1.7", "7.2.4", "7.4.1", "7.4.6", "8.4"]
    assert sum(D(rows[c]["max_points"]) for c in central_roots) == D("6.50")
    # the rest, 61.50 points, is the maximum of the province's self-assessment (TỰĐG)
    self_top = [r for c, r in rows.items() if r["source"] == "self" and "." in c and not children(ROWS["2025-tinh-1187"], c)]
    assert sum(D(r["max_points"]) for r in self_top) == D("61.50") + D("0.50")  # + 3.1's overfull sub-items
    revised = ROWS["2025-tinh-12094"]
    assert sum(D(r["max_points"]) for r in revised if r["source"] == "self" and "." in r["code"] and not children(revised, r["code"])) == D("61.50")
    # the satisfaction survey is a percentage of the maximum: (a × điểm tối đa)/100
    assert all(json.loads(rows[f"8.1.{i}"]["rule"]) == {"type": "percent"} for i in range(1, 6))
    assert sum(D(rows[f"8.1.{i}"]["max_points"]) for i in range(1, 6)) == D("10.00")


def test_real_rule_examples():
    tinh = {r["code"]: r for r in ROWS["2025-tinh-1187"]}
    sn = {r["code"]: r for r in ROWS["2025-so-nganh"]}
    cx = {r["code"]: r for r in ROWS["2025-cap-xa"]}

    def rule(rows, code):
        return json.loads(rows[code]["rule"])

    assert rule(tinh, "1.1") == {"type": "ratio", "floor": 0.8, "cap": None, "zero_a": None}
    assert rule(tinh, "1.3.2") == {"type": "weighted", "terms": [["b", 1], ["c", 0.5]], "floor": None, "zero_a": "full"}
    assert rule(tinh, "2.3.2")["terms"] == [["b1", 1], ["b2", 0.75], ["b3", 0.25]]
    assert rule(tinh, "7.4.6") == {"type": "ratio", "floor": None, "cap": 0.7, "zero_a": None}
    assert rule(tinh, "8.3.1") == {"type": "change", "points": {"up": 0.5, "same": 0.25, "down": 0}}
    assert rule(tinh, "8.4.b") == {"type": "rank", "bands": [[10, 1], [20, 0.75], [30, 0.5], [34, 0.25]]}
    assert rule(tinh, "8.5") == {"type": "weighted", "terms": [["b", 1.5], ["c", 1]], "floor": 0.7, "zero_a": None}
    assert rule(tinh, "3.2.3") == {"type": "percent"}
    assert rule(sn, "3.4.1") == {"type": "bands", "on": "ratio", "bands": [[98, 2], [95, 1], [0, 0]], "zero_a": None}
    assert rule(sn, "1.5") == {"type": "bands", "on": "count", "bands": [[3, 3], [2, 2], [1, 1], [0, 0]], "zero_a": None}
    assert rule(sn, "7.3.4")["floor"] == 0.9 and rule(cx, "7.3.6")["floor"] == 0.7 and rule(cx, "7.3.8")["floor"] == 0.6
    assert rule(sn, "6.1.3")["zero_a"] == "full" and rule(sn, "3.4.2")["zero_a"] == "full"
    # N/A removes the node from the unit's maximum
    assert sn["1.7"]["na_allowed"] == "1" and sn["6.3"]["na_allowed"] == "1" and sn["5.2.1"]["na_allowed"] == "1"
    assert cx["1.7"]["na_allowed"] == "0" and cx["5.2.1"]["na_allowed"] == "1"
    # appraisal only: 3.4.3 in the guidance; 6.3.2 for 2025 in the evidence column ("Năm 2025, các đơn
    # vị không tự đánh giá, chấm điểm … Hội đồng thẩm định sẽ xem xét")
    assert sn["3.4.3"]["source"] == cx["3.4.3"]["source"] == "appraisal"
    assert sn["6.3.2"]["source"] == cx["6.3.2"]["source"] == "appraisal"
    assert sorted(r["code"] for r in ROWS["2025-so-nganh"] if r["source"] != "self") == ["3.4.3", "6.3.2"]
    assert sorted(r["code"] for r in ROWS["2025-cap-xa"] if r["source"] != "self") == ["3.4.3", "6.3.2"]
    # "no case → full marks", also when it is only written in the evidence column (CX 1.6)
    assert rule(cx, "1.6.2")["zero_a"] == "full" and rule(sn, "1.6.2")["zero_a"] is None
    # deductions of a share of the points achieved
    assert json.loads(sn["6.2.2"]["deduction"])["share"] == 0.5 == json.loads(cx["6.2.2"]["deduction"])["share"]
    assert json.loads(tinh["6.2.2"]["deduction"])["share"] == 0.1
    # additive sub-items ("cộng thêm") are children summed
    assert [(r["code"], r["max_points"]) for r in children(ROWS["2025-so-nganh"], "3.1.4")] == [
        ("3.1.4.a", "0.25"), ("3.1.4.b", "0.75")
    ]
    # the waiver of SN 5.4.x ("tự kiểm tra phát hiện, đã xử lý, khắc phục thì không trừ điểm") is an option
    options = dict(rule(sn, "5.4.1")["options"])
    assert any("tự kiểm tra phát hiện" in label and points == 0.5 for label, points in options.items())


def test_department_na_reproduces_the_appraised_maximums():
    """TĐ p.6–12: Thanh tra tỉnh's Part-1 maximum is 66 = 75 − 2 (1.7) − 1.5 (3.3, no one-stop TTHC)
    − 2 (4.1.3, 4.2.2) − 1.5 (5.1.3, 5.2.1, 5.2.2) − 2 (6.3); Sở Ngoại vụ 65.5 also drops 6.1.1."""
    sn = {r["code"]: r for r in ROWS["2025-so-nganh"]}

    def m(*codes):
        return sum(D(sn[c]["max_points"]) for c in codes)

    assert D("75") - m("1.7", "3.3", "4.1.3", "4.2.2", "5.1.3", "5.2.1", "5.2.2", "6.3") == D("66.00")
    assert D("75") - m("1.7", "4.1.3", "4.2.2", "5.1.3", "5.2.1", "5.2.2", "6.3", "6.1.1") == D("65.50")
    assert D("75") - m("1.7", "5.2.1", "5.2.2") == D("72.00")  # e.g. Sở Nội vụ
    assert all(sn[c]["na_allowed"] == "1" for c in ("1.7", "3.3", "4.1.3", "4.2.2", "5.1.3", "5.2.1", "5.2.2", "6.3", "6.1.1"))
    cx = {r["code"]: r for r in ROWS["2025-cap-xa"]}
    assert D("75") - D(cx["5.2"]["max_points"]) == D("74.00")  # the 2025 exclusion (TĐ p.2 fn 4)


def test_12094_revises_exactly_three_items_of_1187():
    before = {r["code"]: r for r in ROWS["2025-tinh-1187"]}
    after = {r["code"]: r for r in ROWS["2025-tinh-12094"]}
    assert list(before) == list(after)
    revised = ("3.1", "6.2.2", "6.2.3")
    scoring = ("title", "max_points", "source", "rule", "na_allowed", "deduction")
    changed = {
        code for code in before
        if any(before[code][field] != after[code][field] for field in scoring)
    }
    in_revised = {c for c in changed if any(c == r or c.startswith(r + ".") for r in revised)}
    # 12094 adds one deduction to 2.3.2 ("TRỪ 10% tổng số điểm đạt được của TCTP này"); nothing else moves
    assert changed - in_revised == {"2.3.2"}
    assert [f for f in scoring if before["2.3.2"][f] != after["2.3.2"][f]] == ["deduction"]
    assert {c.split(".")[0] + "." + c.split(".")[1] for c in in_revised} == {"3.1", "6.2"}
    assert "6.2.3" in in_revised and "6.2.2" in in_revised and "3.1.a" in in_revised
    assert [after[f"3.1.{s}"]["max_points"] for s in "abc"] == ["0.25", "0.25", "0.50"]
    assert [before[f"3.1.{s}"]["max_points"] for s in "abc"] == ["0.50", "0.50", "0.50"]
    assert json.loads(before["6.2.3"]["rule"])["bands"][0] == [80, 0.75]
    assert json.loads(after["6.2.3"]["rule"])["bands"] == [[100, 0.75], [80, 0.5], [60, 0.25], [0, 0]]
    assert before["6.2.2"]["deduction"] and not after["6.2.2"]["deduction"]
    # maxima of areas and criteria are untouched
    assert all(before[c]["max_points"] == after[c]["max_points"] for c in before if c.count(".") < 2 and not c.endswith(("a", "b", "c")))


def test_the_province_self_assessment_fits_the_12094_set(settings):
    """Lâm Đồng's self-assessment to the ministry (TỰĐG) lists the self-assessed rows with their
    "Điểm chuẩn": for every row, the self-assessed leaves below that code add up to it (61.50 in all),
    and its 6.2.3 score of 0.50 for "4.609/4.642 … (đạt 99%)" is what 12094 gives, not 1187 (0.75)."""
    import docx

    path = Path(settings.BASE_DIR).parent / "shared" / "realdocs" / "scoring" / "ld_bc_tudanhgia_parindex_2025.docx"
    if not path.is_file():
        pytest.skip("Báo cáo tự đánh giá 2025 của Lâm Đồng không có ở máy này")
    table = next(t for t in docx.Document(str(path)).tables if t.rows[0].cells[0].text.strip() == "TT")
    printed = {}
    for row in table.rows[1:]:
        cells = [c.text.strip() for c in row.cells]
        if re.fullmatch(r"\d+(\.\d+)*", cells[0]):
            printed[cells[0]] = (D(cells[2]), D(cells[3]))
    rows = ROWS["2025-tinh-12094"]
    assert len(printed) == 99
    for code, (maximum, _self_score) in printed.items():
        leaves = [
            r for r in rows
            if (r["code"] == code or r["code"].startswith(code + ".")) and not children(rows, r["code"])
        ]
        assert sum(D(r["max_points"]) for r in leaves if r["source"] == "self") == maximum, code
    assert sum(m for code, (m, _) in printed.items() if "." not in code) == D("61.50")

    def band(slug, value):
        rule = json.loads(next(r for r in ROWS[slug] if r["code"] == "6.2.3")["rule"])
        return next(D(str(points)) for lower, points in rule["bands"] if value >= lower)

    assert printed["6.2.3"][1] == D("0.50") == band("2025-tinh-12094", D("99")) != band("2025-tinh-1187", D("99"))
