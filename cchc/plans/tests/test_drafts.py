"""A unit's ready draft of its own plan, generated from the province's saved plan (seeds 001 and 004)."""

import datetime
import io
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from docx import Document

from cchc.documents.official import render_docx
from cchc.orgs.models import Unit
from cchc.plans import drafts, services
from cchc.plans.models import Assignment

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).parent.parent / "demo"


def _province_plan(seed: str):
    path = next(SEEDS.glob(f"{seed}_*.txt"))
    parsed = services.plan_parse(path.read_bytes(), path.name)
    return services.plan_save(parsed=parsed, unit=Unit.objects.get(code="37"))


@pytest.fixture
def communication():
    return _province_plan("001")  # the province's communication plan 2026


@pytest.fixture
def reform():
    return _province_plan("004")  # the province's CCHC plan, 48 tasks in its appendix


@pytest.fixture
def binh_giang():
    return Unit.objects.get(code="13531")


@pytest.fixture
def noi_vu():
    return Unit.objects.get(code="37.SNV")


def _written(draft: drafts.Draft) -> str:
    """Everything the draft rewrites from the province's text (not the cited title, not the quoted tasks)."""
    parts = [draft.title, *draft.objectives, *draft.requirements, *draft.solutions]
    parts += [text for _, text in draft.topics + draft.channels]
    parts += [line for duty in draft.duties for line in (duty.heading, *duty.items)]
    return "\n".join(parts)


def _duty(draft: drafts.Draft, heading: str) -> drafts.DraftDuty:
    return next(d for d in draft.duties if d.heading == heading)


def _assert_offices_of(draft: drafts.Draft, unit: Unit) -> None:
    for duty in draft.duties:
        if duty.unit_code:
            assert Unit.objects.get(code=duty.unit_code).parent == unit, duty.heading
        assert duty.items, duty.heading


# ------------------------------------------------------------------------------------------------
# Xã Bình Giang


def test_commune_draft_speaks_as_the_commune(communication, binh_giang):
    draft = drafts.draft_for(communication, binh_giang)

    assert draft.issuer == "ỦY BAN NHÂN DÂN XÃ BÌNH GIANG"
    assert draft.parent_body == ""
    assert draft.symbol == "KH-UBND"
    assert draft.place == "Bình Giang"
    assert draft.title == "Thông tin, tuyên truyền cải cách hành chính trên địa bàn xã Bình Giang năm 2026"
    # Seed 001 has no number yet: the parent is cited without one, by its own title.
    assert draft.implements == (
        "Thực hiện Kế hoạch của Ủy ban nhân dân tỉnh Ninh Bình về thông tin, tuyên truyền cải cách hành chính "
        "tỉnh Ninh Bình năm 2026, Ủy ban nhân dân xã Bình Giang ban hành Kế hoạch thông tin, tuyên truyền cải "
        "cách hành chính trên địa bàn xã Bình Giang năm 2026 như sau:"
    )
    assert draft.signature.authority == "TM. ỦY BAN NHÂN DÂN"
    assert (draft.signature.deputy, draft.signature.title, draft.signature.name) == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "")


def test_commune_draft_rewrites_the_scope(communication, binh_giang):
    draft = drafts.draft_for(communication, binh_giang)
    text = _written(draft)

    assert "trên địa bàn tỉnh" not in text.casefold()
    assert "trên địa bàn xã Bình Giang" in text
    assert "các sở, ban, ngành" not in text.casefold()
    assert "Triển khai, tổ chức thực hiện tại 100% các phòng, ban, đơn vị thuộc UBND xã." in draft.requirements
    assert draft.objectives[0].endswith("nhiệm vụ cải cách hành chính của xã.")
    # The province's CCHC focal becomes the commune's, and reports go to the commune's committee.
    assert ("Tăng cường phối hợp giữa Phòng Văn hóa - Xã hội và các phòng, ban, đơn vị thuộc UBND xã trong "
            "thông tin, tuyên truyền cải cách hành chính") in draft.solutions[3]
    group = _duty(draft, "Các phòng, ban, đơn vị thuộc Ủy ban nhân dân xã")
    assert any("báo cáo Ủy ban nhân dân xã (qua Phòng Văn hóa - Xã hội)" in item for item in group.items)
    # A cited document keeps its issuer; a named province-wide body is not the commune.
    topic_g = dict(draft.topics)["g"]
    assert "theo Kế hoạch số 148/KH-UBND ngày 03/12/2025 của Ủy ban nhân dân tỉnh" in topic_g
    assert "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)" in dict(draft.topics)["h"]


