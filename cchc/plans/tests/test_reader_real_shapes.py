"""The reader on the shapes real plans arrive in: web copies, scans, decisions that issue a plan,
and Word plans organised by the six reform areas with automatic numbering.

Every document here is our own, written the way provinces write theirs (the real ones are read in
place by test_reader_realdocs.py and scored by test_reader_keys.py).
"""

import datetime
import io
import textwrap

import docx
import pytest
from docx.oxml import parse_xml

from cchc.plans.services import PlanImportError, plan_parse
from cchc.test import BINH_GIANG

pytestmark = pytest.mark.django_db

# A plan as a legal portal shows it: header laid out with "|", bold and italic markers.
WEB = """| UỶ BAN NHÂN DÂN TỈNH BẮC NINH | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM** |
| Số: 141/KH-UBND | *Bắc Ninh, ngày 20 tháng 11 năm 2025* |
**KẾ HOẠCH**
**Cải cách hành chính nhà nước tỉnh Bắc Ninh năm 2026**
Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030; Quyết định số 282/QĐ-TTg ngày 12/02/2026 của Thủ tướng Chính phủ;
Thực hiện Kế hoạch số 24/KH-UBND ngày 10/01/2025 của Ủy ban nhân dân tỉnh, Ủy ban nhân dân tỉnh Bắc Ninh ban hành Kế hoạch cải cách hành chính năm 2026 như sau:
**I. MỤC TIÊU**
**1. Cải cách thể chế**
**a) Mục tiêu**
- 100% văn bản quy phạm pháp luật được cập nhật trên cơ sở dữ liệu quốc gia về pháp luật kịp thời, đúng quy định.
- Tối thiểu 98% hồ sơ thủ tục hành chính được giải quyết đúng hạn và trước hạn trên địa bàn tỉnh.
**b) Nhiệm vụ**
- Sở Tư pháp chủ trì rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh, hoàn thành trong Quý II/2026.
**2. Cải cách tổ chức bộ máy**
**a) Mục tiêu**
- Tỷ lệ hài lòng của người dân không thấp hơn 90% đối với sự phục vụ của cơ quan hành chính nhà nước.
- Tổ chức ít nhất 01 cuộc thi tìm hiểu về cải cách hành chính trên địa bàn tỉnh trong năm.
**b) Nhiệm vụ**
- Sở Nội vụ chủ trì tổ chức 02 lớp tập huấn nghiệp vụ cải cách hành chính, thời gian thực hiện: Quý III/2026.
**II. TỔ CHỨC THỰC HIỆN**
**1. Sở Nội vụ**
Chủ trì, theo dõi, đôn đốc các cơ quan, đơn vị triển khai thực hiện Kế hoạch này; tổng hợp báo cáo Ủy ban nhân dân tỉnh.
**2. Sở Tư pháp**
Chủ trì thực hiện nhiệm vụ cải cách thể chế, kiểm tra văn bản quy phạm pháp luật.
**3. Ủy ban nhân dân các xã, phường**
Xây dựng kế hoạch cải cách hành chính năm 2026 của địa phương, gửi Sở Nội vụ trước ngày 15/12/2025.
**Nơi nhận:**
- Bộ Nội vụ;
- Lưu: VT, NC.
**TM. ỦY BAN NHÂN DÂN**
**KT. CHỦ TỊCH**
**PHÓ CHỦ TỊCH**
**Phạm Văn Thịnh**
"""


def web_copy(text: str, width: int = 60) -> str:
    """The same text hard-wrapped the way a web page copies it (table rows stay whole)."""
    out = []
    for line in text.split("\n"):
        out += [line] if line.startswith("|") else (textwrap.wrap(line, width) or [""])
    return "\n".join(out)


def summary(p):
    return {
        "number": p.number, "date": p.date, "issuer": p.issuer, "kind": p.kind, "title": p.title,
        "implements": p.implements.number if p.implements else None,
        "refs": [r.number for r in p.legal_basis],
        "targets": [(c.comparator, c.value, c.unit) for t in p.targets for c in t.clauses],
        "duties": [d.unit_text for d in p.duties],
        "tasks": [(t.title[:30], t.lead_text, t.timeframe.text) for t in p.tasks],
        "signer": p.signer_name,
    }


