"""The reader on the five seed plans: what a person reading them finds, the reader must find.

The seeds are shipped with the tests (tests/seeds/); expectations come from reading them.
"""

import datetime
from pathlib import Path

import pytest

from cchc.orgs.models import Unit
from cchc.orgs.resolver import UnitResolver
from cchc.plans.reader import read_plan
from cchc.plans.services import plan_parse

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).parent.parent / "demo"  # the five seed plans, also the demo data


def parse(name: str, context: str | None = None):
    path = next(SEEDS.glob(f"{name}_*.txt"))
    unit = Unit.objects.get(code=context) if context else None
    return plan_parse(path.read_bytes(), path.name, context=unit)


@pytest.fixture(scope="module")
def seed004(django_db_blocker):
    with django_db_blocker.unblock():
        return parse("004")


# --- seed 004: the province's CCHC plan, H2 2025, with the appendix flattened into lines -------


def test_004_header(seed004):
    p = seed004
    assert p.kind == "reform"
    assert p.doc_type == "KẾ HOẠCH"
    assert p.title.startswith("Cải cách hành chính tỉnh Ninh Bình 6 tháng cuối năm 2025")
    assert "sau khi hợp nhất 3 tỉnh Hà Nam, Ninh Bình, Nam Định" in p.title
    assert p.issuer == "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"
    assert p.issuer_unit_code == "37"
    assert p.number is None and p.symbol == "KH-UBND"  # "Số:          /KH-UBND" — a draft, no number yet
    assert p.place == "Ninh Bình" and p.date is None  # "ngày        tháng 7  năm 2025"
    assert (p.period_start, p.period_end) == (datetime.date(2025, 7, 1), datetime.date(2025, 12, 31))
    assert p.period_label == "6 tháng cuối năm 2025"


def test_004_legal_basis(seed004):
    refs = {r.number: r for r in seed004.legal_basis}
    assert refs["76/NQ-CP"].kind == "Nghị quyết"
    assert refs["76/NQ-CP"].date == datetime.date(2021, 7, 15)
    assert refs["76/NQ-CP"].issuer == "Chính phủ"
    assert refs["4625/BNV-CCHC"].kind == "Công văn"
    assert refs["4625/BNV-CCHC"].date == datetime.date(2025, 7, 2)
    assert refs["4625/BNV-CCHC"].issuer == "Bộ Nội vụ"


def test_004_ten_targets_with_measurable_clauses(seed004):
    targets = seed004.targets
    assert [t.number for t in targets] == [str(i) for i in range(1, 11)]
    by_number = {t.number: t for t in targets}
    assert by_number["1"].qualitative  # "vượt mức trung bình chung toàn quốc"
    assert by_number["8"].qualitative
    assert [(c.comparator, c.value) for c in by_number["2"].clauses] == [("=", 100)]
    three = by_number["3"].clauses[0]
    assert (three.comparator, three.value, three.unit) == (">=", 20, "%")
    assert three.scope.startswith("các sở, ban, ngành và UBND các xã, phường")
    # "giảm ít nhất 30% thời gian …, 30% chi phí": the listed figure shares its comparator.
    assert [(c.comparator, c.value) for c in by_number["5"].clauses] == [(">=", 30), (">=", 30), (">=", 30)]
    assert [(c.comparator, c.value) for c in by_number["6"].clauses] == [(">=", 80)]
    assert [(c.comparator, c.value) for c in by_number["7"].clauses] == [("=", 100), ("=", 100), (">=", 80)]


def test_004_appendix_has_43_numbered_tasks_in_48_rows_all_resolved(seed004):
    tasks = seed004.tasks
    assert len(tasks) == 48
    assert sum(1 for t in tasks if t.number) == 43
    assert [g for g in dict.fromkeys(t.group for t in tasks)] == ["I", "II", "III", "IV", "V", "VI", "VII"]
    assert seed004.unresolved == []
    assert all(t.timeframe.kind != "unparsed" for t in tasks)


def test_004_first_task_and_its_sub_row(seed004):
    first, second = seed004.tasks[:2]
    assert (first.group, first.number) == ("I", "1")
    assert first.title.startswith("Ban hành và tổ chức thực hiện Kế hoạch cải cách hành chính")
    assert first.deliverable.startswith("Kế hoạch CCHC tỉnh Ninh Bình 6 tháng cuối năm 2025")
    assert [u.code for u in first.lead.units] == ["37.SNV"]
    assert {g.code for g in first.partners.groups} == {"so-ban-nganh", "ubnd-cap-xa"}
    assert first.timeframe.kind == "deadline" and first.timeframe.due_dates == (datetime.date(2025, 7, 15),)
    # The second row under the same task: the departments' and communes' own plans by 30/7.
    assert second.number == "" and second.title == first.title
    assert {g.code for g in second.lead.groups} == {"so-ban-nganh", "ubnd-cap-xa"}
    assert second.partners is None
    assert second.timeframe.due_dates == (datetime.date(2025, 7, 30),)