def test_commune_draft_keeps_the_parents_topics_and_channels(communication, binh_giang):
    draft = drafts.draft_for(communication, binh_giang)
    topics = list(communication.topics.values_list("code", "text"))
    channels = list(communication.channels.values_list("code", "text"))

    assert [code for code, _ in draft.topics] == [code for code, _ in topics] == list("abcdđefghik")
    assert [code for code, _ in draft.channels] == [code for code, _ in channels]
    # Only the scope moves: a topic without provincial wording is the province's, word for word.
    assert dict(draft.topics)["b"] == dict(topics)["b"]
    assert dict(draft.channels)["b"] == dict(channels)["b"]
    assert "của Trung ương và của xã" in dict(draft.topics)["a"]


def test_commune_duties_go_to_its_own_offices(communication, binh_giang):
    draft = drafts.draft_for(communication, binh_giang)
    _assert_offices_of(draft, binh_giang)

    by_code = {d.unit_code: d for d in draft.duties if d.unit_code}
    assert set(by_code) >= {"13531.VHXH", "13531.VP", "13531.TTPVHCC", "13531.TTVH"}
    focal = by_code["13531.VHXH"]
    assert focal.heading == "Phòng Văn hóa - Xã hội"
    # Sở Nội vụ's coordinating role, Sở Văn hóa và Thể thao's communication work.
    assert any(i.startswith("Hướng dẫn, theo dõi, đôn đốc, kiểm tra các cơ quan, đơn vị") for i in focal.items)
    assert any("pano, băng rôn, tờ rơi" in i for i in focal.items)
    assert any("Đài Truyền thanh" in i for i in focal.items)
    # Province-only competences are not handed down (licences, the province's steering committee).
    assert not any("giấy phép" in i or "Tổ Công tác" in i for d in draft.duties for i in d.items)
    # The portal work of Văn phòng UBND tỉnh: the commune's web page and its one-stop centre.
    assert any("chuyên mục “Cải cách hành chính”" in i and "Trang thông tin điện tử xã" in i
               for i in by_code["13531.VP"].items)
    assert any("phản ánh, kiến nghị" in i for i in by_code["13531.TTPVHCC"].items)
    assert by_code["13531.TTVH"].heading == "Trung tâm Văn hóa, Thể thao và Truyền thông"
    # The commune addresses all its offices first, and asks its Front and mass organisations last.
    assert draft.duties[0].unit_code is None and draft.duties[0].heading.startswith("Các phòng, ban, đơn vị")
    assert draft.duties[-1].heading == "Đề nghị Ủy ban Mặt trận Tổ quốc và các đoàn thể xã"
    # Building this very plan is what the commune does by issuing it: not passed on to its offices.
    assert not any(i.startswith("Xây dựng và triển khai thực hiện Kế hoạch") for i in draft.duties[0].items)


def test_commune_recipients(communication, binh_giang):
    draft = drafts.draft_for(communication, binh_giang)
    assert draft.recipients[:2] == ["UBND tỉnh (để b/c)", "Sở Nội vụ (để b/c)"]
    assert "Phòng Văn hóa - Xã hội" in draft.recipients and "Trung tâm Phục vụ hành chính công" in draft.recipients
    assert draft.recipients[-1] == "Lưu: VT, VHXH."


# ------------------------------------------------------------------------------------------------
# Sở Nội vụ