def test_web_copy_header_bold_markers_and_fields():
    p = plan_parse(web_copy(WEB).encode(), "ban-sao-web.txt")
    assert (p.number, p.date, p.place) == ("141/KH-UBND", datetime.date(2025, 11, 20), "Bắc Ninh")
    assert p.issuer == "UỶ BAN NHÂN DÂN TỈNH BẮC NINH" and "*" not in p.title
    assert p.kind == "reform" and p.title == "Cải cách hành chính nhà nước tỉnh Bắc Ninh năm 2026"
    assert p.implements.number == "24/KH-UBND" and p.signer_name == "Phạm Văn Thịnh"


@pytest.mark.parametrize("width", [48, 60, 72])
def test_a_hard_wrapped_web_copy_reads_as_the_unwrapped_text(width):
    assert summary(plan_parse(web_copy(WEB, width).encode(), "web.txt")) == summary(plan_parse(WEB.encode(), "web.txt"))


def test_targets_in_every_area_keep_their_area_and_comparators():
    p = plan_parse(web_copy(WEB).encode(), "web.txt")
    got = [(t.area, c.comparator, c.value, c.unit) for t in p.targets for c in t.clauses]
    assert got == [
        ("Cải cách thể chế", "=", 100, "%"),
        ("Cải cách thể chế", ">=", 98, "%"),
        ("Cải cách tổ chức bộ máy", ">=", 90, "%"),  # "không thấp hơn 90%"
        ("Cải cách tổ chức bộ máy", ">=", 1, "cuộc thi"),  # "ít nhất 01 cuộc thi"
    ]


def test_duties_and_tasks_from_sentences_that_name_the_unit():
    p = plan_parse(web_copy(WEB).encode(), "web.txt")
    assert [d.unit_text for d in p.duties] == ["Sở Nội vụ", "Sở Tư pháp", "Ủy ban nhân dân các xã, phường"]
    text_tasks = [(t.lead_text, t.timeframe.text) for t in p.tasks if t.source == "text"]
    assert text_tasks == [("Sở Tư pháp", "Quý II/2026"), ("Sở Nội vụ", "Quý III/2026")]
    commune = next(t for t in p.tasks if t.lead_text.startswith("Ủy ban nhân dân các xã"))
    assert commune.timeframe.due_dates == (datetime.date(2025, 12, 15),)


@pytest.mark.parametrize("phrase, comparator, value, unit", [
    ("Không quá 5% hồ sơ trễ hạn.", "<=", 5, "%"),
    ("Giảm 20% thời gian giải quyết thủ tục hành chính.", "<=", 20, "%"),
    ("Tỷ lệ số hóa hồ sơ ≥ 30%.", ">=", 30, "%"),
    ("Mức độ hài lòng trên 90% và đạt 95,5% vào năm 2030.", ">=", 90, "%"),
    ("Tổ chức 02 lớp tập huấn cho công chức.", "=", 2, "lớp tập huấn"),
    ("Bố trí 500 triệu đồng cho công tác tuyên truyền.", "=", 500, "triệu đồng"),
])
def test_measurable_clauses(phrase, comparator, value, unit):
    from cchc.plans.reader import _clauses
    first = _clauses(phrase)[0]
    assert (first.comparator, first.value, first.unit) == (comparator, value, unit)


def test_a_deadline_is_a_target_clause_with_its_date_and_a_plain_aim_is_qualitative():
    from cchc.plans.reader import _clauses
    (due,) = _clauses("Hoàn thành rà soát trước ngày 30/6/2026.")
    assert (due.comparator, due.due, due.unit) == ("<=", datetime.date(2026, 6, 30), "ngày")
    assert _clauses("Nâng cao nhận thức của cán bộ, công chức về cải cách hành chính.") == []
    # Dates, article numbers and years are not counts.
    assert _clauses("Theo khoản 3 Điều 14 Nghị định số 118/2025/NĐ-CP, năm 2026.") == []


