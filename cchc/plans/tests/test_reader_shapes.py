"""Plans in shapes the seeds do not have: other column sets, inline tasks, web copies, DOCX tables.

The product is judged on real plans nobody here has seen, so these documents are written the way
other provinces write theirs.
"""

import datetime
import io

import pytest
from docx import Document

from cchc.plans.services import plan_parse

pytestmark = pytest.mark.django_db

HEADER = """ỦY BAN NHÂN DÂN
TỈNH NINH BÌNH
Số: 35/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Ninh Bình, ngày 12 tháng 01 năm 2026
KẾ HOẠCH
Cải cách hành chính năm 2026
Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ; Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:
"""


def test_markdown_web_copy_with_another_column_set():
    text = HEADER + """
**I. MỤC TIÊU**
1. Hoàn thành **100%** nhiệm vụ.
**II. NHIỆM VỤ**

| STT | Tên nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |
|---|---|---|---|---|
| I | **CẢI CÁCH THỂ CHẾ** | | | |
| 1 | Rà soát văn bản quy phạm pháp luật | Sở Tư pháp | Các sở, ngành | Quí IV/2026 |
| 2 | Đánh giá thi hành pháp luật | Sở Tư pháp | UBND các xã, phường | hàng năm |
| II | **CẢI CÁCH THỦ TỤC HÀNH CHÍNH** | | | |
| 1 | Công bố thủ tục hành chính | Văn phòng Uỷ ban nhân dân tỉnh | Sở Ngoại vụ | Trước ngày 31/02/2026 |
"""
    p = plan_parse(text.encode(), "ban-sao-web.md")
    assert (p.number, p.date, p.issuer_unit_code) == ("35/KH-UBND", datetime.date(2026, 1, 12), "37")
    assert [(t.group, t.number, t.title) for t in p.tasks] == [
        ("I", "1", "Rà soát văn bản quy phạm pháp luật"),
        ("I", "2", "Đánh giá thi hành pháp luật"),
        ("II", "1", "Công bố thủ tục hành chính"),
    ]
    first, second, third = p.tasks
    assert [u.code for u in first.lead.units] == ["37.STP"]
    assert [g.code for g in first.partners.groups] == ["so-ban-nganh"]
    assert first.timeframe.kind == "period_end" and first.timeframe.due_dates == (datetime.date(2026, 12, 31),)
    assert second.timeframe.kind == "recurring"  # "hàng năm"
    assert [u.code for u in third.lead.units] == ["37.VPUB"]  # "Uỷ" with the old tone placement
    # An unknown unit and an impossible date are reported, not dropped and not guessed.
    assert third.partners.unresolved == ["Sở Ngoại vụ"]
    assert third.timeframe.kind == "unparsed" and "31/02/2026" in third.timeframe.error
    problems = {(u["kind"], u["text"]) for u in p.unresolved}
    assert problems == {("unit", "Sở Ngoại vụ"), ("timeframe", "Trước ngày 31/02/2026")}


def test_docx_table_with_tt_noi_dung_chu_tri_phoi_hop_thoi_gian():
    document = Document()
    for line in HEADER.strip().splitlines():
        document.add_paragraph(line)
    document.add_paragraph("I. NHIỆM VỤ")
    table = document.add_table(rows=1, cols=5)
    for cell, text in zip(table.rows[0].cells, ["TT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian"], strict=True):
        cell.text = text
    for values in [
        ["1", "Số hóa hồ sơ thủ tục hành chính", "Các sở, ban, ngành; UBND cấp xã", "Sở Khoa học và Công nghệ", "Thường xuyên"],
        ["", "Báo cáo kết quả số hóa", "Văn phòng UBND tỉnh", "", "Định kỳ hằng quý"],
        ["2", "Kiểm tra công tác CCHC", "Sở Nội vụ", "Các cơ quan, đơn vị có liên quan", "Quý II, III/2026"],
    ]:
        row = table.add_row()
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    p = plan_parse(buffer.getvalue(), "ke-hoach.docx")
    assert [(t.number, t.title) for t in p.tasks] == [
        ("1", "Số hóa hồ sơ thủ tục hành chính"), ("", "Báo cáo kết quả số hóa"), ("2", "Kiểm tra công tác CCHC"),
    ]
    assert {g.code for g in p.tasks[0].lead.groups} == {"so-ban-nganh", "ubnd-cap-xa"}
    assert p.tasks[1].timeframe.kind == "recurring"
    assert p.tasks[2].timeframe.due_dates == (datetime.date(2026, 6, 30), datetime.date(2026, 9, 30))
    assert p.unresolved == []


def test_inline_tasks_in_the_text():
    text = HEADER + """
I. NHIỆM VỤ
1. Xây dựng cơ sở dữ liệu cán bộ, công chức. Chủ trì: Sở Nội vụ; phối hợp: các sở, ban, ngành; thời gian: Quý IV/2026.
2. Tổ chức cuộc thi tìm hiểu về cải cách hành chính. Chủ trì: Sở Nội vụ; phối hợp: Báo và Phát thanh, Truyền hình Ninh Bình; thời gian: Tháng 9/2026.
"""
    p = plan_parse(text.encode(), "ke-hoach.txt")
    assert [(t.source, t.title) for t in p.tasks] == [
        ("inline", "Xây dựng cơ sở dữ liệu cán bộ, công chức"),
        ("inline", "Tổ chức cuộc thi tìm hiểu về cải cách hành chính"),
    ]
    assert [u.code for u in p.tasks[1].partners.units] == ["37.BAO"]
    assert p.tasks[1].timeframe.due_dates == (datetime.date(2026, 9, 30),)


def test_a_plain_text_file_in_windows_1258_is_read():
    text = HEADER + "I. TỔ CHỨC THỰC HIỆN\n1. Sở Nội vụ\n- Hướng dẫn, đôn đốc thực hiện kế hoạch.\n"
    from cchc.orgs.tests.test_units_io import _cp1258

    p = plan_parse(_cp1258(text), "ke-hoach.txt")
    assert p.title == "Cải cách hành chính năm 2026"
    assert [d.unit_text for d in p.duties] == ["Sở Nội vụ"]
    assert p.tasks[0].title == "Hướng dẫn, đôn đốc thực hiện kế hoạch."
