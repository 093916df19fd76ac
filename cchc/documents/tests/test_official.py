"""Official documents (NĐ 30/2020/NĐ-CP format): texts in order, page set-up, fonts, LibreOffice round trip."""

import io
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm

from cchc.documents.official import (
    AppendixTable,
    Bullet,
    GroupRow,
    Heading,
    OfficialDocument,
    Para,
    Signature,
    format_number,
    format_vn_date,
    render_docx,
)

INTRO = (
    "Thực hiện Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể cải cách "
    "hành chính nhà nước giai đoạn 2021-2030, UBND tỉnh Ninh Bình ban hành Kế hoạch cải cách hành chính "
    "(CCHC) của tỉnh 6 tháng cuối năm 2025 như sau:"
)
PURPOSE = (
    "Triển khai toàn diện, đồng bộ, có hiệu quả các nội dung, nhiệm vụ, giải pháp của Chương trình tổng thể "
    "CCHC nhà nước giai đoạn 2021-2030; nâng cao chất lượng cung ứng dịch vụ hành chính công theo hướng hiện "
    "đại, chuyên nghiệp, vì sự hài lòng của người dân, tổ chức."
)
TASK = "Ban hành và tổ chức thực hiện Kế hoạch cải cách hành chính (CCHC) 6 tháng cuối năm 2025"


def plan(**changes) -> OfficialDocument:
    values = {
        "parent_body": "",
        "issuer": "Ủy ban nhân dân tỉnh Ninh Bình",
        "number": "21/KH-UBND",
        "symbol": "KH-UBND",
        "place": "Ninh Bình",
        "date": date(2025, 8, 4),
        "year": 2025,
        "doc_type": "Kế hoạch",
        "title": "Cải cách hành chính tỉnh Ninh Bình 6 tháng cuối năm 2025",
        "body": [
            Para(INTRO),
            Heading("I. MỤC ĐÍCH, YÊU CẦU"),
            Heading("1. Mục đích", level=2),
            Heading("a) Mục tiêu chung", level=3),
            Para(PURPOSE),
            Bullet("Xác định rõ nhiệm vụ, trách nhiệm cơ quan chủ trì, cơ quan phối hợp."),
            Para("(Danh mục nhiệm vụ cụ thể tại Phụ lục kèm theo Kế hoạch này)./."),
        ],
        "recipients": ["Bộ Nội vụ", "- Thường trực HĐND tỉnh;", "Lưu: VT, TTPVHCC, VP7", "UBND các xã, phường"],
        "signature": Signature("TM. Ủy ban nhân dân", "KT. Chủ tịch", "Phó Chủ tịch", "Nguyễn Anh Chức"),
        "appendices": [
            AppendixTable(
                title="Phụ lục",
                subtitle="Nhiệm vụ cụ thể triển khai thực hiện công tác cải cách hành chính 6 tháng cuối năm 2025",
                reference="(Kèm theo Kế hoạch số 21/KH-UBND ngày 04 tháng 8 năm 2025 của UBND tỉnh Ninh Bình)",
                columns=["Stt", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì",
                         "Cơ quan phối hợp", "Thời gian thực hiện", "Ghi chú"],
                rows=[
                    GroupRow("I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"),
                    ["1", TASK, "Kế hoạch CCHC tỉnh Ninh Bình 6 tháng cuối năm 2025", "Sở Nội vụ",
                     "Các sở, ban, ngành; UBND cấp xã", "Trước ngày 30/7/2025"],
                    GroupRow("II", "CẢI CÁCH THỂ CHẾ"),
                    ["1", "Rà soát văn bản quy phạm pháp luật", "Danh mục văn bản", "Sở Tư pháp",
                     "Các sở, ban, ngành", "Quý III, IV/2025", ""],
                ],
            )
        ],
    }
    values.update(changes)
    return OfficialDocument(**values)