DECISION = """ỦY BAN NHÂN DÂN
TỈNH BẮC NINH
Số: 123/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Bắc Ninh, ngày 05 tháng 01 năm 2026
QUYẾT ĐỊNH
Ban hành Kế hoạch cải cách hành chính năm 2026
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC NINH
Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;
Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch cải cách hành chính năm 2026.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
Nơi nhận:
- Như Điều 2;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn An
K Ế H O Ạ C H
Cải cách hành chính năm 2026
(Ban hành kèm theo Quyết định số 123/QĐ-UBND ngày 05/01/2026 của UBND tỉnh)
I. MỤC TIÊU
1. Tối thiểu 95% hồ sơ được giải quyết đúng hạn.
II. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ
Theo dõi, đôn đốc thực hiện Kế hoạch.
"""


def test_a_decision_that_issues_a_plan_is_read_as_that_plan():
    p = plan_parse(DECISION.encode(), "qd.txt")
    assert p.wrapper == "decision" and p.title == "Cải cách hành chính năm 2026"
    assert (p.number, p.date, p.signer_name) == ("123/QĐ-UBND", datetime.date(2026, 1, 5), "Nguyễn Văn An")
    assert {"76/NQ-CP", "72/2025/QH15"} <= {r.number for r in p.legal_basis}
    assert [(c.comparator, c.value) for t in p.targets for c in t.clauses] == [(">=", 95)]


def test_a_decision_without_its_plan_says_what_it_is():
    alone = DECISION.split("K Ế H O Ạ C H")[0]
    with pytest.raises(PlanImportError) as error:
        plan_parse(alone.encode(), "qd.txt")
    assert "quyết định" in str(error.value) and "không kèm nội dung kế hoạch" in str(error.value)


OCR = """BỘCÔNGAN „ CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
CÔNG AN TỈNH LÂM ĐỒNG Độc lập - Tự do - Hạnh phúc
Số: 15/KH-CAT-PC04 Lâm Đồng, ngày 10 tháng 02 năm 2026
KẾ
HOẠCH
Tăng cường phòng, chống ma túy năm 2026
Thực hiện Kế hoạch số 24/KH-UBND ngày 10/01/2026 của UBND tỉnh, Công an tỉnh ban hành kế hoạch như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Giảm ít nhất 10% số người nghiện so với năm 2025.
II. TỔ CHỨC THỰC HIỆN
1. Phòng Cảnh sát điều tra tội phạm về ma túy
Chủ trì triển khai kế hoạch.
"""


def test_ocr_header_without_spaces_and_a_split_ke_hoach_line():
    p = plan_parse(OCR.encode(), "scan.txt")
    assert (p.parent_body, p.issuer) == ("BỘ CÔNG AN", "CÔNG AN TỈNH LÂM ĐỒNG")
    assert (p.number, p.date) == ("15/KH-CAT-PC04", datetime.date(2026, 2, 10))
    assert p.title == "Tăng cường phòng, chống ma túy năm 2026"


