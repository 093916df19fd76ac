"""Official administrative documents (Nghị định 30/2020/NĐ-CP format) rendered to DOCX.

Knows nothing about plans or the database: it takes an OfficialDocument made of plain data (header,
body blocks, recipients, signature, appendix tables) and returns the bytes of a .docx file laid out
the way a Vietnamese state office lays out a Kế hoạch or Báo cáo: A4, Times New Roman, the two-column
header with quốc hiệu and tiêu ngữ, "Nơi nhận" beside the signature block, and each appendix table
in its own landscape section.
"""

from __future__ import annotations

import copy
import datetime
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.styles import StylesPart
from docx.section import Section
from docx.shared import Cm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from cchc.lib.text import squeeze

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

FONT = "Times New Roman"
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# What an office leaves for the văn thư to fill in by hand once the document is numbered and dated.
BLANK = " " * 6

# NĐ 30 Phụ lục I: A4; margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
PAGE_SHORT_CM, PAGE_LONG_CM = 21.0, 29.7
PORTRAIT_MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}
LANDSCAPE_MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 2.0, "right": 1.5}
PORTRAIT_TEXT_CM = PAGE_SHORT_CM - PORTRAIT_MARGINS_CM["left"] - PORTRAIT_MARGINS_CM["right"]
LANDSCAPE_TEXT_CM = PAGE_LONG_CM - LANDSCAPE_MARGINS_CM["left"] - LANDSCAPE_MARGINS_CM["right"]

HEADER_WIDTHS_CM = (6.0, PORTRAIT_TEXT_CM - 6.0)  # cơ quan ban hành | quốc hiệu, tiêu ngữ
CLOSING_WIDTHS_CM = (8.0, PORTRAIT_TEXT_CM - 8.0)  # nơi nhận | chữ ký
CELL_PAD_CM = 0.1
BODY_INDENT_CM = 1.27
BODY_LINE_SPACING = 1.15
TABLE_PT = 12  # appendix tables: NĐ 30 leaves their size open; 12 pt keeps wide task tables legible
SIGNING_SPACE_PT = 84  # room for the handwritten signature and the seal

# Long issuer names are broken after the kind of body, as offices write them:
# "ỦY BAN NHÂN DÂN" / "TỈNH NINH BÌNH".
_ISSUER_HEADS = ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN")

# Advance widths of Times Bold (per 1000 em; Liberation Serif has the same metrics), used only to size
# the short rules drawn under the bold header lines.
_BOLD_WIDTHS = {
    **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
        722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944,
        722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667), strict=True)),
    **dict(zip("abcdefghijklmnopqrstuvwxyz", (
        500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833,
        556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444), strict=True)),
    **dict.fromkeys("0123456789", 500),
    " ": 250, "-": 333, ",": 250, ".": 250, ":": 333, ";": 333, "/": 278, "(": 333, ")": 333,
    "Đ": 722, "đ": 556,
}


@dataclass
class Heading:
    """Level 1 "I. MỤC ĐÍCH, YÊU CẦU" (bold), level 2 "1. Mục đích" (bold), level 3 "a) …" (italic)."""

    text: str
    level: int = 1


@dataclass
class Para:
    """A body paragraph: justified, first-line indent."""

    text: str


@dataclass
class Bullet:
    """A "- …" line; the dash is added when the text lacks one."""

    text: str


@dataclass
class GroupRow:
    """A heading row inside an appendix table: "I | CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", bold, full width."""

    label: str
    text: str


@dataclass
class AppendixTable:
    title: str  # "PHỤ LỤC" / "Phụ lục I"
    subtitle: str  # "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH 6 THÁNG CUỐI NĂM 2025"
    reference: str  # "(Kèm theo Kế hoạch số …/KH-UBND ngày … của UBND tỉnh Ninh Bình)"
    columns: list[str]
    rows: list[list[str] | GroupRow]
    widths_cm: list[float] | None = None


@dataclass
class Signature:
    authority: str = ""  # "TM. ỦY BAN NHÂN DÂN"
    deputy: str = ""  # "KT. CHỦ TỊCH"
    title: str = ""  # "PHÓ CHỦ TỊCH"
    name: str = ""  # "" while the document is a draft


