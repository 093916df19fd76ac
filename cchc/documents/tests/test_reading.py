"""Reading uploaded documents into blocks: our own small documents, then the real ones in place.

The real documents live in ../shared/realdocs (not ours to redistribute, never copied here): those
tests skip when the folder is absent. LibreOffice and OCR tests skip when the tool is missing;
`make test` installs both, so they run in CI.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt

from cchc.documents import reading
from cchc.documents.reading import DocumentError, ExtractedDocument, Paragraph, Table, extract

REALDOCS = Path(__file__).resolve().parents[3].parent / "shared" / "realdocs"
PLANS = REALDOCS / "plans"


def _has_vietnamese_ocr() -> bool:
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return False
    listing = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, check=False)  # noqa: S603
    return "vie" in (listing.stdout + listing.stderr).split()


needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) chưa cài")
needs_ocr = pytest.mark.skipif(not _has_vietnamese_ocr(), reason="tesseract-ocr-vie chưa cài")
needs_realdocs = pytest.mark.skipif(not PLANS.is_dir(), reason="không có ../shared/realdocs")

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
)
OCR_LINES = (
    "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2026",
    "Ủy ban nhân dân tỉnh Ninh Bình",
    "Sở Nội vụ chủ trì, phối hợp với các sở, ngành",
)


def tables(document: ExtractedDocument) -> list[Table]:
    return [block for block in document.blocks if isinstance(block, Table)]


def paragraphs(document: ExtractedDocument) -> list[Paragraph]:
    return [block for block in document.blocks if isinstance(block, Paragraph)]


def paragraph(document: ExtractedDocument, text: str) -> Paragraph:
    return next(p for p in paragraphs(document) if p.text == text)


# --- Our own documents -------------------------------------------------------------------------


def build_plan_docx() -> bytes:
    """A small plan in the national format: header table, title, sections, a merged-cell table."""
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"  # Liberation Serif 2 has every Vietnamese letter
    document.styles["Normal"].font.size = Pt(13)

    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "ỦY BAN NHÂN DÂN"
    header.cell(0, 0).add_paragraph("TỈNH NINH BÌNH")
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    header.cell(0, 1).add_paragraph("Độc lập - Tự do - Hạnh phúc")
    header.cell(1, 0).text = "Số:\xa0\xa0\xa0\xa0/KH-UBND"
    header.cell(1, 1).text = "Ninh Bình, ngày\xa0\xa0 tháng 3 năm 2026"

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("KẾ HOẠCH").bold = True
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run("Cải cách hành chính ").bold = True
    subtitle.add_run("năm 2026").bold = True
    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU", style="Heading 1")  # bold through its style
    # Decomposed tone marks (as some converters write them) and no-break spaces.
    document.add_paragraph(unicodedata.normalize("NFD", "Nâng cao  chất lượng\xa0phục vụ người dân."))
    mixed = document.add_paragraph("Giao ")
    mixed.add_run("Sở Nội vụ").bold = True
    mixed.add_run(" chủ trì theo dõi.")
    document.add_paragraph().add_run("Ghi chú: số liệu tạm tính.").italic = True
    signature = document.add_paragraph("CHỦ TỊCH")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph("PHỤ LỤC: PHÂN CÔNG NHIỆM VỤ")

    table = document.add_table(rows=5, cols=5)
    table.style = "Table Grid"  # ruled, so the PDF made from it has a table pdfplumber can find
    for column, label in enumerate(("STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian")):
        table.cell(0, column).text = label
    table.cell(1, 0).text = "I"
    group = table.cell(1, 1).merge(table.cell(1, 4))  # a group row spanning four columns
    group.text = "Cải cách thể chế"
    rows = (
        ("1", "Rà soát văn bản quy phạm pháp luật", "Sở Tư pháp", "Các sở, ngành", "Quý I"),
        ("2", "Công bố danh mục văn bản hết hiệu lực", "", "", "Trước ngày 31/01"),
        ("3", "Kiểm tra công tác cải cách hành chính", "Sở Nội vụ", "", "Hằng năm"),
    )
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values):
            if value:
                table.cell(r, c).text = value
    lead = table.cell(2, 2).merge(table.cell(3, 2))  # one lead unit for two tasks
    lead.text = "Sở Tư pháp"
    nested = table.cell(4, 3).add_table(rows=1, cols=2)  # a table inside a cell: read as its text
    nested.cell(0, 0).text = "Văn phòng UBND tỉnh"
    nested.cell(0, 1).text = "Thanh tra tỉnh"
    document.add_paragraph("Nơi nhận: như trên.")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_tricky_docx() -> bytes:
    """Tracked changes, a hyperlink, a content control and a text box (with Word's VML fallback copy)."""
    document = docx.Document()
    body = document.element.body
    ns = " ".join([
        nsdecls("w", "r", "wp", "a"),
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"',
        'xmlns:v="urn:schemas-microsoft-com:vml"',
    ])
    wps = 'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    body.append(parse_xml(
        f"<w:p {ns}>"
        "<w:r><w:t>Thời hạn </w:t></w:r>"
        '<w:del w:id="1" w:author="A"><w:r><w:delText>30/6</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="A"><w:r><w:t>31/7</w:t></w:r></w:ins>'
        '<w:r><w:t xml:space="preserve"> năm 2026, xem </w:t></w:r>'
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>(ghi chú ẩn)</w:t></w:r>"
        '<w:hyperlink r:id="rId99"><w:r><w:t>Cổng dịch vụ công</w:t></w:r></w:hyperlink>'
        "<w:sdt><w:sdtContent><w:r><w:t>.</w:t></w:r></w:sdtContent></w:sdt>"
        "</w:p>"
    ))
    body.append(parse_xml(
        f"<w:p {ns} {wps}><w:r><w:t>Kính gửi các sở</w:t></w:r><w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>'
        "<w:txbxContent><w:p><w:r><w:t>DỰ THẢO</w:t></w:r></w:p></w:txbxContent>"
        "</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><v:shape><v:textbox>"
        "<w:txbxContent><w:p><w:r><w:t>DỰ THẢO</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    ))
    body.append(parse_xml(
        f"<w:sdt {ns}><w:sdtContent><w:p><w:r><w:t>Trong khối nội dung</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    ))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def convert(data: bytes, source_name: str, target: str) -> bytes:
    """LibreOffice conversion for building test inputs (own profile, like the code under test)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / source_name
        source.write_bytes(data)
        subprocess.run(  # noqa: S603 - fixed command, our own temp paths
            [shutil.which("soffice") or "soffice", f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless",
             "--convert-to", target, "--outdir", tmp, str(source)],
            check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": tmp},
        )
        return (Path(tmp) / f"{source.stem}.{target.split(':')[0]}").read_bytes()


def render_lines(lines: tuple[str, ...], *, width: int = 2480, height: int = 900) -> object:
    """A white page at 300 dpi with the lines in ~12 pt type, as a scanner would give it."""
    from PIL import Image, ImageDraw, ImageFont

    font_path = next((path for path in FONT_CANDIDATES if Path(path).is_file()), None)
    if font_path is None:
        pytest.skip("không có phông DejaVu/Liberation để vẽ chữ tiếng Việt")
    font = ImageFont.truetype(font_path, 56)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((150, 150 + i * 110), line, font=font, fill=0)
    return image


def image_pdf(*pages: object) -> bytes:
    buffer = io.BytesIO()
    first, *rest = pages
    first.save(buffer, "PDF", resolution=300, save_all=True, append_images=rest)
    return buffer.getvalue()


def to_cp1258(text: str) -> bytes:
    """Encode like Vietnamese Windows "ANSI": base letters (â, ê, ơ…) precomposed, tone marks combining."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        # "ậ" is a + dot below + circumflex: the circumflex joins the base (â), the dot stays combining.
        for mark in marks:
            try:
                out += unicodedata.normalize("NFC", base + mark).encode("cp1258")
            except UnicodeEncodeError:
                continue
            marks.remove(mark)
            break
        else:
            out += base.encode("cp1258")
        out += "".join(marks).encode("cp1258")
    return bytes(out)


@pytest.fixture(scope="module")
def plan_docx() -> bytes:
    return build_plan_docx()


@pytest.fixture(scope="module")
def plan_pdf(plan_docx: bytes) -> bytes:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) chưa cài")
    return convert(plan_docx, "plan.docx", "pdf")


@pytest.fixture(scope="module")
def scanned_pdf() -> bytes:
    return image_pdf(render_lines(OCR_LINES), render_lines(()))


# --- DOCX --------------------------------------------------------------------------------------


def test_docx_blocks_in_document_order_with_header_table_first(plan_docx):
    document = extract(plan_docx, "Kế hoạch.docx")
    assert document.source_format == "docx"
    assert document.pages is None
    assert document.warnings == []
    header = document.blocks[0]
    assert header == Table(rows=[
        ["ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"],
        ["Số: /KH-UBND", "Ninh Bình, ngày tháng 3 năm 2026"],
    ])
    kinds = [type(block).__name__ for block in document.blocks]
    assert kinds == ["Table"] + ["Paragraph"] * 8 + ["Table", "Paragraph"]
    assert document.blocks[-1] == Paragraph("Nơi nhận: như trên.")


def test_docx_paragraph_formatting_and_normalisation(plan_docx):
    document = extract(plan_docx, "plan.docx")
    assert paragraph(document, "KẾ HOẠCH") == Paragraph("KẾ HOẠCH", bold=True, align="center")
    assert paragraph(document, "Cải cách hành chính năm 2026").bold  # every run bold
    assert paragraph(document, "I. MỤC ĐÍCH, YÊU CẦU").bold  # bold comes from the Heading 1 style
    assert not paragraph(document, "Giao Sở Nội vụ chủ trì theo dõi.").bold  # only one run bold
    assert paragraph(document, "Ghi chú: số liệu tạm tính.").italic
    assert paragraph(document, "CHỦ TỊCH").align == "right"
    # NFD input and no-break spaces come out composed and squeezed.
    assert paragraph(document, "Nâng cao chất lượng phục vụ người dân.").text == unicodedata.normalize(
        "NFC", "Nâng cao chất lượng phục vụ người dân."
    )


def test_docx_merged_and_nested_cells(plan_docx):
    table = tables(extract(plan_docx, "plan.docx"))[1]
    assert table.rows == [
        ["STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian"],
        ["I", "Cải cách thể chế", "", "", ""],  # horizontal merge: text once, covered columns ""
        ["1", "Rà soát văn bản quy phạm pháp luật", "Sở Tư pháp", "Các sở, ngành", "Quý I"],
        ["2", "Công bố danh mục văn bản hết hiệu lực", "", "", "Trước ngày 31/01"],  # vertical merge
        ["3", "Kiểm tra công tác cải cách hành chính", "Sở Nội vụ",
         "Văn phòng UBND tỉnh | Thanh tra tỉnh", "Hằng năm"],
    ]


def test_text_puts_each_table_row_on_one_line(plan_docx):
    text = extract(plan_docx, "plan.docx").text()
    lines = text.splitlines()
    assert lines[0] == "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"
    assert "STT | Nhiệm vụ | Chủ trì | Phối hợp | Thời gian" in lines
    assert "I | Cải cách thể chế |  |  | " in lines
    assert lines.index("KẾ HOẠCH") < lines.index("STT | Nhiệm vụ | Chủ trì | Phối hợp | Thời gian")


def test_docx_tracked_changes_links_content_controls_and_text_boxes():
    document = extract(build_tricky_docx(), "tricky.docx")
    texts = [block.text for block in paragraphs(document)]
    assert texts == [
        "Thời hạn 31/7 năm 2026, xem Cổng dịch vụ công.",  # deletion and hidden text dropped, insertion kept
        "Kính gửi các sở",
        "DỰ THẢO",  # the text box once, not again from its VML fallback
        "Trong khối nội dung",
    ]


def test_docx_that_is_really_something_else():
    with pytest.raises(DocumentError, match=r"bị hỏng"):
        extract(b"this is not a zip file at all", "plan.docx")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("notes.txt", "hello")
    with pytest.raises(DocumentError, match=r"không phải văn bản Word"):
        extract(archive.getvalue(), "plan.docx")
    from openpyxl import Workbook

    workbook = io.BytesIO()
    Workbook().save(workbook)
    with pytest.raises(DocumentError, match=r"không phải văn bản Word"):
        extract(workbook.getvalue(), "bang-tinh.docx")


def test_docx_that_inflates_too_much(monkeypatch, plan_docx):
    monkeypatch.setattr(reading, "MAX_UNZIPPED_BYTES", 10_000)
    with pytest.raises(DocumentError, match=r"^Tệp \.docx quá lớn khi giải nén\.$"):
        extract(plan_docx, "bom.docx")


def test_damaged_docx_and_pdf_raise_only_document_error(plan_docx, plan_pdf):
    for data, name in ((plan_docx, "plan.docx"), (plan_pdf, "plan.pdf")):
        for cut in (10, len(data) // 3, len(data) // 2, len(data) - 200):
            try:
                extract(data[:cut], name)
            except DocumentError as exc:
                assert str(exc)
        damaged = bytearray(data)
        damaged[len(data) // 2 : len(data) // 2 + 300] = b"\x00" * 300
        try:
            extract(bytes(damaged), name)
        except DocumentError as exc:
            assert str(exc)


# --- DOC ---------------------------------------------------------------------------------------


@needs_soffice
def test_doc_is_converted_with_libreoffice(plan_docx):
    legacy = convert(plan_docx, "plan.docx", "doc:MS Word 97")
    assert legacy.startswith(b"\xd0\xcf\x11\xe0")  # really the old binary format
    progress: list[float] = []
    document = extract(legacy, "Kế hoạch.doc", progress=progress.append)
    assert document.source_format == "doc"
    assert document.blocks[0].rows[0][0] == "ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH"
    assert paragraph(document, "KẾ HOẠCH").bold
    assert paragraph(document, "KẾ HOẠCH").align == "center"
    assert ["I", "Cải cách thể chế", "", "", ""] in tables(document)[1].rows
    assert progress[-1] == 1.0


@needs_soffice
def test_broken_doc_is_reported(plan_docx):
    legacy = convert(plan_docx, "plan.docx", "doc:MS Word 97")
    with pytest.raises(DocumentError, match=r"^Tệp \.doc bị hỏng"):
        extract(legacy[: len(legacy) // 2], "cu.doc")


def test_doc_that_is_not_word_is_refused_before_libreoffice():
    # LibreOffice would open these as plain text and return gibberish.
    for data in (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le") * 50, b"\x01\x02 rubbish" * 40):
        with pytest.raises(DocumentError, match=r"^Tệp \.doc bị hỏng hoặc không phải văn bản Word"):
            extract(data, "cu.doc")


@needs_soffice
def test_web_page_saved_as_doc():
    page = "<html><body><h1>KẾ HOẠCH</h1><table><tr><td>STT</td><td>Nhiệm vụ</td></tr></table></body></html>"
    document = extract(page.encode(), "tai-tu-cong-thong-tin.doc")
    assert document.source_format == "doc"
    assert paragraph(document, "KẾ HOẠCH").bold
    assert tables(document)[0].rows == [["STT", "Nhiệm vụ"]]


def test_doc_without_libreoffice(monkeypatch):
    monkeypatch.setattr(reading.shutil, "which", lambda name: None)
    with pytest.raises(DocumentError, match=r"^Không đọc được tệp \.doc: máy chủ chưa cài LibreOffice"):
        extract(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "cu.doc")


def test_password_protected_word_file():
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(DocumentError, match=r"mật khẩu"):
        extract(encrypted, "bao-mat.docx")


# --- PDF ---------------------------------------------------------------------------------------


@needs_soffice
def test_pdf_text_layer(plan_pdf):
    progress: list[float] = []
    document = extract(plan_pdf, "plan.pdf", progress=progress.append)
    assert document.source_format == "pdf"
    assert document.pages == 1
    assert progress == [1.0]
    text = document.text()
    assert "KẾ HOẠCH" in text
    assert "Nâng cao chất lượng phục vụ người dân." in text
    assert paragraph(document, "KẾ HOẠCH").bold
    assert not paragraph(document, "Nâng cao chất lượng phục vụ người dân.").bold
    task_table = next(t for t in tables(document) if t.rows[0][:2] == ["STT", "Nhiệm vụ"])
    assert ["1", "Rà soát văn bản quy phạm pháp luật", "Sở Tư pháp", "Các sở, ngành", "Quý I"] in task_table.rows
    lines = text.splitlines()
    assert lines.index("KẾ HOẠCH") < lines.index("PHỤ LỤC: PHÂN CÔNG NHIỆM VỤ") < lines.index(
        "STT | Nhiệm vụ | Chủ trì | Phối hợp | Thời gian"
    ) < lines.index("Nơi nhận: như trên.")


@needs_ocr
def test_scanned_pdf_is_read_by_ocr(scanned_pdf):
    progress: list[float] = []
    document = extract(scanned_pdf, "scan.pdf", progress=progress.append)
    assert document.source_format == "pdf-ocr"
    assert document.pages == 2
    assert [p.text for p in paragraphs(document)] == list(OCR_LINES)
    assert document.warnings == ["Trang 2 không đọc được chữ."]
    assert progress == [0.5, 1.0]


def test_scanned_pdf_without_tesseract(monkeypatch, scanned_pdf):
    monkeypatch.setattr(reading.shutil, "which", lambda name: None)
    with pytest.raises(DocumentError) as caught:
        extract(scanned_pdf, "scan.pdf")
    assert str(caught.value) == (
        "Tệp PDF là ảnh quét, cần nhận dạng chữ (OCR) nhưng máy chủ chưa cài tesseract-ocr-vie."
    )


def test_scanned_pdf_without_vietnamese_model(monkeypatch, scanned_pdf):
    monkeypatch.setattr(reading.shutil, "which", lambda name: "/usr/bin/tesseract")
    monkeypatch.setattr(reading, "_tesseract_languages", lambda tesseract: {"eng", "osd"})
    with pytest.raises(DocumentError, match="chưa cài tesseract-ocr-vie"):
        extract(scanned_pdf, "scan.pdf")


def _pdf(pages: int = 1, *, user_password: str | None = None, owner_password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if user_password is not None or owner_password is not None:
        writer.encrypt(user_password=user_password or "", owner_password=owner_password, algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_bad_pdfs():
    with pytest.raises(DocumentError, match=r"^Tệp PDF có đặt mật khẩu"):
        extract(_pdf(user_password="bimat", owner_password="chu"), "mat-khau.pdf")  # noqa: S106
    with pytest.raises(DocumentError, match=r"^Tệp PDF không có trang nào\.$"):
        extract(_pdf(pages=0), "rong.pdf")
    with pytest.raises(DocumentError, match=r"^Tệp PDF bị hỏng"):
        extract(b"%PDF-1.7\n" + b"rac " * 200, "hong.pdf")
    with pytest.raises(DocumentError, match=r"^Tệp PDF bị hỏng"):
        extract(b"<html>not a pdf</html>", "trang-web.pdf")


def test_pdf_locked_only_against_editing_still_reads():
    # Offices often "protect" PDFs with an owner password only: anyone may open and read them.
    document = extract(_pdf(owner_password="chu"), "khoa-sua.pdf")  # noqa: S106
    assert document.blocks == []
    assert document.warnings == ["Không tìm thấy chữ nào trong tệp."]


# --- Images ------------------------------------------------------------------------------------


@needs_ocr
def test_image_ocr_and_sideways_scan():
    page = render_lines(OCR_LINES)
    for image in (page, page.rotate(90, expand=True)):  # a page fed into the scanner sideways
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        document = extract(buffer.getvalue(), "anh-chup.PNG")
        assert document.source_format == "image-ocr"
        assert document.pages == 1
        assert [p.text for p in paragraphs(document)] == list(OCR_LINES)


@needs_ocr
def test_multipage_tiff_with_page_limit():
    buffer = io.BytesIO()
    first = render_lines(OCR_LINES[:1], height=400)
    first.save(buffer, "TIFF", save_all=True, append_images=[render_lines(OCR_LINES[1:], height=400)])
    document = extract(buffer.getvalue(), "scan.tif", max_pages=1)
    assert document.pages == 2
    assert document.text() == OCR_LINES[0]
    assert document.warnings == ["Chỉ đọc 1 trang đầu trong tổng số 2 trang."]


def test_broken_image():
    with pytest.raises(DocumentError, match=r"^Tệp ảnh bị hỏng"):
        extract(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "anh.png")
    with pytest.raises(DocumentError, match=r"^Tệp ảnh bị hỏng"):
        extract(b"plain words, no picture", "anh.jpg")


# --- Plain text and Markdown -------------------------------------------------------------------

VIETNAMESE = "Kế hoạch cải cách hành chính\nỦy ban nhân dân tỉnh Ninh Bình\nĐộc lập - Tự do - Hạnh phúc"


@pytest.mark.parametrize(
    "data",
    [
        VIETNAMESE.encode("utf-8"),
        VIETNAMESE.encode("utf-8-sig"),
        VIETNAMESE.replace("\n", "\r\n").encode("utf-16"),  # Notepad's "Unicode", with its BOM
        to_cp1258(VIETNAMESE),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "cp1258"],
)
def test_text_encodings(data):
    document = extract(data, "ke-hoach.txt")
    assert document.source_format == "txt"
    assert [p.text for p in paragraphs(document)] == VIETNAMESE.splitlines()
    assert all(unicodedata.is_normalized("NFC", p.text) for p in paragraphs(document))


def test_cp1258_really_uses_combining_tone_marks():
    # The fixture must be what Windows writes, or the test above proves nothing.
    assert "\u0301".encode("cp1258") in to_cp1258("Kế hoạch")


def test_binary_content_in_a_text_file_is_refused():
    with pytest.raises(DocumentError, match=r"nhị phân"):
        extract(b"\x00\x01\x02\x03binary\x00data" * 10, "du-lieu.txt")
    with pytest.raises(DocumentError, match=r"nhị phân"):
        extract(bytes(range(1, 32)) * 20, "du-lieu.md")


def test_markdown_copy_of_a_plan():
    markdown = "\n".join([
        "# KẾ HOẠCH",
        "## Cải cách hành chính năm 2026 ##",
        "",
        "**I. MỤC ĐÍCH, YÊU CẦU**",
        "Giao **Sở Nội vụ** chủ trì&nbsp;theo dõi.",
        "* Rà soát thủ tục hành chính",
        "_Ghi chú: số liệu tạm tính._",
        "",
        "| STT | Nhiệm vụ | Chủ trì |",
        "|:---:|----------|---------|",
        "| 1 | **Rà soát** văn bản | Sở Tư pháp |",
        "| 2 | Công bố danh mục<br>văn bản hết hiệu lực | Sở Tư pháp \\| Sở Nội vụ |",
        "| 3 | Kiểm tra |",
        "",
        "---",
        "Nơi nhận",
    ])
    document = extract(markdown.encode(), "ke-hoach.md")
    assert document.source_format == "md"
    assert document.blocks == [
        Paragraph("KẾ HOẠCH", bold=True),
        Paragraph("Cải cách hành chính năm 2026", bold=True),
        Paragraph(""),  # blank lines are kept, once: they separate cells in PDF-copied text
        Paragraph("I. MỤC ĐÍCH, YÊU CẦU", bold=True),
        Paragraph("Giao Sở Nội vụ chủ trì theo dõi."),
        Paragraph("- Rà soát thủ tục hành chính"),
        Paragraph("Ghi chú: số liệu tạm tính.", italic=True),
        Paragraph(""),
        Table(rows=[
            ["STT", "Nhiệm vụ", "Chủ trì"],
            ["1", "Rà soát văn bản", "Sở Tư pháp"],
            ["2", "Công bố danh mục\nvăn bản hết hiệu lực", "Sở Tư pháp | Sở Nội vụ"],
            ["3", "Kiểm tra", ""],
        ]),
        Paragraph(""),
        Paragraph("Nơi nhận"),
    ]


def test_web_copy_table_without_separator_line():
    text = "Phân công:\n| 1 | Rà soát | Sở Tư pháp |\n| 2 | Kiểm tra | Sở Nội vụ |\nHết."
    document = extract(text.encode(), "copy.txt")
    assert document.blocks == [
        Paragraph("Phân công:"),
        Table(rows=[["1", "Rà soát", "Sở Tư pháp"], ["2", "Kiểm tra", "Sở Nội vụ"]]),
        Paragraph("Hết."),
    ]


def test_a_line_with_one_pipe_is_just_text():
    document = extract("Thời gian | địa điểm sẽ thông báo sau".encode(), "ghi-chu.txt")
    assert document.blocks == [Paragraph("Thời gian | địa điểm sẽ thông báo sau")]


# --- Input checks ------------------------------------------------------------------------------


def test_empty_file():
    with pytest.raises(DocumentError, match=r"^Tệp rỗng\.$"):
        extract(b"", "ke-hoach.docx")


def test_file_too_large():
    with pytest.raises(DocumentError) as caught:
        extract(b"x" * 1_600_000, "ke-hoach.txt", max_bytes=1024 * 1024)
    assert str(caught.value) == "Tệp quá lớn (1,5 MB), tối đa 1 MB."


@pytest.mark.parametrize("name", ["bang.xlsx", "ke-hoach", "ke-hoach.odt"])
def test_unsupported_format(name):
    with pytest.raises(DocumentError, match=r"^Định dạng tệp không được hỗ trợ: .*Hãy tải lên \.docx, \.doc, \.pdf"):
        extract(b"data", name)


def test_content_wins_over_a_wrong_extension(plan_docx):
    # A DOCX saved under a .doc name (common when files are renamed by hand) reads without LibreOffice.
    document = extract(plan_docx, "ke-hoach.doc")
    assert document.source_format == "docx"
    assert paragraph(document, "KẾ HOẠCH").bold


def test_progress_callback_errors_are_not_reported_as_bad_files(plan_docx):
    class Cancelled(Exception):
        pass

    def cancel(fraction: float) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        extract(plan_docx, "plan.docx", progress=cancel)


def test_unexpected_library_errors_become_document_errors(monkeypatch, plan_docx):
    def explode(*args, **kwargs):
        raise KeyError("word/styles.xml")

    monkeypatch.setattr(reading._DocxReader, "blocks", explode)
    with pytest.raises(DocumentError, match=r"tệp có thể bị hỏng"):
        extract(plan_docx, "plan.docx")


# --- The real documents, read in place ---------------------------------------------------------


def real(name: str) -> bytes:
    return (PLANS / name).read_bytes()


@needs_realdocs
def test_real_cchc_plan_header_and_appendix_table():
    document = extract(real("ld_kh_cchc_2026_2030_draft.docx"), "ld_kh_cchc_2026_2030_draft.docx")
    header = document.blocks[0]
    assert isinstance(header, Table)
    assert len(header.rows) == 2
    assert all(len(row) == 2 for row in header.rows)
    assert header.rows[0][0].startswith("ỦY BAN NHÂN DÂN")
    assert header.rows[0][1].startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert paragraph(document, "KẾ HOẠCH") == Paragraph("KẾ HOẠCH", bold=True, align="center")
    appendix = next(t for t in tables(document) if "Nhiệm vụ" in t.rows[0])
    assert all(len(row) == 7 for row in appendix.rows)
    assert any("Chủ trì" in cell for cell in appendix.rows[0])
    assert len(appendix.rows) == 67
    assert appendix.rows[1][:2] == ["I", "Cải cách thể chế"]
    assert any("Trước ngày 31/01 năm liền kề" in row for row in appendix.rows)


@needs_realdocs
@pytest.mark.parametrize("name", sorted(p.name for p in PLANS.glob("*.docx")) if PLANS.is_dir() else [])
def test_every_real_docx_plan_opens_with_its_header_table(name):
    document = extract(real(name), name)
    assert document.warnings == []
    assert isinstance(document.blocks[0], Table)
    assert document.blocks[0].rows[0][1].startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "KẾ HOẠCH" in document.text()


@needs_realdocs
@needs_soffice
def test_real_legacy_doc():
    document = extract(real("ld_kh_kmt_2026_draft.doc"), "ld_kh_kmt_2026_draft.doc")
    assert document.source_format == "doc"
    assert "KẾ HOẠCH" in document.text()
    assert document.blocks[0].rows[0][0].startswith("ỦY BAN NHÂN DÂN")
    assert paragraph(document, "I. MỤC ĐÍCH, YÊU CẦU").bold


@needs_realdocs
def test_real_text_pdf_uses_its_text_layer():
    document = extract(real("ld_tonghop_gopy_kh_cchc_2026_textpdf.pdf"), "ld_tonghop_gopy_kh_cchc_2026_textpdf.pdf")
    assert document.source_format == "pdf"  # no OCR
    assert document.pages == 1
    assert "TỔNG HỢP Ý KIẾN GÓP Ý ĐỐI VỚI DỰ THẢO KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC" in document.text()
    comments = tables(document)[0]
    assert comments.rows[0] == ["STT", "Nội dung góp ý", "Đơn vị góp ý", "Ý kiến của Sở Nội vụ"]
    assert comments.rows[1][2] == "Sở Khoa học và Công nghệ; UBND xã D'Ran"


SCAN = "ld_ttr91_plus_kh_kmt_2026_scan.pdf"


@needs_realdocs
@needs_ocr
def test_real_scan_first_pages():
    progress: list[float] = []
    document = extract(real(SCAN), SCAN, max_pages=2, progress=progress.append)
    assert document.source_format == "pdf-ocr"
    assert document.pages == 15
    assert document.warnings == ["Chỉ đọc 2 trang đầu trong tổng số 15 trang."]
    assert progress == [0.5, 1.0]
    text = document.text()
    # Page 1 is the police's cover letter, page 2 the plan's first page.
    for expected in ("TỜ TRÌNH", "Kính gửi", "Độc lập - Tự do - Hạnh phúc", "MỤC ĐÍCH", "không ma túy"):
        assert expected in text


@needs_realdocs
@needs_ocr
@needs_soffice
@pytest.mark.skipif(os.environ.get("CCHC_SLOW_TESTS") != "1", reason="OCR of 15 pages (~25 s): CCHC_SLOW_TESTS=1")
def test_real_scan_whole_document_matches_the_doc_of_the_same_plan():
    document = extract(real(SCAN), SCAN)
    assert document.source_format == "pdf-ocr"
    assert document.warnings == []
    source = extract(real("ld_kh_kmt_2026_draft.doc"), "ld_kh_kmt_2026_draft.doc").text().lower()
    vocabulary = set(re.findall(r"\w+", source))
    words = re.findall(r"\w+", document.text().lower())
    assert sum(word in vocabulary for word in words) / len(words) > 0.9