@pytest.mark.parametrize(
    ("group", "number", "lead", "partners", "kind"),
    [
        ("I", "4", {"37.BAO", "nhom:so-ban-nganh", "nhom:ubnd-cap-xa"}, {"37.SNV"}, "continuous"),
        ("I", "7", {"nhom:so-ban-nganh", "nhom:ubnd-cap-xa"}, {"37.SNV", "37.SKHCN"}, "period_end"),
        ("II", "1", {"nhom:so-ban-nganh", "nhom:ubnd-cap-xa"}, {"37.STP", "nhom:co-quan-lien-quan"}, "period_end"),
        ("III", "2", {"nhom:so-ban-nganh", "nhom:ubnd-cap-xa"}, {"37.VPUB"}, "event"),
        ("III", "5", {"37.VPUB"}, {"37.SKHCN"}, "recurring"),
        ("IV", "2", {"nhom:so-ban-nganh", "nhom:ubnd-cap-xa"}, {"37.SNV"}, "event"),
        ("V", "6", {"37.SNV", "37.VPUB"}, {"nhom:so-ban-nganh", "nhom:ubnd-cap-xa"}, "continuous"),
        ("VII", "6", {"37.SKHCN"}, {"nhom:so-ban-nganh", "nhom:ubnd-cap-xa"}, "period_end"),
    ],
)
def test_004_lead_and_partner_columns(seed004, group, number, lead, partners, kind):
    task = next(t for t in seed004.tasks if (t.group, t.number) == (group, number))
    codes = {m.unit.code if m.unit else f"nhom:{m.group.code}" for m in task.lead.matches}
    assert codes == lead
    assert {m.unit.code if m.unit else f"nhom:{m.group.code}" for m in task.partners.matches} == partners
    assert task.timeframe.kind == kind


def test_004_event_timeframes_keep_their_trigger(seed004):
    task = next(t for t in seed004.tasks if (t.group, t.number) == ("IV", "3"))
    assert task.timeframe.kind == "event"
    assert task.timeframe.text == "Sau khi có Quyết định giao biên chế của Ban Tổ chức Trung ương"
    assert task.timeframe.due_dates == ()