@dataclass
class OfficialDocument:
    parent_body: str  # cơ quan chủ quản ("UBND TỈNH NINH BÌNH" for a Sở); "" for UBND tỉnh/xã
    issuer: str  # "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"
    number: str | None  # "21/KH-UBND" (or "21"); blank → "Số:      /<symbol>"
    symbol: str  # "KH-UBND"
    place: str  # "Ninh Bình"
    date: datetime.date | None  # None → "ngày      tháng      năm <year>"
    year: int
    doc_type: str  # "KẾ HOẠCH"
    title: str  # trích yếu
    body: list[Heading | Para | Bullet]
    recipients: list[str]
    signature: Signature
    appendices: list[AppendixTable] = field(default_factory=list)


def format_vn_date(place: str, d: datetime.date | None, year: int) -> str:
    """"Ninh Bình, ngày 04 tháng 8 năm 2025"; a blank form with `year` when `d` is None.

    NĐ 30 pads days below 10 and the months January and February with a zero (so "tháng 01" cannot be
    altered into "tháng 11"); other months are written as they are.
    """
    if d is None:
        when = f"ngày{BLANK}tháng{BLANK}năm {year}"
    else:
        month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
        when = f"ngày {d.day:02d} tháng {month} năm {d.year}"
    place = squeeze(place)
    return f"{place}, {when}" if place else when


def format_number(number: str | None, symbol: str) -> str:
    """"Số: 21/KH-UBND"; a bare "5" becomes "Số: 05/KH-UBND"; blank keeps room for the number."""
    number = squeeze(number or "")
    if not number:
        return f"Số:{BLANK}/{symbol}"
    if number.isdigit():
        number = f"{int(number):02d}/{symbol}"
    return f"Số: {number}"


def render_docx(doc: OfficialDocument) -> bytes:
    document = _blank_document()
    _set_properties(document, doc)

    section = document.sections[0]
    _set_page(section, landscape=False)
    _add_page_number(section)

    _add_header(document, doc)
    _add_title(document, doc.doc_type, doc.title)
    for block in doc.body:
        _add_block(document, block)
    _add_closing(document, doc.recipients, doc.signature)

    for appendix in doc.appendices:
        _add_appendix(document, appendix)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------
# Document-wide settings


_BLANK: list[DocxDocument] = []


def _blank_document() -> DocxDocument:
    """The stock template with our defaults, as a fresh copy: parsing the template package (its styles
    are 800 kB of XML) cost more than the rest of a short document; a deep copy of the parsed one is
    half that and gives the same bytes."""
    if not _BLANK:
        document = Document()
        _set_defaults(document)
        styles = document.part._styles_part
        styles._cchc_blob = styles.blob
        styles.__class__ = _SharedStylesPart
        _BLANK.append(document)
    return copy.deepcopy(_BLANK[0])


class _SharedStylesPart(StylesPart):
    """The template's styles with our defaults: nothing after `_set_defaults` changes them, so every
    copy shares this one part and its XML is serialized once (copying and writing it was a third of a
    short document's time)."""

    def __deepcopy__(self, memo):
        return self

    @property
    def blob(self) -> bytes:
        return self._cchc_blob


def _set_defaults(document: DocxDocument) -> None:
    styles = document.styles.element
    r_defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    # The stock template points at theme fonts, which override explicit names in Word: drop them.
    _set_font_names(r_defaults)
    r_defaults.find(qn("w:sz")).set(qn("w:val"), "28")
    r_defaults.find(qn("w:szCs")).set(qn("w:val"), "28")
    lang = r_defaults.find(qn("w:lang"))
    for attr in ("w:val", "w:eastAsia"):
        lang.set(qn(attr), "vi-VN")
    # Paragraph spacing is set per element below; the template's 10 pt after / 1.15 lines is not NĐ 30.
    spacing = styles.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    for name in ("Normal", "Header"):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(14)
        _set_font_names(style.element.get_or_add_rPr())


def _set_properties(document: DocxDocument, doc: OfficialDocument) -> None:
    # The stock template says "python-docx" here; an official document must not carry that.
    props = document.core_properties
    props.author = props.last_modified_by = squeeze(doc.issuer)
    props.title = squeeze(f"{doc.doc_type} {doc.title}")
    props.comments = props.subject = props.keywords = ""
    props.created = props.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    props.revision = 1


