"""Reading and writing tabular files (CSV, XLSX) for every import and export.

Knows nothing about units or plans: it takes bytes and returns rows of strings, or takes rows and
returns bytes. Problems are raised as TableError with a message a civil servant can act on.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
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
