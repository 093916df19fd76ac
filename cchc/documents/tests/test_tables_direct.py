"""The direct XLSX writer makes the workbook openpyxl's write-only mode makes: same sheets, values,
types, number formats, header look, widths and frozen header row."""

import io
import zipfile
from decimal import Decimal

import openpyxl

from cchc.documents.tables import write_xlsx_sheets, write_xlsx_sheets_direct


def workbook_content(data: bytes) -> dict:
    """Everything a reader sees in a workbook, cell by cell (value, type, format, look), widths and panes."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    out = {}
    for sheet in book.worksheets:
        cells = {}
        for row in sheet.iter_rows():
            for c in row:
                if c.value is None and not c.font.b:
                    continue
                cells[c.coordinate] = (c.value, type(c.value).__name__, c.data_type, c.number_format, bool(c.font.b),
                                       c.fill.fill_type, c.fill.fgColor.rgb if c.fill.fill_type else None,
                                       c.alignment.wrap_text, c.alignment.vertical)
        widths = {k: d.width for k, d in sheet.column_dimensions.items() if d.customWidth}
        out[sheet.title] = {"cells": cells, "widths": widths, "freeze": sheet.freeze_panes}
    return out


SHEETS = [
    ("Biểu mẫu 1", ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", ""], [
        ["1.", "Số văn bản chỉ đạo CCHC đã ban hành", "Văn bản", 25898, ""],
        ["1.1.", "Tỷ lệ hoàn thành & <đúng hạn>", "%", Decimal("99.10"), None],
        ["2.", "  có khoảng trắng ở đầu", "Có = 1", True, 0],
        ["3.", "Một số thực", "", 1234567.891, Decimal("0.3333333333333333333333")],
        ["4.", "Rất dài " * 20, "", -5, Decimal("1E+3")],
        [],
        ["6.", 'ngoặc "kép"', "12/15 đơn vị"],
    ]),
    ("BM1 theo đơn vị", ["STT", "Tổng hợp", *[f"Xã Thử {i}" for i in range(40)]],
     [[f"{r}.", r * 10, *[(i * r if i % 3 else Decimal(i) / 7) if i % 5 else "" for i in range(40)]] for r in range(1, 30)]),
    ("Trống", ["Chỉ một cột"], []),
]


def test_the_direct_writer_reads_back_as_openpyxl_writes():
    direct = workbook_content(write_xlsx_sheets_direct(SHEETS))
    reference = workbook_content(write_xlsx_sheets(SHEETS))
    assert list(direct) == ["Biểu mẫu 1", "BM1 theo đơn vị", "Trống"]
    sheet = direct["Biểu mẫu 1"]
    assert sheet["cells"]["D2"][:4] == (25898, "int", "n", "#,##0")
    assert sheet["cells"]["D3"][3] == "#,##0.00" and sheet["cells"]["A1"][4] is True
    assert sheet["cells"]["B3"][0] == "Tỷ lệ hoàn thành & <đúng hạn>" and sheet["freeze"] == "A2"
    assert direct == reference


def test_the_direct_writer_reports_each_sheet_and_dedupes_titles():
    done = []
    data = write_xlsx_sheets_direct([("Tên", ["A"], [[1]]), ("tên", ["B"], [[2]]), ("x" * 40, ["C"], [])], progress=done.append)
    assert done == [1, 2, 3]
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["Tên", "tên1", "x" * 31]
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


def test_the_direct_writer_drops_what_xml_cannot_carry():
    data = write_xlsx_sheets_direct([("Lỗi", ["Văn bản"], [["chuông \x07 giữa"]])])
    assert openpyxl.load_workbook(io.BytesIO(data))["Lỗi"]["A2"].value == "chuông  giữa"


def test_the_direct_writer_takes_number_subclasses_as_numbers():
    import enum

    class Level(enum.IntEnum):
        HIGH = 3

    data = write_xlsx_sheets_direct([("Mức", ["Mức", "Đúng"], [[Level.HIGH, True]])])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Mức"]
    assert (sheet["A2"].value, sheet["A2"].number_format, sheet["B2"].value) == (3, "#,##0", True)