def _set_font_names(rpr: BaseOxmlElement) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    # East-Asian and complex-script names too, so Word never substitutes a font for some letters.
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _set_page(section: Section, *, landscape: bool) -> None:
    short, long = Cm(PAGE_SHORT_CM), Cm(PAGE_LONG_CM)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    margins = LANDSCAPE_MARGINS_CM if landscape else PORTRAIT_MARGINS_CM
    section.top_margin = Cm(margins["top"])
    section.bottom_margin = Cm(margins["bottom"])
    section.left_margin = Cm(margins["left"])
    section.right_margin = Cm(margins["right"])
    section.header_distance = Cm(1.0)
    section.footer_distance = Cm(1.0)
    # NĐ 30: the page number is not shown on the first page (of the document or of each appendix).
    section.different_first_page_header_footer = True


def _add_page_number(section: Section) -> None:
    """A centred PAGE field in the header; page 1 gets an empty header of its own."""
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field_char(_run(paragraph, "", size=14), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    _run(paragraph, "", size=14)._r.append(instruction)
    _field_char(_run(paragraph, "", size=14), "separate")
    _run(paragraph, "2", size=14)  # shown until the viewer updates the field
    _field_char(_run(paragraph, "", size=14), "end")


def _field_char(run: Run, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._r.append(char)


# ------------------------------------------------------------------------------------------------
# Header, title and body


def _add_header(document: DocxDocument, doc: OfficialDocument) -> None:
    table = _borderless_table(document, rows=2, widths_cm=HEADER_WIDTHS_CM)
    left, right = table.rows[0].cells
    left_width = HEADER_WIDTHS_CM[0] - 2 * CELL_PAD_CM
    right_width = HEADER_WIDTHS_CM[1] - 2 * CELL_PAD_CM

    if squeeze(doc.parent_body):
        _para(left, _upper(doc.parent_body), size=13)
    issuer_lines = _issuer_lines(doc.issuer, left_width)
    for line in issuer_lines:
        _para(left, line, size=13, bold=True)
    issuer_width = min(left_width, max(_bold_width_cm(line, 13) for line in issuer_lines))
    _rule(left, max(1.2, issuer_width * 0.4), left_width)  # 1/3–1/2 of the line

    _para(right, NATIONAL_NAME, size=13, bold=True)
    _para(right, MOTTO, size=14, bold=True)
    _rule(right, _bold_width_cm(MOTTO, 14), right_width)  # as long as the motto

    number_cell, date_cell = table.rows[1].cells
    _para(number_cell, format_number(doc.number, doc.symbol), size=13, before=6)
    _para(date_cell, format_vn_date(doc.place, doc.date, doc.year), size=14, italic=True, before=6)


def _add_title(document: DocxDocument, doc_type: str, title: str) -> None:
    _para(document, _upper(doc_type), size=14, bold=True, before=18, keep_with_next=True)
    _para(document, title, size=14, bold=True, keep_with_next=True)
    longest = max((_bold_width_cm(line, 14) for line in _lines(title)), default=0.0)
    _rule(document, max(2.5, min(longest, PORTRAIT_TEXT_CM) / 3), PORTRAIT_TEXT_CM, after=12)


def _add_block(document: DocxDocument, block: Heading | Para | Bullet) -> None:
    if isinstance(block, Heading):
        if block.level not in (1, 2, 3):
            raise ValueError(f"Heading level must be 1, 2 or 3, not {block.level}")
        _body_para(document, block.text, bold=block.level < 3, italic=block.level == 3, keep_with_next=True)
    elif isinstance(block, Para):
        _body_para(document, block.text)
    elif isinstance(block, Bullet):
        text = squeeze(block.text)
        if not text.startswith(("-", "–", "+")):
            text = f"- {text}"
        _body_para(document, text)
    else:
        raise TypeError(f"Unknown body block: {block!r}")


def _body_para(document: DocxDocument, text: str, *, bold: bool = False, italic: bool = False,
               keep_with_next: bool = False) -> None:
    _para(document, text, size=14, bold=bold, italic=italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
          after=6, line_spacing=BODY_LINE_SPACING, keep_with_next=keep_with_next, first_line_indent_cm=BODY_INDENT_CM)


# ------------------------------------------------------------------------------------------------
# Nơi nhận and signature


def _add_closing(document: DocxDocument, recipients: Sequence[str], signature: Signature) -> None:
    table = _borderless_table(document, rows=1, widths_cm=CLOSING_WIDTHS_CM)
    _cant_split(table.rows[0])  # never leave the signature on a page without its recipients
    left, right = table.rows[0].cells

    _para(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=12)
    for line in _recipient_lines(recipients):
        _para(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)

    lines = [_upper(t) for t in (signature.authority, signature.deputy, signature.title) if squeeze(t)]
    for i, line in enumerate(lines):
        _para(right, line, size=14, bold=True, before=12 if i == 0 else 0)
    _para(right, squeeze(signature.name), size=14, bold=True, before=SIGNING_SPACE_PT)


def _recipient_lines(recipients: Sequence[str]) -> list[str]:
    """"- X;" for each recipient, the "Lưu: VT, …" line last and closed with a full stop."""
    items = [squeeze(r).lstrip("-–•+ ").rstrip(" ;.,") for r in recipients]
    items = [item for item in items if item]
    kept = [item for item in items if item.casefold().startswith("lưu")]
    items = [item for item in items if item not in kept] + (kept or ["Lưu: VT"])
    return [f"- {item};" for item in items[:-1]] + [f"- {items[-1]}."]


# ------------------------------------------------------------------------------------------------
# Appendices


def _add_appendix(document: DocxDocument, appendix: AppendixTable) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _set_page(section, landscape=True)
    _restart_page_numbers(section)  # NĐ 30: each appendix is paged on its own

    _para(document, squeeze(appendix.title), size=14, bold=True, keep_with_next=True)
    if squeeze(appendix.subtitle):
        _para(document, _upper(appendix.subtitle), size=14, bold=True, keep_with_next=True)
    if squeeze(appendix.reference):
        _para(document, appendix.reference, size=14, italic=True, keep_with_next=True)
    _rule(document, 4.0, LANDSCAPE_TEXT_CM, after=12)

    columns = [squeeze(c) for c in appendix.columns]
    if not columns:
        raise ValueError(f"Appendix “{appendix.title}” has no columns")
    widths = list(appendix.widths_cm) if appendix.widths_cm else _auto_widths(columns, appendix.rows)
    if len(widths) != len(columns):
        raise ValueError(f"Appendix “{appendix.title}”: {len(columns)} columns but {len(widths)} widths")

    table = document.add_table(rows=1 + len(appendix.rows), cols=len(columns))
    _layout_table(table, widths, borders="single")

    header = table.rows[0]
    _repeat_as_header(header)
    _cant_split(header)
    for cell, text in zip(header.cells, columns, strict=True):
        _cell_para(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    for row, data in zip(table.rows[1:], appendix.rows, strict=True):
        _cant_split(row)  # a task's row is read whole: move it to the next page rather than cut it
        # A fresh row has one cell per column (no merge yet): skip `row.cells`' merge arithmetic.
        cells = [_Cell(tc, table) for tc in row._tr.tc_lst]
        if isinstance(data, GroupRow):
            if len(cells) == 1:
                _cell_para(cells[0], squeeze(f"{data.label} {data.text}"), bold=True)
                continue
            _cell_para(cells[0], squeeze(data.label), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
            _cell_para(cells[1].merge(cells[-1]), squeeze(data.text), bold=True)
            continue
        if len(data) > len(cells):
            raise ValueError(
                f"Appendix “{appendix.title}”: a row has {len(data)} cells for {len(cells)} columns"
            )
        for i, cell in enumerate(cells):
            text = str(data[i]) if i < len(data) and data[i] is not None else ""
            # The first column holds the order number (STT): centred, like the header.
            _cell_para(cell, text, align=WD_ALIGN_PARAGRAPH.CENTER if i == 0 else WD_ALIGN_PARAGRAPH.LEFT)


def _auto_widths(columns: Sequence[str], rows: Sequence[Sequence[str] | GroupRow]) -> list[float]:
    """Share the landscape text width by how much each column holds, never narrower than its longest word."""
    data = [list(r) for r in rows if not isinstance(r, GroupRow)]
    weights: list[float] = []
    minimums: list[float] = []
    for i, name in enumerate(columns):
        texts = [name] + [str(r[i] or "") for r in data if i < len(r)]
        mean = sum(len(t) for t in texts) / len(texts)
        # Square root: long texts wrap onto more lines rather than taking the whole width.
        weights.append(max(1.0, mean) ** 0.5)
        longest_word = max((len(w) for t in texts for w in t.split()), default=1)
        minimums.append(max(1.2, 0.3 + 0.22 * longest_word))  # ~0.22 cm per character at 12 pt bold
    widths = [0.0] * len(columns)
    fixed: set[int] = set()
    while True:
        free = LANDSCAPE_TEXT_CM - sum(widths[i] for i in fixed)
        total = sum(w for i, w in enumerate(weights) if i not in fixed)
        for i, w in enumerate(weights):
            if i not in fixed:
                widths[i] = free * w / total
        narrow = {i for i in range(len(columns)) if i not in fixed and widths[i] < minimums[i]}
        if not narrow or len(fixed | narrow) == len(columns):
            return [round(w, 2) for w in widths]
        for i in narrow:
            widths[i] = minimums[i]
        fixed |= narrow


def _restart_page_numbers(section: Section) -> None:
    sect_pr = section._sectPr
    numbering = sect_pr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        sect_pr.insert_element_before(
            numbering, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
            "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
        )
    numbering.set(qn("w:start"), "1")


# ------------------------------------------------------------------------------------------------
# Building blocks


def _borderless_table(document: DocxDocument, *, rows: int, widths_cm: Sequence[float]) -> Table:
    table = document.add_table(rows=rows, cols=len(widths_cm))
    _layout_table(table, widths_cm, borders="none")
    return table


def _layout_table(table: Table, widths_cm: Sequence[float], *, borders: str) -> None:
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # fixed layout: LibreOffice and Word both keep the given column widths
    tbl_pr = table._tbl.tblPr

    width = tbl_pr.find(qn("w:tblW"))
    if width is not None:
        width.set(qn("w:type"), "dxa")
        width.set(qn("w:w"), str(_twips(sum(widths_cm))))

    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), borders)
        line.set(qn("w:sz"), "4" if borders != "none" else "0")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), "000000" if borders != "none" else "auto")
        edges.append(line)
    tbl_pr.insert_element_before(edges, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                 "w:tblCaption", "w:tblDescription")

    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), str(_twips(CELL_PAD_CM)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")

    for column, w in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(w)  # w:gridCol, which LibreOffice reads
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(w)  # w:tcW, which Word reads


def _repeat_as_header(row: _Row) -> None:
    marker = OxmlElement("w:tblHeader")
    row._tr.get_or_add_trPr().append(marker)


def _cant_split(row: _Row) -> None:
    marker = OxmlElement("w:cantSplit")
    row._tr.get_or_add_trPr().insert(0, marker)


def _cell_para(cell: _Cell, text: str, *, bold: bool = False,
               align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT) -> Paragraph:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return _para(cell, text, size=TABLE_PT, bold=bold, align=align, before=2, after=2)


def _para(
    container: DocxDocument | _Cell,
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    after: float = 0,
    line_spacing: float = 1.0,
    keep_with_next: bool = False,
    first_line_indent_cm: float | None = None,
) -> Paragraph:
    # Setting each property through python-docx searches the element's children every time, and
    # appending to the body searches for its final sectPr: both grow with the document. So the
    # first paragraph of each look is built the slow way and kept as a prototype; the next ones
    # are copies of it with their text, put in place directly — linear in the paragraphs.
    key = (size, bold, italic, align, before, after, line_spacing, keep_with_next, first_line_indent_cm)
    proto = _PROTOTYPES.get(key)
    if proto is not None and text:
        p = copy.deepcopy(proto)
        _fill_run(p[-1], text)
        return _place(container, p)
    paragraph = _new_paragraph(container)
    fmt = paragraph.paragraph_format
    paragraph.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = line_spacing
    if keep_with_next:
        fmt.keep_with_next = True
    if first_line_indent_cm is not None:
        fmt.first_line_indent = Cm(first_line_indent_cm)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)
        proto = copy.deepcopy(paragraph._p)
        run = proto[-1]
        for child in list(run):
            if child.tag != qn("w:rPr"):
                run.remove(child)
        _PROTOTYPES[key] = proto
    return paragraph