def test_004_duties_and_closing(seed004):
    duties = {d.unit_text: d for d in seed004.duties}
    assert list(duties)[:2] == ["Các sở, ban, ngành; UBND các xã, phường", "Sở Nội vụ"]
    assert {g.code for g in duties["Các sở, ban, ngành; UBND các xã, phường"].resolution.groups} == {
        "so-ban-nganh", "ubnd-cap-xa"}
    assert [u.code for u in duties["Sở Nội vụ"].resolution.units] == ["37.SNV"]
    assert len(duties["Sở Nội vụ"].items) == 6  # a) b) c) d) e) g): the seed has no đ)
    assert seed004.recipients[0] == "Bộ Nội vụ"
    assert seed004.recipients[-1].startswith("Lưu: VT, TTPVHCC")
    assert seed004.signer_name == "Nguyễn Anh Chức"
    assert seed004.signer_title.splitlines() == ["TM.UỶ BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


# --- seed 001: the province's communication plan for 2026 ------------------------------------


def test_001_communication_plan():
    p = parse("001")
    assert p.kind == "communication"
    assert p.period_label == "năm 2026"
    assert p.issuer_unit_code == "37"
    assert [t.code for t in p.topics] == ["a", "b", "c", "d", "đ", "e", "f", "g", "h", "i", "k"]
    assert p.topics[0].text.startswith("Các quan điểm, chủ trương của Đảng")
    assert [c.code for c in p.channels] == ["a", "b", "c", "d", "đ", "e", "f"]
    assert "cuộc thi" in p.channels[5].text.lower() or "hội thi" in p.channels[5].text.lower()
    assert [d.unit_text for d in p.duties][:3] == [
        "Các sở, ban, ngành thuộc tỉnh; Ủy ban nhân dân các xã, phường", "Sở Nội vụ", "Văn phòng Ủy ban nhân dân tỉnh"]
    assert all(d.resolution.ok for d in p.duties)
    assert p.funding.startswith("Được sử dụng từ nguồn kinh phí cải cách hành chính")
    # No appendix: each duty line of each unit becomes a task of that unit.
    assert len(p.tasks) == sum(len(d.items) for d in p.duties) == 19
    assert {t.source for t in p.tasks} == {"duty"}
    assert p.unresolved == []


# --- seed 000: a department's derived plan -------------------------------------------------------


def test_000_department_plan_derived_from_21_kh_ubnd():
    p = parse("000", context="37.SNV")
    assert p.issuer == "Sở Nội vụ" and p.issuer_unit_code == "37.SNV"
    assert (p.implements.kind, p.implements.number) == ("Kế hoạch", "21/KH-UBND")
    assert p.implements.date == datetime.date(2025, 8, 4)
    assert p.implements.issuer == "Ủy ban nhân dân tỉnh Ninh Bình"
    assert p.period_label == "6 tháng cuối năm 2025"
    # The seed lists its topics a, b, c, đ, e, g, h: it has no d).
    assert [t.code for t in p.topics] == ["a", "b", "c", "đ", "e", "g", "h"]
    assert [c.text for c in p.channels][:2] == ["Tuyên truyền thông qua Cổng thông tin điện tử của cơ quan",
                                                 "các lớp tập huấn, bồi dưỡng"]
    assert [[u.code for u in d.resolution.units] for d in p.duties] == [["37.SNV.VP"], []]
    assert [g.code for g in p.duties[1].resolution.groups] == ["don-vi-thuoc"]
    assert p.signer_title.splitlines() == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert p.signer_name == "Nguyễn Sơn Ngọc Thành"


# --- seed 002: a commune's plan, OCR text without diacritics --------------------------------------


def test_002_ocr_commune_plan_still_has_its_structure():
    p = parse("002", context="13531")
    assert p.kind == "communication"
    assert p.issuer_unit_code == "13531"
    assert p.number == "21/KH-UBND"  # "S6:21 /KH-UBND"
    assert p.date == datetime.date(2025, 9, 8) and p.place == "Bình Giang"
    assert p.period_label == "6 tháng cuối năm 2025"  # "6 thang cudi nim 2025"
    assert (p.implements.number, p.implements.date) == ("21/KH-UBND", datetime.date(2025, 8, 4))
    assert [t.code for t in p.topics] == ["a", "b", "c", "d", "e", "g", "h"]
    assert p.topics[0].text.startswith("Các quan điểm, chủ trương của")
    assert len(p.channels) == 5
    units = [[u.code for u in d.resolution.units] for d in p.duties]
    assert units[1:3] == [["13531.VHXH"], ["13531.TTPVHCC"]]
    # The commune's Fatherland Front is not in the tree: reported, not dropped or guessed.
    front = p.duties[-1]
    assert front.resolution.units == [] and front.resolution.unresolved
    assert front.unit_text.startswith("Ủy ban Mặt trận")  # "Pé nghi Uy ban Mit tran…": the request dropped


def test_002_is_shown_with_its_diacritics_restored_and_the_original_kept():
    p = parse("002", context="13531")
    assert p.diacritics_restored
    assert p.title == "Thông tin, tuyên truyền cải cách hành chính 6 tháng cuối năm 2025"
    assert p.original_title == "Théng tin, tuyén truyén cai cach hanh chinh 6 thang cudi nim 2025"
    assert "Théng tin, tuyén truyén" in p.original_text
    assert any("khôi phục" in w for w in p.warnings)
    assert p.to_json()["original_title"] == p.original_title
    # A text with its marks is never touched.
    assert not parse("001").diacritics_restored


# --- seed 003: a commune of another province ----------------------------------------------------


def test_003_units_of_another_province_are_reported_not_guessed():
    p = parse("003")
    assert p.kind == "communication" and p.period_label == "năm 2025"
    assert p.issuer == "UBND xã Kim Thành" and p.issuer_unit_code is None
    assert (p.implements.kind, p.implements.number) == ("Quyết định", "3041/QĐ-UBND")
    assert len(p.duties) == 6
    # "Phòng Văn hóa – Xã hội xã" could be any of Ninh Bình's 129 communes' offices: not guessed.
    assert all(not d.resolution.units for d in p.duties)
    assert {u["text"] for u in p.unresolved} >= {"Phòng Văn hóa – Xã hội xã", "Văn phòng HĐND và UBND xã"}
    assert p.signer_name == "Nguyễn Văn Tình"


def test_reading_the_same_document_twice_gives_the_same_result():
    path = next(SEEDS.glob("001_*.txt"))
    from cchc.documents.reading import extract

    document = extract(path.read_bytes(), path.name)
    first = read_plan(document, resolver=UnitResolver()).to_json()
    assert read_plan(document, resolver=UnitResolver()).to_json() == first