def test_department_draft_speaks_as_the_department(communication, noi_vu):
    draft = drafts.draft_for(communication, noi_vu)

    assert draft.issuer == "SỞ NỘI VỤ"
    assert draft.parent_body == "UBND TỈNH NINH BÌNH"
    assert draft.symbol == "KH-SNV"
    assert draft.place == "Ninh Bình"
    assert draft.title == "Thông tin, tuyên truyền cải cách hành chính năm 2026"
    assert draft.implements.startswith("Thực hiện Kế hoạch của Ủy ban nhân dân tỉnh Ninh Bình về thông tin,")
    assert draft.implements.endswith(
        "Sở Nội vụ ban hành Kế hoạch thông tin, tuyên truyền cải cách hành chính năm 2026 như sau:")
    assert (draft.signature.authority, draft.signature.deputy, draft.signature.title) == (
        "", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")


def test_department_draft_rewrites_the_scope_and_duties(communication, noi_vu):
    draft = drafts.draft_for(communication, noi_vu)
    text = _written(draft)

    assert "trên địa bàn tỉnh" not in text.casefold()
    assert "các sở, ban, ngành" not in text.casefold()
    assert "Triển khai, tổ chức thực hiện tại 100% các phòng, ban, đơn vị thuộc Sở." in draft.requirements
    _assert_offices_of(draft, noi_vu)
    # Seed 000's shape: Văn phòng Sở is the focal office, then every office of the Sở.
    office, group = draft.duties[0], draft.duties[-1]
    assert (office.unit_code, office.heading) == ("37.SNV.VP", "Văn phòng Sở")
    assert (group.unit_code, group.heading) == (None, "Các phòng, ban, đơn vị thuộc Sở")
    assert any("Trang thông tin điện tử của Sở" in i for i in office.items)
    assert any("báo cáo Lãnh đạo Sở (qua Văn phòng Sở)" in i for i in group.items)
    assert group.items[-1] == "Phối hợp với Văn phòng Sở trong triển khai các nhiệm vụ của Kế hoạch."
    # A department has no Front to ask, no loudspeaker system to direct.
    assert not any(d.heading.startswith("Đề nghị") for d in draft.duties)
    assert not any("Đài Truyền thanh" in i for d in draft.duties for i in d.items)
    assert draft.recipients[0] == "UBND tỉnh (để b/c)" and "Sở Nội vụ (để b/c)" not in draft.recipients
    assert draft.recipients[-1] == "Lưu: VT, VP."


def test_department_without_offices_in_the_tree_gets_named_lines():
    plan = _province_plan("001")
    draft = drafts.draft_for(plan, Unit.objects.get(code="37.STP"))
    assert draft.symbol == "KH-STP"
    assert [d.unit_code for d in draft.duties] == [None, None]
    assert [d.heading for d in draft.duties] == ["Văn phòng Sở", "Các phòng, ban, đơn vị thuộc Sở"]
    assert draft.recipients[-1] == "Lưu: VT."


def test_the_parent_is_cited_by_number_and_date_once_it_has_them(communication, binh_giang):
    communication.number, communication.issued_on = "21/KH-UBND", datetime.date(2025, 8, 4)
    communication.save()
    draft = drafts.draft_for(communication, binh_giang)
    assert draft.implements.startswith(
        "Thực hiện Kế hoạch số 21/KH-UBND ngày 04/8/2025 của Ủy ban nhân dân tỉnh Ninh Bình về thông tin,")


def test_only_communes_wards_and_provincial_bodies_get_drafts(communication):
    for code in ("37", "13531.VHXH"):
        with pytest.raises(ValueError, match="Chỉ lập dự thảo"):
            drafts.draft_for(communication, Unit.objects.get(code=code))


@pytest.mark.parametrize(("code", "text", "expected"), [
    ("13531", "Các sở, ban, ngành thuộc tỉnh; Ủy ban nhân dân các xã, phường chủ động triển khai.",
     "Các phòng, ban, đơn vị thuộc UBND xã chủ động triển khai."),
    ("13531", "Phối hợp với các sở, ban, ngành, địa phương liên quan tổ chức.",
     "Phối hợp với các phòng, ban, đơn vị liên quan tổ chức."),
    ("13531", "Báo cáo UBND tỉnh (qua Sở Nội vụ) kết quả thực hiện toàn tỉnh.",
     "Báo cáo UBND xã (qua Phòng Văn hóa - Xã hội) kết quả thực hiện toàn xã."),
    ("13531", "Tham mưu Chủ tịch UBND tỉnh; gửi Văn phòng Ủy ban nhân dân tỉnh.",
     "Tham mưu Chủ tịch Ủy ban nhân dân xã; gửi Văn phòng Ủy ban nhân dân tỉnh."),
    ("13531", "Kinh nghiệm của tỉnh Hà Nam và của tỉnh Ninh Bình.", "Kinh nghiệm của tỉnh Hà Nam và của xã Bình Giang."),
    ("37.SNV", "Hướng dẫn các cơ quan, đơn vị, địa phương trên địa bàn tỉnh Ninh Bình; báo cáo Ủy ban nhân dân tỉnh.",
     "Hướng dẫn các phòng, ban, đơn vị tại Sở Nội vụ; báo cáo Lãnh đạo Sở."),
    ("37.SNV", "Văn bản quy phạm pháp luật của HĐND, UBND tỉnh; kế hoạch của Ủy ban nhân dân tỉnh Ninh Bình.",
     "Văn bản quy phạm pháp luật của HĐND, UBND tỉnh; kế hoạch của Sở Nội vụ."),
])
def test_scope_rules_keep_the_rest_of_the_sentence(code, text, expected):
    assert drafts.rewrite_scope(text, Unit.objects.get(code=code)) == expected


# ------------------------------------------------------------------------------------------------
# Tasks (seed 004)


def test_commune_gets_exactly_its_tasks_with_their_timeframes(reform, binh_giang):
    draft = drafts.draft_for(reform, binh_giang)
    assigned = (Assignment.objects.filter(task__plan=reform, unit=binh_giang)
                .select_related("task").order_by("task__order", "role"))
    expected: dict[int, tuple] = {}
    for a in assigned:
        t = a.task
        expected.setdefault(t.pk, (t.group_code, t.number, t.title, a.role, t.timeframe_text, t.due_dates))

    got = [(t["group"], t["number"], t["title"], t["role"], t["timeframe_text"], t["due_dates"]) for t in draft.tasks]
    assert got == list(expected.values())
    assert len(got) == 45
    assert {t["role"] for t in draft.tasks} == {"lead", "partner"}
    report = next(t for t in draft.tasks if t["title"] == "Thực hiện chế độ báo cáo CCHC định kỳ." and t["number"])
    assert (report["timeframe_text"], report["due_dates"]) == ("Định kỳ hằng quý, 6 tháng, 1 năm",
                                                               ["2025-09-30", "2025-12-31"])
    assert draft.tasks[0]["group_title"] == "Công tác chỉ đạo, điều hành"


def test_a_unit_that_leads_and_partners_a_task_lists_it_once_as_lead(reform, noi_vu):
    draft = drafts.draft_for(reform, noi_vu)
    first = [t for t in draft.tasks if t["group"] == "I" and t["number"] == "1"]
    assert len(first) == 1 and first[0]["role"] == "lead"


def test_reform_draft_has_the_parents_groups_of_tasks(reform, binh_giang):
    draft = drafts.draft_for(reform, binh_giang)
    assert draft.kind == "reform" and draft.topics == [] and draft.solutions == []
    document = drafts.draft_document(draft, year=2025)
    headings = [b.text for b in document.body if isinstance(b, drafts.Heading)]
    assert headings[:2] == ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích"]
    assert "II. NHIỆM VỤ, GIẢI PHÁP" in headings and "III. TỔ CHỨC THỰC HIỆN" in headings
    assert "3. Cải cách thủ tục hành chính" in headings  # the body's wording of "CẢI CÁCH THỦ TỤC HÀNH CHÍNH (TTHC)"
    assert len(document.appendices) == 1


def test_draft_survives_a_round_trip_through_json(reform, binh_giang):
    draft = drafts.draft_for(reform, binh_giang)
    again = drafts.draft_from_dict(json.loads(json.dumps(drafts.draft_to_dict(draft))))
    assert again == draft


# ------------------------------------------------------------------------------------------------
# DOCX


def _docx_text(data: bytes) -> tuple[str, str, str]:
    document = Document(io.BytesIO(data))
    header = " ".join(c.text for row in document.tables[0].rows for c in row.cells)
    body = "\n".join(p.text for p in document.paragraphs)
    closing = " ".join(c.text for row in document.tables[1].rows for c in row.cells)
    return header, body, closing


def test_commune_docx_has_header_implements_duties_and_recipients(communication, binh_giang):
    header, body, closing = _docx_text(drafts.draft_docx(communication, binh_giang))

    assert "ỦY BAN NHÂN DÂN" in header and "XÃ BÌNH GIANG" in header
    assert "Số:" in header and "/KH-UBND" in header and "Bình Giang, ngày" in header and "năm 2026" in header
    assert "Thực hiện Kế hoạch của Ủy ban nhân dân tỉnh Ninh Bình về thông tin" in body
    assert "Ủy ban nhân dân xã Bình Giang ban hành Kế hoạch" in body
    for heading in ("I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG, HÌNH THỨC THÔNG TIN, TUYÊN TRUYỀN",
                    "III. GIẢI PHÁP THỰC HIỆN", "IV. TỔ CHỨC THỰC HIỆN", "2. Trách nhiệm thực hiện"):
        assert heading in body
    assert "b) Phòng Văn hóa - Xã hội" in body and "Trung tâm Phục vụ hành chính công" in body
    assert "Nơi nhận:" in closing and "- UBND tỉnh (để b/c);" in closing and "- Lưu: VT, VHXH." in closing
    assert "TM. ỦY BAN NHÂN DÂN" in closing and "PHÓ CHỦ TỊCH" in closing


def test_department_docx_and_task_appendix(reform, noi_vu):
    data = drafts.draft_docx(reform, noi_vu)
    header, body, closing = _docx_text(data)
    assert "UBND TỈNH NINH BÌNH" in header and "SỞ NỘI VỤ" in header and "/KH-SNV" in header
    assert "Ninh Bình, ngày" in header
    assert "Sở Nội vụ ban hành Kế hoạch cải cách hành chính 6 tháng cuối năm 2025" in body
    assert "a) Văn phòng Sở" in body and "Nơi nhận:" in closing and "KT. GIÁM ĐỐC" in closing

    appendix = Document(io.BytesIO(data)).tables[-1]
    assert [c.text for c in appendix.rows[0].cells] == [
        "Stt", "Nội dung/Nhiệm vụ", "Sản phẩm", "Vai trò", "Thời gian thực hiện"]
    rows = [[c.text for c in row.cells] for row in appendix.rows]
    assert any(r[1].startswith("Ban hành và tổ chức thực hiện Kế hoạch") and r[3] == "Chủ trì"
               and r[4] == "Trước ngày 15/7/2025" for r in rows)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_commune_draft(reform, binh_giang):
    draft = drafts.draft_for(reform, binh_giang)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "du-thao.docx"
        source.write_bytes(render_docx(drafts.draft_document(draft, year=2025)))
        subprocess.run(  # noqa: S603 - fixed arguments, no user input
            [shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
             "--convert-to", "txt:Text", "--outdir", tmp, str(source)],
            check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": tmp},
        )
        text = (Path(tmp) / "du-thao.txt").read_text(encoding="utf-8-sig")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "XÃ BÌNH GIANG" in text
    assert "Cải cách hành chính trên địa bàn xã Bình Giang 6 tháng cuối năm 2025" in text
    assert "Ủy ban nhân dân xã Bình Giang ban hành Kế hoạch" in text
    assert "Phòng Văn hóa - Xã hội" in text and "Nơi nhận:" in text and "Lưu: VT, VHXH." in text
    assert "Thực hiện chế độ báo cáo CCHC định kỳ." in text  # a task, in the appendix