# (look) → a w:p with its w:pPr and one w:r holding only its w:rPr; copied, never changed.
_PROTOTYPES: dict[tuple, BaseOxmlElement] = {}


def _fill_run(run: BaseOxmlElement, text: str) -> None:
    """The text of a run as `_run` writes it: NFC, "\n" as line breaks, spaces kept."""
    for i, line in enumerate(unicodedata.normalize("NFC", text).split("\n")):
        if i:
            run.append(OxmlElement("w:br"))
        if line:
            t = OxmlElement("w:t")
            t.text = line
            if line != line.strip():
                t.set(qn("xml:space"), "preserve")
            run.append(t)


def _place(container: DocxDocument | _Cell, p: BaseOxmlElement) -> Paragraph:
    if isinstance(container, _Cell):
        tc = container._tc
        last = tc[-1] if len(tc) else None
        if last is not None and last.tag == qn("w:p") and last.pPr is None and not len(last.r_lst) and len(tc.p_lst) == 1:
            last.addnext(p)  # the new cell's one empty paragraph gives way, as in _new_paragraph
            tc.remove(last)
        else:
            tc.append(p)
        return Paragraph(p, container)
    end = container.__dict__.get("_cchc_body_end")
    if end is None:  # the sentinel sectPr stays the same element when sections are added
        end = container.__dict__["_cchc_body_end"] = container.element.body.get_or_add_sectPr()
    end.addprevious(p)
    return Paragraph(p, container._body)