def test_a_spaced_ke_hoach_line_is_the_plan_kind():
    spaced = OCR.replace("KẾ\nHOẠCH", "K Ế  H O Ạ C H")
    assert plan_parse(spaced.encode(), "scan.txt").title == "Tăng cường phòng, chống ma túy năm 2026"


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def area_plan_docx() -> bytes:
    """A provincial plan by reform areas whose numbers are Word list levels, not text."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate([("upperRoman", "%1."), ("decimal", "%2."), ("lowerLetter", "%3)"),
                                         ("bullet", "-")]))
    numbering.append(parse_xml(f'<w:abstractNum {W} w:abstractNumId="0">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {W} w:numId="1"><w:abstractNumId w:val="0"/></w:num>'))
    for line in ["ỦY BAN NHÂN DÂN", "TỈNH NINH BÌNH", "Số: 12/KH-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Ninh Bình, ngày 10 tháng 01 năm 2026", "KẾ HOẠCH", "Cải cách hành chính năm 2026",
                 "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ;"]:
        document.add_paragraph(line)

    def item(text, level):
        p = document.add_paragraph(text)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="1"/></w:numPr>'))

    item("CHỈ TIÊU, NHIỆM VỤ", 0)
    for area, targets in [("Cải cách thể chế", ["100% văn bản quy phạm pháp luật được kiểm tra.",
                                                "Có ứng dụng AI hỗ trợ phổ biến pháp luật."]),
                          ("Cải cách thủ tục hành chính", ["Tối thiểu 98% hồ sơ giải quyết đúng hạn."]),
                          ("Xây dựng chính quyền số", ["Ít nhất 80% hồ sơ được số hóa.",
                                                       "Không quá 2% hồ sơ trễ hạn."])]:
        item(area, 1)
        item("Mục tiêu", 2)
        for target in targets:
            item(target, 3)
        item("Nhiệm vụ", 2)
        item("Các sở, ban, ngành triển khai thực hiện.", 3)
    item("TỔ CHỨC THỰC HIỆN", 0)
    item("Sở Nội vụ:", 2)
    document.add_paragraph("Theo dõi, đôn đốc, tổng hợp kết quả thực hiện Kế hoạch.")
    item("Sở Tư pháp:", 2)
    document.add_paragraph("Chủ trì nhiệm vụ cải cách thể chế.")
    bold = document.add_paragraph()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_plan_by_areas_with_automatic_numbering():
    p = plan_parse(area_plan_docx(), "kh-cchc-2026.docx")
    assert p.number == "12/KH-UBND" and p.issuer_unit_code == "37"
    got = [(t.area, c.comparator, c.value) for t in p.targets for c in t.clauses]
    assert got == [("Cải cách thể chế", "=", 100), ("Cải cách thủ tục hành chính", ">=", 98),
                   ("Xây dựng chính quyền số", ">=", 80), ("Xây dựng chính quyền số", "<=", 2)]
    assert any(t.qualitative and t.text.startswith("Có ứng dụng AI") for t in p.targets)
    assert [d.unit_text for d in p.duties] == ["Sở Nội vụ", "Sở Tư pháp"]
    assert [[u.code for u in d.resolution.units] for d in p.duties] == [["37.SNV"], ["37.STP"]]


def appendix_docx() -> bytes:
    document = docx.Document()
    for line in ["ỦY BAN NHÂN DÂN", "TỈNH NINH BÌNH", "Số: 13/KH-UBND", "Ninh Bình, ngày 12 tháng 01 năm 2026",
                 "KẾ HOẠCH", "Cải cách hành chính năm 2026", "Căn cứ Nghị quyết số 76/NQ-CP;", "I. MỤC TIÊU",
                 "1. Mục tiêu", "- Tối thiểu 98% hồ sơ giải quyết đúng hạn."]:
        document.add_paragraph(line)
    rows = [["STT", "Nhiệm vụ", "Sản phẩm", "Thời gian hoàn thành", "Chủ trì", "Phối hợp", "Theo dõi, đôn đốc",
             "Kinh phí"],
            ["I", "CẢI CÁCH THỂ CHẾ", "", "", "", "", "", ""],
            ["1", "Rà soát văn bản quy phạm pháp luật", "Báo cáo", "Quý II/2026", "Sở Tư pháp", "Sở Nội vụ",
             "Văn phòng UBND tỉnh", "50 triệu đồng"]]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_every_column_of_a_task_table_is_kept_and_saved():
    from cchc.orgs.models import Unit
    from cchc.plans.services import plan_save

    p = plan_parse(appendix_docx(), "kh.docx")
    (task,) = p.tasks
    assert (task.monitor_text, task.funding, task.deliverable) == ("Văn phòng UBND tỉnh", "50 triệu đồng", "Báo cáo")
    assert [u.code for u in task.monitor.units] == ["37.VPUB"]
    plan = plan_save(parsed=p, unit=Unit.objects.get(code="37"))
    saved = plan.tasks.get()
    assert (saved.monitor_text, saved.funding) == ("Văn phòng UBND tỉnh", "50 triệu đồng")
    target = plan.targets.get()
    assert (target.area, target.label) == ("", "≥ 98%")


def test_bold_unit_names_head_their_duties():
    document = docx.Document()
    for line in ["ỦY BAN NHÂN DÂN", "TỈNH NINH BÌNH", "Số: 14/KH-UBND", "Ninh Bình, ngày 12 tháng 01 năm 2026",
                 "KẾ HOẠCH", "Tuyên truyền cải cách hành chính năm 2026", "I. MỤC ĐÍCH", "Nâng cao nhận thức.",
                 "II. TỔ CHỨC THỰC HIỆN"]:
        document.add_paragraph(line)
    for name, duty in [("Sở Nội vụ", "Theo dõi, tổng hợp kết quả thực hiện Kế hoạch."),
                       ("Sở Tư pháp", "Phổ biến văn bản quy phạm pháp luật.")]:
        document.add_paragraph().add_run(name).bold = True
        document.add_paragraph(duty)
    out = io.BytesIO()
    document.save(out)
    p = plan_parse(out.getvalue(), "kh.docx")
    assert [(d.unit_text, d.items) for d in p.duties] == [
        ("Sở Nội vụ", ["Theo dõi, tổng hợp kết quả thực hiện Kế hoạch."]),
        ("Sở Tư pháp", ["Phổ biến văn bản quy phạm pháp luật."])]
    assert [[u.code for u in d.resolution.units] for d in p.duties] == [["37.SNV"], ["37.STP"]]


# An inspection plan: its floor stands under the arrangements, its one task is handed over by the
# chairman, and its duties wait on events rather than dates (the shape of a province's 2026 plan).
INSPECTION = """ỦY BAN NHÂN DÂN TỈNH NINH BÌNH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 30/KH-UBND
Ninh Bình, ngày 15 tháng 01 năm 2026
KẾ HOẠCH
Kiểm tra công tác cải cách hành chính năm 2026
I. MỤC ĐÍCH, YÊU CẦU
1. Đánh giá đúng thực chất kết quả cải cách hành chính của các cơ quan, địa phương.
II. NỘI DUNG KIỂM TRA
1. Công tác chỉ đạo, điều hành cải cách hành chính.
III. ĐOÀN KIỂM TRA, ĐƠN VỊ ĐƯỢC KIỂM TRA
1. Chủ tịch UBND tỉnh giao Sở Nội vụ chủ trì phối hợp với các ngành có liên quan tổ chức kiểm tra công tác cải cách hành chính tại các cơ quan, địa phương.
2. Số lượng đơn vị kiểm tra: Tối thiểu 20% cơ quan chuyên môn thuộc UBND tỉnh và đơn vị hành chính cấp xã.
IV. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ
a) Trước khi tiến hành kiểm tra: có văn bản đề nghị các cơ quan, địa phương được kiểm tra gửi báo cáo.
b) Ban hành Thông báo kết luận kiểm tra gửi các cơ quan, địa phương được kiểm tra.
2. Sở Tư pháp
Đăng tải trên trang thông tin điện tử ít nhất 01 tin, bài về kết quả kiểm tra mỗi quý.
"""


def test_floors_outside_the_aims_and_tasks_handed_over_by_the_chairman():
    plan = plan_parse(INSPECTION.encode(), "kiem-tra.txt")
    floors = {(c.comparator, c.value, c.unit) for t in plan.targets for c in t.clauses}
    assert (">=", 20.0, "%") in floors
    assert any(comparator == ">=" and value == 1.0 and unit != "%" for comparator, value, unit in floors), floors
    handed = [t for t in plan.tasks if t.title.startswith("Chủ tịch UBND tỉnh giao Sở Nội vụ")]
    assert len(handed) == 1 and [u.code for u in handed[0].lead.units] == ["37.SNV"]
    before = next(t for t in plan.tasks if t.title.startswith("Trước khi tiến hành kiểm tra"))
    assert before.timeframe.kind == "event" and before.timeframe.trigger == "Trước khi tiến hành kiểm tra"
    # A floor among the duties is a target, not a second copy of it.
    assert sum(1 for t in plan.targets if "20%" in t.text) == 1


# A commune's schedule: items whose lines say when and who leads, a report step beside each, and a
# campaign in phases named by their time (the shapes of commune plans of other provinces).
SCHEDULE = """ỦY BAN NHÂN DÂN XÃ BÌNH GIANG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 12/KH-UBND
Bình Giang, ngày 25 tháng 11 năm 2025
KẾ HOẠCH
Tổ chức hội nghị đối thoại về cải cách hành chính năm 2026
I. MỤC ĐÍCH, YÊU CẦU
1. Lắng nghe ý kiến của người dân, doanh nghiệp về giải quyết thủ tục hành chính.
II. NỘI DUNG, TIẾN ĐỘ THỰC HIỆN
1. Hội nghị đối thoại lần thứ nhất
1.1. Nội dung: Đối thoại với người dân về giải quyết thủ tục hành chính tại Trung tâm phục vụ hành chính công xã.
- Thời gian: Dự kiến ngày 05/12/2025 (chậm nhất ngày 10/12/2025).
- Thành phần: lãnh đạo UBND xã, đại diện các thôn.
- Đơn vị chủ trì: Văn phòng HĐND và UBND xã.
1.2. Báo cáo kết quả Hội nghị
- Gửi biên bản Hội nghị đến Chủ tịch UBND xã ngay sau khi kết thúc hội nghị.
2. Tuyên truyền theo thời gian
2.1. Đợt 1: Trong tháng 12/2025
- Tuyên truyền các thủ tục hành chính được cắt giảm thời gian giải quyết trên loa truyền thanh của xã.
2.2. Đợt 2: Quý I/2026
- Tuyên truyền kết quả hội nghị đối thoại và việc tiếp thu ý kiến của người dân.
3. Quy định về số lượng người tham dự
- Hội nghị phải bảo đảm có ít nhất là 55 người dân tham dự, trên 50% số thôn có đại diện.
III. TỔ CHỨC THỰC HIỆN
1. Văn phòng HĐND và UBND xã
Chuẩn bị các điều kiện tổ chức hội nghị.
"""


def test_a_schedule_with_labelled_lines_report_steps_and_phases():
    plan = plan_parse(SCHEDULE.encode(), "doi-thoai.txt")
    by_number = {t.number: t for t in plan.tasks if t.source == "text"}
    first = by_number["1.1"]
    assert first.title.startswith("Nội dung: Đối thoại với người dân")
    assert [u.code for u in first.lead.units] == [f"{BINH_GIANG}.VP"]
    assert first.timeframe.text.startswith("Dự kiến ngày 05/12/2025")
    assert datetime.date(2025, 12, 10) in first.timeframe.due_dates
    report = by_number["1.2"]
    assert report.title.startswith("Báo cáo kết quả Hội nghị - Gửi biên bản")
    assert report.lead is None and report.timeframe.text == "ngay sau khi kết thúc hội nghị"
    phase = by_number["2.1"]
    assert phase.title.startswith("Đợt 1: Trong tháng 12/2025 - Tuyên truyền các thủ tục")
    assert phase.timeframe.text == "Trong tháng 12/2025" and phase.timeframe.kind != "unparsed"
    assert by_number["2.2"].timeframe.text == "Quý I/2026"
    # The labelled lines are the task's, not tasks of their own; the rule's floors are targets.
    assert not any(t.title.startswith(("Thời gian", "Đơn vị chủ trì")) for t in plan.tasks)
    floors = {(c.comparator, c.value, c.unit) for t in plan.targets for c in t.clauses}
    assert (">=", 55.0, "người") in floors or (">=", 55.0, "người dân") in floors, floors
    assert any(comparator in (">", ">=") and value == 50.0 and unit == "%" for comparator, value, unit in floors), floors
