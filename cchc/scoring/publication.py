"""Publication of a round's results: the decision with its annexes (DOCX) and the tables (XLSX).

The annexes follow the real ones (Phụ lục I/II of Lâm Đồng's decision publishing the 2025 PAR Index):

    Phụ lục I
    KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025 CỦA CÁC CƠ QUAN CHUYÊN MÔN THUỘC UBND TỈNH …
    (Kèm theo Quyết định số      /QĐ-UBND ngày    tháng   năm 2026 của Chủ tịch UBND tỉnh Lâm Đồng)
    1. Nhóm 1: Nhóm các cơ quan thực hiện đánh giá, xếp loại và xếp hạng chung (14/15 đơn vị)
    Thứ hạng | Đơn vị | Điểm chuẩn tối đa | Điểm đạt được | Chỉ số chung | Xếp loại
    1 | Sở Tư pháp | 89,00 | 82,78 | 93,01% | TỐT
    …
    Chỉ số cao nhất | 93,01%   /   Chỉ số trung bình | 84,10%   /   Chỉ số thấp nhất | 60,43%
    2. Nhóm 2: Nhóm các cơ quan thực hiện đánh giá, xếp loại nhưng không xếp hạng (01/15 đơn vị)
    TT | Đơn vị | … 1 | Thanh tra tỉnh | 81,00 | 64,23 | 79,30% | KHÁ

Numbers carry decimal commas; points to 2 decimals; the index to 2 decimals, or 3 where two
neighbours would otherwise print the same figure without being tied ("79,885%" / "79,882%",
"75,001%" / "74,996%"). The decision itself is rendered by `cchc.documents.official.render_docx` (header,
"Số:", place and date, Nơi nhận, signature); the annex tables, which need merged summary rows, are
written here on the document it returns, in portrait A4 like the originals.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from cchc.documents.official import (
    BLANK,
    FONT,
    PAGE_LONG_CM,
    PAGE_SHORT_CM,
    PORTRAIT_MARGINS_CM,
    Heading,
    OfficialDocument,
    Para,
    Signature,
    render_docx,
)
from django.utils import timezone

from cchc.documents.tables import write_xlsx_sheets
from cchc.orgs.models import Unit, UnitKind

from .models import Round
from .results import RankingRow, ranking_rows, summarize

COLUMNS = ["Thứ hạng", "Đơn vị", "Điểm chuẩn tối đa", "Điểm đạt được", "Chỉ số chung", "Xếp loại"]
UNRANKED_COLUMNS = ["TT", *COLUMNS[1:]]
WIDTHS_CM = [1.5, 6.0, 2.2, 2.2, 2.3, 2.3]  # the portrait text width, 16.5 cm
TABLE_PT = 13  # as in the published annexes
SUMMARY_LABELS = [("highest", "Chỉ số cao nhất"), ("mean", "Chỉ số trung bình"), ("lowest", "Chỉ số thấp nhất")]
ROMAN = ["I", "II", "III", "IV", "V", "VI"]

# How the annexes name the units of each type, and the word for them in "Nhóm 1 / Nhóm 2".
AUDIENCE = {
    "department": ("CỦA CÁC SỞ, BAN, NGÀNH", "Các sở, ban, ngành", "các sở, ban, ngành", "cơ quan"),
    "commune": ("CỦA UBND CÁC XÃ, PHƯỜNG, ĐẶC KHU", "UBND các xã, phường, đặc khu", "UBND các xã, phường, đặc khu",
                "địa phương"),
    "province": ("CỦA UBND TỈNH, THÀNH PHỐ", "UBND tỉnh, thành phố", "UBND tỉnh, thành phố", "địa phương"),
}


def fmt(value: Decimal | None, places: int = 2) -> str:
    """Decimal comma, thousands dot, ROUND_HALF_UP: 82.78 → "82,78"; 79.8847 → "79,885" (3 places)."""
    if value is None:
        return ""
    q = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{q:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}".replace(",", ".")
    return f"{sign}{whole},{frac}" if frac else f"{sign}{whole}"


def index_texts(rows: Sequence[RankingRow]) -> list[str]:
    """The printed index of each row: "93,01%", or 3 decimals where a neighbour in the table would
    print the same 2-decimal figure without being exactly tied with it."""
    order = sorted(range(len(rows)), key=lambda i: rows[i].index, reverse=True)
    places = [2] * len(rows)
    for a, b in zip(order, order[1:], strict=False):
        if rows[a].index != rows[b].index and fmt(rows[a].index) == fmt(rows[b].index):
            places[a] = places[b] = 3
    return [f"{fmt(r.index, p)}%" for r, p in zip(rows, places, strict=True)]


@dataclass
class Annex:
    """The content of one Phụ lục: the ranked group with its summary, and the rated-but-unranked group."""

    unit_type: str
    year: int
    ranked: list[list[str]]
    unranked: list[list[str]]
    summary: dict[str, Decimal | None]
    total: int


def annex_content(round_: Round, unit_type: str | None = None) -> Annex:
    unit_type = unit_type or round_.criteria_set.unit_type
    rows = ranking_rows(round_, unit_type)
    texts = dict(zip((r.scorecard_id for r in rows), index_texts(rows), strict=True))
    ranked = [r for r in rows if r.ranked]
    unranked = [r for r in rows if not r.ranked]

    def cells(first: str, r: RankingRow) -> list[str]:
        return [first, r.name, fmt(r.maximum), fmt(r.points), texts[r.scorecard_id], r.rating.upper()]

    return Annex(
        unit_type=unit_type, year=round_.year, total=len(rows),
        ranked=[cells(str(r.rank), r) for r in ranked],
        unranked=[cells(str(i), r) for i, r in enumerate(unranked, start=1)],
        summary=summarize(ranked),
    )


# ------------------------------------------------------------------------------------------------
# DOCX


def _province(rounds: Sequence[Round]) -> Unit | None:
    """The province above the units of the rounds (the issuer of the decision)."""
    card = rounds[0].scorecards.select_related("unit").first() if rounds else None
    unit = card.unit if card else None
    while unit is not None and unit.kind != UnitKind.PROVINCE:
        unit = unit.parent
    return unit or Unit.objects.filter(kind=UnitKind.PROVINCE, parent__isnull=True, valid_to__isnull=True).first()


def _place(province: Unit | None) -> str:
    name = province.name if province else ""
    match = re.search(r"tỉnh\s+(.+?)(\s*\(.*\))?$", name, flags=re.IGNORECASE)
    return match.group(1) if match else name


def _reference(number: str | None, date: datetime.date | None, year: int, place: str) -> str:
    number = (number or "").strip()
    if number and "/" not in number:
        number = f"{number}/QĐ-UBND"
    num = number or f"{BLANK}/QĐ-UBND"
    when = f"ngày {date.day:02d}/{date.month:02d}/{date.year}" if date else f"ngày{BLANK}tháng{BLANK}năm {year}"
    return f"(Kèm theo Quyết định số {num} {when}\ncủa Chủ tịch UBND tỉnh {place})"


def decision_document(rounds: Sequence[Round], annexes: Sequence[Annex], *, number: str | None = None,
                      date: datetime.date | None = None, province: Unit | None = None,
                      signer: str = "") -> OfficialDocument:
    """The decision publishing the results ("Công bố Chỉ số cải cách hành chính năm …")."""
    year = rounds[0].year
    place = _place(province)
    issuer = (province.name if province else "Ủy ban nhân dân tỉnh").upper()
    issuer = re.sub(r"\s*\(.*\)$", "", issuer)
    wording = [AUDIENCE.get(a.unit_type, AUDIENCE["department"]) for a in annexes]
    audiences = [w[1] for w in wording]
    body: list = [Para("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16/6/2025;")]
    seen = set()
    for round_ in rounds:
        cs = round_.criteria_set
        if cs.pk in seen:
            continue
        seen.add(cs.pk)
        text = f"Căn cứ {cs.title}" + (f" ({cs.document})" if cs.document else "")
        if cs.revision_document:
            text += f", sửa đổi theo {cs.revision_document}"
        body.append(Para(text + ";"))
    body.append(Para("Theo đề nghị của Giám đốc Sở Nội vụ."))
    body.append(Heading("QUYẾT ĐỊNH:", level=1))
    body.append(Para(f"Điều 1. Công bố kết quả đánh giá, xếp loại Chỉ số cải cách hành chính năm {year} đối với:"))
    for i, (audience, annex) in enumerate(zip(audiences, annexes, strict=True)):
        body.append(Para(f"{i + 1}. {audience}: Tại Phụ lục {ROMAN[i]} đính kèm ({annex.total} đơn vị)."))
    weak = sum(1 for a in annexes for row in a.ranked + a.unranked if row[5] in ("TRUNG BÌNH", "KÉM"))
    body.append(Para(
        f"Điều 2. Các cơ quan, đơn vị, địa phương rà soát, xây dựng kế hoạch khắc phục những tồn tại, hạn chế "
        f"trong công tác cải cách hành chính năm {year}, gửi về Sở Nội vụ để theo dõi, tổng hợp."
        + (f" Phê bình {weak} cơ quan, đơn vị, địa phương có kết quả xếp loại Trung bình, Kém." if weak else "")
    ))
    body.append(Para("Điều 3. Quyết định này có hiệu lực kể từ ngày ký ban hành."))
    body.append(Para(
        "Điều 4. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Nội vụ, Thủ trưởng các sở, ban, ngành; Chủ tịch UBND các "
        "xã, phường, đặc khu và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./."
    ))
    return OfficialDocument(
        parent_body="", issuer=issuer, number=number, symbol="QĐ-UBND", place=place, date=date,
        year=(date or timezone.localdate()).year, doc_type="QUYẾT ĐỊNH",
        title=f"Công bố Chỉ số cải cách hành chính năm {year} của " + " và ".join(w[2] for w in wording),
        body=body,
        recipients=["Như Điều 4", "Bộ Nội vụ", "Thường trực Tỉnh ủy", "Thường trực HĐND tỉnh",
                    "Chủ tịch, các Phó Chủ tịch UBND tỉnh", "Cổng Thông tin điện tử tỉnh", "Lưu: VT, NC"],
        signature=Signature(deputy="KT. CHỦ TỊCH", title="PHÓ CHỦ TỊCH", name=signer),
    )


def annex_docx(rounds: Round | Iterable[Round], *, number: str | None = None, date: datetime.date | None = None,
               signer: str = "") -> bytes:
    """The decision with one Phụ lục per round / unit type (I departments, II communes, …)."""
    rounds = [rounds] if isinstance(rounds, Round) else list(rounds)
    if not rounds:
        raise ValueError("Cần ít nhất một kỳ đánh giá.")
    annexes = [annex_content(r) for r in rounds]
    province = _province(rounds)
    if number is None and date is None and rounds[0].decision:
        number = rounds[0].decision.split(" ")[0] or None
    data = render_docx(decision_document(rounds, annexes, number=number, date=date, province=province, signer=signer))
    document = Document(io.BytesIO(data))
    place = _place(province)
    for i, annex in enumerate(annexes):
        _add_annex(document, f"Phụ lục {ROMAN[i]}", annex,
                   _reference(number, date, (date or timezone.localdate()).year, place))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_annex(document, title: str, annex: Annex, reference: str) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(PAGE_SHORT_CM), Cm(PAGE_LONG_CM)
    for side in ("top", "bottom", "left", "right"):
        setattr(section, f"{side}_margin", Cm(PORTRAIT_MARGINS_CM[side]))
    heading, _, _, noun = AUDIENCE.get(annex.unit_type, AUDIENCE["department"])
    _p(document, title, bold=True)
    _p(document, f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {annex.year}", bold=True)
    _p(document, heading, bold=True)
    for line in reference.split("\n"):
        _p(document, line, italic=True)
    _p(document, "", size=6)
    groups = bool(annex.unranked)
    if groups:
        _p(document, f"1. Nhóm 1: Nhóm các {noun} thực hiện đánh giá, xếp loại và xếp hạng chung "
                     f"({len(annex.ranked):02d}/{annex.total:02d} đơn vị)", bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _table(document, COLUMNS, annex.ranked, annex.summary)
    if groups:
        _p(document, "", size=6)
        _p(document, f"2. Nhóm 2: Nhóm các {noun} thực hiện đánh giá, xếp loại nhưng không xếp hạng "
                     f"({len(annex.unranked):02d}/{annex.total:02d} đơn vị)", bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        _table(document, UNRANKED_COLUMNS, annex.unranked, None)


def _p(container, text: str, *, bold: bool = False, italic: bool = False, size: float = 14,
       align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt_ = paragraph.paragraph_format
    fmt_.space_before = fmt_.space_after = Pt(0)
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def _run(paragraph, text: str, *, bold=False, italic=False, size: float = TABLE_PT):
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    return run


def _twips(cm: float) -> int:
    return round(cm / 2.54 * 1440)


def _xml_run(text: str, bold: bool) -> str:
    props = (f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
             + ("<w:b/>" if bold else "") + f'<w:sz w:val="{TABLE_PT * 2}"/><w:szCs w:val="{TABLE_PT * 2}"/>')
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""


def _xml_cell(text: str, width_cm: float, *, bold: bool = False, align: str = "center", span: int = 1) -> str:
    merge = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{_twips(width_cm)}" w:type="dxa"/>{merge}<w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:spacing w:before="40" w:after="40"/><w:jc w:val="{align}"/></w:pPr>'
        f"{_xml_run(text, bold)}</w:p></w:tc>"
    )


def _table(document, columns: list[str], rows: list[list[str]], summary: dict | None) -> None:
    """The annex table, written as one piece of WordprocessingML (python-docx cell by cell takes
    tens of seconds for 3,500 units): fixed widths, single borders, the header repeated on every
    page, rows never split, and the summary rows merged over the first four columns as printed."""
    borders = "".join(f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
    parts = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{_twips(sum(WIDTHS_CM))}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr>',
        "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{_twips(w)}"/>' for w in WIDTHS_CM) + "</w:tblGrid>",
        '<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>'
        + "".join(_xml_cell(t, w, bold=True) for t, w in zip(columns, WIDTHS_CM, strict=True)) + "</w:tr>",
    ]
    for data in rows:
        parts.append('<w:tr><w:trPr><w:cantSplit/></w:trPr>' + "".join(
            _xml_cell(t, w, align="left" if i == 1 else "center")
            for i, (t, w) in enumerate(zip(data, WIDTHS_CM, strict=True))) + "</w:tr>")
    if summary and summary.get("count"):
        for key, label in SUMMARY_LABELS:
            parts.append(
                '<w:tr><w:trPr><w:cantSplit/></w:trPr>'
                + _xml_cell(label, sum(WIDTHS_CM[:4]), bold=True, span=4)
                + _xml_cell(f"{fmt(summary[key])}%", WIDTHS_CM[4], bold=True)
                + _xml_cell("", WIDTHS_CM[5]) + "</w:tr>"
            )
    parts.append("</w:tbl>")
    table = parse_xml("".join(parts))
    body = document.element.body
    body.insert(len(body) - 1, table)  # before the document's final sectPr


# ------------------------------------------------------------------------------------------------
# XLSX


SHEET_NAMES = {"department": "Sở, ban, ngành", "commune": "Xã, phường, đặc khu", "province": "Tỉnh"}


def annex_xlsx(rounds: Round | Iterable[Round]) -> bytes:
    """One sheet per unit type with the annex columns (ranked units, then "TT" rows, then the
    highest / mean / lowest rows); numbers as numbers so they can be sorted and summed."""
    rounds = [rounds] if isinstance(rounds, Round) else list(rounds)
    sheets = []
    for round_ in rounds:
        unit_type = round_.criteria_set.unit_type
        rows = ranking_rows(round_, unit_type)
        body: list[list] = []
        for r in rows:
            if r.ranked:
                first = r.rank
            else:
                first = "TT"
            body.append([first, r.name, r.maximum, r.points.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                         r.index.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP), r.rating])
        summary = summarize([r for r in rows if r.ranked])
        for key, label in SUMMARY_LABELS:
            if summary[key] is not None:
                body.append(["", label, None, None, summary[key].quantize(Decimal("0.001"), rounding=ROUND_HALF_UP), ""])
        name = SHEET_NAMES.get(unit_type, unit_type)
        sheets.append((f"{name} {round_.year}", [*COLUMNS[:4], "Chỉ số chung (%)", COLUMNS[5]], body))
    return write_xlsx_sheets(sheets)
