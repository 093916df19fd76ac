"""Reading and writing tabular files (CSV, XLSX) for every import and export.

Knows nothing about units or plans: it takes bytes and returns rows of strings, or takes rows and
returns bytes. Problems are raised as TableError with a message a civil servant can act on.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cchc.lib.text import squeeze

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# Number formats of XLSX cells. The file stores the number itself (25898, 99.1) and a format code,
# whose "," and "." are Excel's placeholders for "group thousands" and "decimal point", not
# characters: Excel and LibreOffice draw them with the reader's locale, so under vi-VN the cells
# read "25.898" and "99,10", and the figures still sort, sum and chart as numbers.
COUNT_FORMAT = "#,##0"  # counts, codes (yes/no, choices), ranks
DECIMAL_FORMAT = "#,##0.00"  # ratios, percentages, money, points


def xlsx_number(value: object) -> tuple[object, str | None]:
    """What to store in an XLSX cell for `value`, and its number format (None: leave "General")."""
    if isinstance(value, bool):
        return value, None
    if isinstance(value, int):
        return value, COUNT_FORMAT
    if isinstance(value, (float, Decimal)):
        return value, DECIMAL_FORMAT
    return value, None


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, in Vietnamese."""


def read_table(data: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts keyed by the (whitespace-squeezed) header row."""
    if not data:
        raise TableError("Tệp rỗng: không có dữ liệu để nhập.")
    name = filename.lower()
    if name.endswith(".xlsx"):
        grid = _read_xlsx(data)
    elif name.endswith(".csv"):
        grid = _read_csv(data)
    else:
        raise TableError("Chỉ nhận tệp .xlsx hoặc .csv.")
    grid = [row for row in grid if any(cell for cell in row)]
    if not grid:
        raise TableError("Tệp không có dòng nào.")
    header = [squeeze(h) for h in grid[0]]
    if not any(header):
        raise TableError("Dòng đầu tiên phải là tiêu đề cột.")
    return [
        {h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h}
        for row in grid[1:]
    ]


def _read_csv(data: bytes) -> list[list[str]]:
    # Excel on Vietnamese Windows saves "CSV" as UTF-8 with BOM or as Windows-1258.
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes nearly any byte string
        raise TableError("Không đọc được bảng mã của tệp CSV (hãy lưu lại dưới dạng UTF-8).")
    # Windows-1258 stores tone marks as combining characters: compose them back (NFC).
    text = unicodedata.normalize("NFC", text)
    if "\x00" in text:
        raise TableError("Tệp CSV chứa ký tự nhị phân: có thể đây không phải tệp CSV.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[squeeze(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError("Tệp XLSX bị hỏng hoặc không phải tệp Excel.") from exc
    sheet = workbook.worksheets[0]
    grid = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return grid


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return squeeze(str(value))


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with BOM, so Excel shows Vietnamese letters correctly when it opens the file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], *, title: str) -> bytes:
    return write_xlsx_sheets([(title, header, rows)])


def write_xlsx_sheets(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    """A workbook with one sheet per (title, header, rows): bold header, frozen, sensible widths.

    Written in openpyxl's write-only mode (rows streamed to the file, not kept as cell objects):
    the widths are worked out from the rows first, since they must precede the rows."""
    workbook = Workbook(write_only=True)
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    head_alignment = Alignment(wrap_text=True, vertical="center")
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        rows = [list(row) for row in rows]
        widths = [len(h) for h in header]
        for row in rows:
            for i, value in enumerate(row):
                width = min(60, len(str(value if value is not None else "")))
                if i < len(widths):
                    widths[i] = max(widths[i], width)
                else:
                    widths.append(width)
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width + 2
        sheet.freeze_panes = "A2"
        heads = []
        for text in header:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font, cell.fill, cell.alignment = head_font, head_fill, head_alignment
            heads.append(cell)
        sheet.append(heads)
        for row in rows:
            out = []
            for value in row:
                stored, number_format = xlsx_number(value)
                if number_format:
                    stored = WriteOnlyCell(sheet, value=stored)
                    stored.number_format = number_format
                out.append(stored)
            sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()



# --- The same workbook, written as XML directly -----------------------------------------------------
# openpyxl spends ~15 µs on each cell (a Cell object, its style, an lxml element): a compiled report's
# by-unit sheets hold 3,500 units × 123 indicators, 430,000 cells, 7 s. This writer puts out the parts
# openpyxl puts out for `write_xlsx_sheets` (same styles, widths, frozen header, inline strings, numbers
# as "%.16g"), one string per row, and reads back identically (cchc/documents/tests/test_tables_direct.py).

_STYLES_XML = (
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="0"/>'
    '<fonts count="2"><font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/><scheme val="minor"/>'
    '</font><font><b val="1"/></font></fonts><fills count="3"><fill><patternFill/></fill>'
    '<fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="00DDEBF7"/>'
    '</patternFill></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" applyAlignment="1" xfId="0"><alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" applyNumberFormat="1" xfId="0"/>'  # 3 = "#,##0" (COUNT_FORMAT)
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" applyNumberFormat="1" xfId="0"/>'  # 4 = "#,##0.00" (DECIMAL_FORMAT)
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_HEAD_STYLE, _COUNT_STYLE, _DECIMAL_STYLE = 1, 2, 3
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


def _xml_text(value: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NOT_XML.sub("", value) if _NOT_XML.search(value) else value


def _xml_attr(value: str) -> str:
    return _xml_text(value).replace('"', "&quot;")


def _row_xml(number: int, values: Sequence[object], letters: list[str], *, style: int = 0) -> str:
    """One <row>: numbers with their format's style (as `xlsx_number`), text inline, empty cells left out."""
    if len(letters) < len(values):
        letters.extend(get_column_letter(n) for n in range(len(letters) + 1, len(values) + 1))
    parts = [f'<row r="{number}">']
    append = parts.append
    own = f' s="{style}"' if style else ""
    count_style, decimal_style = style or _COUNT_STYLE, style or _DECIMAL_STYLE
    for letter, value in zip(letters, values):
        kind = type(value)  # exact types first: the by-unit sheets are nearly all int and Decimal
        if kind is int:
            append(f'<c r="{letter}{number}" s="{count_style}" t="n"><v>{"%.16g" % value}</v></c>')
        elif kind is Decimal or kind is float:
            finite = value.is_finite() if kind is Decimal else math.isfinite(value)
            shown = f"<v>{'%.16g' % value}</v>" if finite else ""  # as openpyxl: NaN and ∞ have no value
            append(f'<c r="{letter}{number}" s="{decimal_style}" t="n">{shown}</c>')
        elif value is None or (kind is str and not value):
            if style:  # an empty header cell keeps the header's look, as openpyxl writes it
                append(f'<c r="{letter}{number}"{own} t="inlineStr"></c>')
        elif kind is bool:
            append(f'<c r="{letter}{number}"{own} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, (int, float, Decimal)):  # a subclass (an IntEnum…): as its base type
            base = next(t for t in (bool, int, float, Decimal) if isinstance(value, t))
            append(_row_xml(number, [base(value)], [letter], style=style)[len(f'<row r="{number}">'):-len("</row>")])
        else:
            text = value if kind is str else str(value)
            space = ' xml:space="preserve"' if text != text.strip() else ""
            append(f'<c r="{letter}{number}"{own} t="inlineStr"><is><t{space}>{_xml_text(text)}</t></is></c>')
    append("</row>")
    return "".join(parts)


def write_xlsx_sheets_direct(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
    *, progress: Callable[[int], None] | None = None,
) -> bytes:
    """`write_xlsx_sheets` for big tables of plain values (str, int, Decimal, float, bool, None): the
    same workbook, ~20 times faster. Values of other types are written as their text. `progress(n)`
    is called after the n-th sheet."""
    from openpyxl.writer.theme import theme_xml

    buffer = io.BytesIO()
    titles: list[str] = []
    letters: list[str] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, (title, header, rows) in enumerate(sheets, start=1):
            title = title[:31]
            base, k = title, 1
            while title.casefold() in {t.casefold() for t in titles}:  # as openpyxl: "Tên", "Tên1", …
                title = f"{base[:31 - len(str(k))]}{k}"
                k += 1
            titles.append(title)
            rows = [list(row) for row in rows]
            widths = [len(h) for h in header]  # the same rule as write_xlsx_sheets
            for row in rows:
                for i, value in enumerate(row):
                    width = min(60, len(str(value if value is not None else "")))
                    if i < len(widths):
                        if width > widths[i]:
                            widths[i] = width
                    else:
                        widths.append(width)
            cols = "".join(f'<col width="{w + 2}" customWidth="1" min="{i}" max="{i}"/>' for i, w in enumerate(widths, start=1))
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w") as out:
                out.write((
                    f'<worksheet xmlns="{_NS_MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr/>'
                    '</sheetPr><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                    'state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
                    f'<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}<sheetData>'
                    + _row_xml(1, list(header), letters, style=_HEAD_STYLE)
                ).encode())
                chunk: list[str] = []
                for number, row in enumerate(rows, start=2):
                    chunk.append(_row_xml(number, row, letters))
                    if len(chunk) >= 200:
                        out.write("".join(chunk).encode())
                        chunk = []
                out.write(("".join(chunk) + '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" '
                           'header="0.5" footer="0.5"/></worksheet>').encode())
            if progress:
                progress(n)
        count = len(titles)
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>'
            f'<Override PartName="/xl/theme/theme1.xml" ContentType="{_CT}.theme+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT}.spreadsheetml.worksheet+xml"/>'
                      for n in range(1, count + 1))
            + f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.spreadsheetml.sheet.main+xml"/></Types>'
        ))
        archive.writestr("_rels/.rels", (
            f'<Relationships xmlns="{_NS_PKG_REL}"><Relationship Type="{_NS_REL}/officeDocument" '
            'Target="xl/workbook.xml" Id="rId1"/></Relationships>'
        ))
        archive.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}"><workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
            "<sheets>" + "".join(f'<sheet name="{_xml_attr(t)}" sheetId="{n}" state="visible" r:id="rId{n}"/>'
                                 for n, t in enumerate(titles, start=1))
            + '</sheets><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
        ))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="{_NS_PKG_REL}">'
            + "".join(f'<Relationship Type="{_NS_REL}/worksheet" Target="/xl/worksheets/sheet{n}.xml" Id="rId{n}"/>'
                      for n in range(1, count + 1))
            + f'<Relationship Type="{_NS_REL}/styles" Target="styles.xml" Id="rId{count + 1}"/>'
            f'<Relationship Type="{_NS_REL}/theme" Target="theme/theme1.xml" Id="rId{count + 2}"/></Relationships>'
        ))
        archive.writestr("xl/styles.xml", _STYLES_XML)
        archive.writestr("xl/theme/theme1.xml", theme_xml)
    return buffer.getvalue()

def parse_date(text: str) -> datetime.date | None:
    """dd/mm/yyyy (also yyyy-mm-dd) → date; empty → None; impossible dates raise ValueError."""
    text = squeeze(text)
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"Ngày không hợp lệ: “{text}” (định dạng dd/mm/yyyy).")


def format_date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