def _new_paragraph(container: DocxDocument | _Cell) -> Paragraph:
    # A new cell holds one empty paragraph without properties; use it instead of leaving a blank line.
    if isinstance(container, _Cell):
        first = container.paragraphs
        if len(first) == 1 and first[0]._p.pPr is None and not first[0].runs:
            return first[0]
    return container.add_paragraph()


def _run(paragraph: Paragraph, text: str, *, size: float, bold: bool = False, italic: bool = False) -> Run:
    """A Times New Roman run; "\\n" in the text becomes a line break."""
    text = unicodedata.normalize("NFC", text)
    run = paragraph.add_run()
    for i, line in enumerate(text.split("\n")):
        if i:
            run.add_break()
        if line:
            run.add_text(line)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    _set_font_names(run._r.get_or_add_rPr())
    return run


def _rule(container: DocxDocument | _Cell, width_cm: float, available_cm: float, *, after: float = 0) -> None:
    """A short solid centred line: the bottom border of an empty, 2-point-high paragraph.

    A paragraph border draws the same in Word and LibreOffice, unlike floating line shapes, and it
    cannot drift away from the text when the document is edited.
    """
    # 3 pt above keeps the line clear of the dots under ạ, ộ, ị on the line before.
    paragraph = _para(container, "", size=2, before=3, after=after)
    fmt = paragraph.paragraph_format
    side = max(0.0, (available_cm - width_cm) / 2)
    fmt.left_indent = fmt.right_indent = Cm(side)
    fmt.line_spacing = Pt(2)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    p_pr.insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
        "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
        "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
        "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
        "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
    )
    # Size the (empty) paragraph mark too, or the rule sits a full 14-point line below the text.
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    mark.append(size)
    p_pr.insert_element_before(mark, "w:sectPr", "w:pPrChange")