def reopen(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def paragraph_texts(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text]


def test_format_vn_date_pads_days_and_the_first_two_months():
    assert format_vn_date("Ninh Bình", date(2025, 8, 4), 2025) == "Ninh Bình, ngày 04 tháng 8 năm 2025"
    assert format_vn_date("Ninh Bình", date(2026, 2, 1), 2026) == "Ninh Bình, ngày 01 tháng 02 năm 2026"
    assert format_vn_date("Bình Giang", date(2026, 1, 9), 2026) == "Bình Giang, ngày 09 tháng 01 năm 2026"
    assert format_vn_date("Ninh Bình", date(2025, 12, 15), 2025) == "Ninh Bình, ngày 15 tháng 12 năm 2025"
    assert format_vn_date("Ninh Bình", date(2025, 11, 30), 2025) == "Ninh Bình, ngày 30 tháng 11 năm 2025"
    assert format_vn_date("Ninh Bình", None, 2025) == "Ninh Bình, ngày      tháng      năm 2025"
    assert format_vn_date("", date(2025, 3, 5), 2025) == "ngày 05 tháng 3 năm 2025"


def test_format_number_keeps_room_when_blank_and_pads_small_numbers():
    assert format_number("21/KH-UBND", "KH-UBND") == "Số: 21/KH-UBND"
    assert format_number("5", "KH-SNV") == "Số: 05/KH-SNV"
    assert format_number("", "KH-UBND") == "Số:      /KH-UBND"
    assert format_number(None, "BC-UBND") == "Số:      /BC-UBND"


def test_header_table_holds_issuer_national_name_number_and_date():
    document = reopen(render_docx(plan()))
    header = document.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert left.split("\n")[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH NINH BÌNH"]
    assert right.split("\n")[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    number, when = (cell.text for cell in header.rows[1].cells)
    assert number == "Số: 21/KH-UBND"
    assert when == "Ninh Bình, ngày 04 tháng 8 năm 2025"
    # The issuer is bold, the date line italic, as NĐ 30 asks.
    issuer_run = header.rows[0].cells[0].paragraphs[0].runs[0]
    assert issuer_run.bold and issuer_run.font.size.pt == 13
    date_run = header.rows[1].cells[1].paragraphs[0].runs[0]
    assert date_run.italic and date_run.font.size.pt == 14
    # Rules under the issuer and the motto are paragraph borders, not floating shapes.
    assert len(header._tbl.xpath(".//w:pBdr/w:bottom")) == 2


def test_department_header_shows_parent_body_above_issuer():
    document = reopen(render_docx(plan(parent_body="UBND tỉnh Ninh Bình", issuer="Sở Nội vụ", number="7",
                                       symbol="KH-SNV")))
    left = document.tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs if p.text] == ["UBND TỈNH NINH BÌNH", "SỞ NỘI VỤ"]
    assert not left.paragraphs[0].runs[0].bold and left.paragraphs[1].runs[0].bold
    assert document.tables[0].rows[1].cells[0].text == "Số: 07/KH-SNV"


def test_draft_leaves_number_and_date_blank():
    document = reopen(render_docx(plan(number="", date=None, signature=Signature(title="Chủ tịch"))))
    number, when = (cell.text for cell in document.tables[0].rows[1].cells)
    assert number == "Số:      /KH-UBND"
    assert when == "Ninh Bình, ngày      tháng      năm 2025"
    signature = [p.text for p in document.tables[1].rows[0].cells[1].paragraphs]
    assert signature == ["CHỦ TỊCH", ""]


def test_title_body_closing_and_appendix_come_in_order():
    document = reopen(render_docx(plan()))
    assert paragraph_texts(document) == [
        "KẾ HOẠCH",
        "Cải cách hành chính tỉnh Ninh Bình 6 tháng cuối năm 2025",
        INTRO,
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "a) Mục tiêu chung",
        PURPOSE,
        "- Xác định rõ nhiệm vụ, trách nhiệm cơ quan chủ trì, cơ quan phối hợp.",
        "(Danh mục nhiệm vụ cụ thể tại Phụ lục kèm theo Kế hoạch này)./.",
        "Phụ lục",
        "NHIỆM VỤ CỤ THỂ TRIỂN KHAI THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH 6 THÁNG CUỐI NĂM 2025",
        "(Kèm theo Kế hoạch số 21/KH-UBND ngày 04 tháng 8 năm 2025 của UBND tỉnh Ninh Bình)",
    ]
    recipients, signature = document.tables[1].rows[0].cells
    assert [p.text for p in recipients.paragraphs] == [
        "Nơi nhận:", "- Bộ Nội vụ;", "- Thường trực HĐND tỉnh;", "- UBND các xã, phường;", "- Lưu: VT, TTPVHCC, VP7.",
    ]
    heading_run = recipients.paragraphs[0].runs[0]
    assert heading_run.bold and heading_run.italic and heading_run.font.size.pt == 12
    assert recipients.paragraphs[1].runs[0].font.size.pt == 11
    assert [p.text for p in signature.paragraphs] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                                                     "Nguyễn Anh Chức"]
    assert all(r.bold and r.font.size.pt == 14 for p in signature.paragraphs for r in p.runs)


def test_body_paragraphs_are_justified_with_first_line_indent():
    document = reopen(render_docx(plan()))
    body = next(p for p in document.paragraphs if p.text == PURPOSE)
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(body.paragraph_format.first_line_indent - Cm(1.27)) < Cm(0.01)
    assert body.paragraph_format.space_after.pt == 6
    assert body.runs[0].font.size.pt == 14
    heading = next(p for p in document.paragraphs if p.text == "I. MỤC ĐÍCH, YÊU CẦU")
    assert heading.runs[0].bold
    assert next(p for p in document.paragraphs if p.text == "a) Mục tiêu chung").runs[0].italic


def test_recipients_get_a_storage_line_when_none_is_given():
    document = reopen(render_docx(plan(recipients=["Bộ Nội vụ"])))
    assert [p.text for p in document.tables[1].rows[0].cells[0].paragraphs] == [
        "Nơi nhận:", "- Bộ Nội vụ;", "- Lưu: VT.",
    ]


def test_sections_are_a4_portrait_then_landscape_appendix():
    document = reopen(render_docx(plan()))
    first, appendix = document.sections
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert (round(first.page_width.cm, 1), round(first.page_height.cm, 1)) == (21.0, 29.7)
    assert [round(m.cm, 1) for m in (first.top_margin, first.bottom_margin, first.left_margin, first.right_margin)] == [
        2.0, 2.0, 3.0, 1.5]
    assert first.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml
    assert not first.first_page_header.paragraphs[0].text
    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert (round(appendix.page_width.cm, 1), round(appendix.page_height.cm, 1)) == (29.7, 21.0)
    assert appendix._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"


def test_appendix_table_has_repeating_header_and_full_width_group_rows():
    document = reopen(render_docx(plan()))
    table = document.tables[2]
    header = table.rows[0]
    assert [c.text for c in header.cells][:3] == ["Stt", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm"]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    group = table.rows[1]
    assert group.cells[0].text == "I"
    assert {c.text for c in group.cells[1:]} == {"CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"}
    assert group.cells[1]._tc.grid_span == 6
    assert group.cells[1].paragraphs[0].runs[0].bold
    task = table.rows[2]
    assert [c.text for c in task.cells][:2] == ["1", TASK] and task.cells[6].text == ""
    assert table._tbl.xpath("./w:tblPr/w:tblBorders/w:insideH/@w:val") == ["single"]
    widths = [col.width.cm for col in table.columns]
    assert abs(sum(widths) - 26.2) < 0.1 and widths[0] < widths[1]


def test_appendix_widths_can_be_given():
    appendix = plan().appendices[0]
    appendix.widths_cm = [1.2, 7.0, 5.0, 3.0, 4.0, 3.0, 3.0]
    document = reopen(render_docx(plan(appendices=[appendix])))
    assert [round(c.width.cm, 1) for c in document.tables[2].columns] == [1.2, 7.0, 5.0, 3.0, 4.0, 3.0, 3.0]


def test_times_new_roman_everywhere():
    data = render_docx(plan())
    document = reopen(data)
    assert document.styles["Normal"].font.name == "Times New Roman"
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert {defaults.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    assert defaults.get(qn("w:asciiTheme")) is None
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs and all(r.font.name == "Times New Roman" for r in runs)
    assert all(r._r.rPr.rFonts.get(qn("w:eastAsia")) == "Times New Roman" for r in runs)
    assert document.core_properties.author == "Ủy ban nhân dân tỉnh Ninh Bình"
    assert "python-docx" not in (document.core_properties.comments or "")


def test_body_rejects_unknown_blocks():
    with pytest.raises(ValueError):
        render_docx(plan(body=[Heading("x", level=4)]))
    with pytest.raises(TypeError):
        render_docx(plan(body=["plain string"]))


def _soffice(docx_path: Path, target: str, tmp_path: Path) -> Path:
    profile = tmp_path / "lo-profile"
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(
        [shutil.which("soffice"), f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", target, "--outdir", str(tmp_path), str(docx_path)],
        check=True, capture_output=True, env=env, timeout=180,
    )
    suffix = target.split(":")[0]
    return docx_path.with_suffix(f".{suffix}")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_back_the_vietnamese_text(tmp_path):
    docx_path = tmp_path / "ke_hoach.docx"
    docx_path.write_bytes(render_docx(plan()))

    text = _soffice(docx_path, "txt:Text", tmp_path).read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    lines = [line.strip() for line in text.decode("utf-8-sig").splitlines() if line.strip()]
    expected = [
        "ỦY BAN NHÂN DÂN", "TỈNH NINH BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Số: 21/KH-UBND", "Ninh Bình, ngày 04 tháng 8 năm 2025", "KẾ HOẠCH",
        "Cải cách hành chính tỉnh Ninh Bình 6 tháng cuối năm 2025", INTRO, "I. MỤC ĐÍCH, YÊU CẦU", PURPOSE,
        "Nơi nhận:", "- Bộ Nội vụ;", "- Lưu: VT, TTPVHCC, VP7.", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH", "Nguyễn Anh Chức", "Phụ lục", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", TASK, "Quý III, IV/2025",
    ]
    positions = [lines.index(line) for line in expected]
    assert positions == sorted(positions)

    pdf = _soffice(docx_path, "pdf", tmp_path).read_bytes()
    assert pdf.startswith(b"%PDF")
    if pdfinfo := shutil.which("pdfinfo"):
        info = subprocess.run([pdfinfo, "-f", "1", "-l", "99", str(tmp_path / "ke_hoach.pdf")],
                              check=True, capture_output=True, text=True).stdout
        sizes = [(float(w), float(h)) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+)", info)]
        assert sizes[0][1] > sizes[0][0], "the body is portrait"
        assert sizes[-1][0] > sizes[-1][1], "the appendix is landscape"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_back_blank_forms(tmp_path):
    docx_path = tmp_path / "du_thao.docx"
    docx_path.write_bytes(render_docx(plan(number=None, date=None, appendices=[])))
    text = _soffice(docx_path, "txt:Text", tmp_path).read_text(encoding="utf-8-sig")
    assert "Số:      /KH-UBND" in text
    assert "Ninh Bình, ngày      tháng      năm 2025" in text


def test_long_issuer_names_break_into_balanced_lines():
    document = reopen(render_docx(plan(parent_body="UBND tỉnh Ninh Bình", issuer="Sở Khoa học và Công nghệ")))
    left = document.tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs if p.text] == ["UBND TỈNH NINH BÌNH", "SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"]
    document = reopen(render_docx(plan(issuer="Ủy ban nhân dân xã Bình Giang")))
    left = document.tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN", "XÃ BÌNH GIANG"]