def _issuer_lines(issuer: str, width_cm: float) -> list[str]:
    lines: list[str] = []
    for line in _lines(_upper(issuer)):
        head = next((h for h in _ISSUER_HEADS if line.startswith(h + " ")), None)
        parts = [head, line[len(head):].strip()] if head else [line]
        lines.extend(half for part in parts for half in _balanced_split(part, 13, width_cm))
    return lines or [""]


def _balanced_split(line: str, size_pt: float, width_cm: float) -> list[str]:
    """A bold line too wide for its column, cut at the space that gives two halves of like width.

    Word would wrap "SỞ KHOA HỌC VÀ CÔNG / NGHỆ"; offices write "SỞ KHOA HỌC / VÀ CÔNG NGHỆ".
    """
    words = line.split(" ")
    if len(words) < 2 or _bold_width_cm(line, size_pt) <= width_cm:
        return [line]
    halves = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    return list(min(halves, key=lambda h: max(_bold_width_cm(h[0], size_pt), _bold_width_cm(h[1], size_pt))))


def _lines(text: str) -> list[str]:
    """Non-empty lines of `text`, each whitespace-squeezed."""
    return [line for line in (squeeze(part) for part in (text or "").split("\n")) if line]


def _upper(text: str) -> str:
    return "\n".join(_lines(unicodedata.normalize("NFC", text).upper()))


def _bold_width_cm(text: str, size_pt: float) -> float:
    units = 0
    for char in unicodedata.normalize("NFC", text):
        base = char if char in _BOLD_WIDTHS else unicodedata.normalize("NFD", char)[0]
        units += _BOLD_WIDTHS.get(base, 556)
    return units / 1000 * size_pt * 2.54 / 72


def _twips(cm: float) -> int:
    return round(cm / 2.54 * 1440)
