"""Import and export of units: symmetric, idempotent, all-or-nothing, with per-row Vietnamese errors."""

import io
import unicodedata

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cchc.documents.tables import TableError, read_table, write_csv, write_xlsx
from cchc.orgs import services
from cchc.orgs.models import Unit
from cchc.test import user

pytestmark = pytest.mark.django_db

HEADER = list(services.COLUMNS.values())


def table(*rows):
    return [dict(zip(HEADER, row + [""] * (len(HEADER) - len(row)), strict=True)) for row in rows]


def test_it_creates_units_under_an_existing_parent_and_is_idempotent():
    rows = table(
        ["99.A", "Trung tâm Thử nghiệm", "TT Thử nghiệm", "service_unit", "37", "TT thử | Trung tâm TN", "01/01/2026"],
        ["99.A.1", "Phòng Một", "", "Phòng, ban, đơn vị thuộc", "99.A"],  # the kind by its Vietnamese label
    )
    first = services.units_import(rows)
    assert (first.created, first.updated, first.unchanged, first.errors) == (2, 0, 0, [])
    child = Unit.objects.get(code="99.A.1")
    assert child.parent.code == "99.A" and child.parent.parent.code == "37"
    assert child.path.startswith(Unit.objects.get(code="37").path) and child.depth == 2
    assert Unit.objects.get(code="99.A").aliases == ["TT thử", "Trung tâm TN"]

    again = services.units_import(rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

    rows[1][services.COLUMNS["name"]] = "Phòng Một (đổi tên)"
    changed = services.units_import(rows)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Unit.objects.get(code="99.A.1").name == "Phòng Một (đổi tên)"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (["99.X", "Đơn vị X", "", "department", "KHONG-CO"], "Mã đơn vị cấp trên", "Không tìm thấy đơn vị cấp trên có mã “KHONG-CO”"),
        (["99.X", "", "", "department", "37"], "Tên đơn vị", "Tên đơn vị trống"),
        (["", "Đơn vị X", "", "department", "37"], "Mã", "Mã đơn vị trống"),
        (["99.X", "Đơn vị X", "", "bộ", "37"], "Loại", "Loại đơn vị không hợp lệ: “bộ”"),
        (["99.X", "Đơn vị X", "", "department", "37", "", "31/02/2026"], "Hiệu lực từ", "Ngày không hợp lệ: “31/02/2026”"),
        (["99.X", "Đơn vị X", "", "department", "37", "", "01/07/2026", "01/01/2026"], "Hết hiệu lực", "Ngày hết hiệu lực trước ngày hiệu lực"),
        (["99.X", "Đơn vị X", "", "department", "37", "", "", "", "KHONG-CO"], "Hình thành từ (mã)", "Không tìm thấy đơn vị có mã “KHONG-CO”"),
        (["99.X", "Đơn vị X", "", "department", "99.X"], "Mã đơn vị cấp trên", "không thể là cấp trên của chính nó"),
        (["9" * 70, "Đơn vị X", "", "department", "37"], "Mã", "tối đa 64"),
    ],
)
def test_a_wrong_row_is_reported_and_nothing_is_saved(row, column, message):
    before = Unit.objects.count()
    good = ["99.OK", "Đơn vị tốt", "", "department", "37"]
    result = services.units_import(table(good, row))
    assert not result.ok
    error = result.errors[0]
    assert (error.row, error.column) == (3, column)  # the header is row 1, the good row is row 2
    assert message in error.message
    assert f"Dòng 3, cột “{column}”" in str(error)
    assert Unit.objects.count() == before
    assert not Unit.objects.filter(code="99.OK").exists()


def test_duplicate_codes_in_one_file_are_reported_with_both_rows():
    result = services.units_import(table(["99.D", "Một", "", "department", "37"], ["99.D", "Hai", "", "department", "37"]))
    assert [str(e) for e in result.errors] == ["Dòng 3, cột “Mã”: Mã “99.D” trùng với dòng 2."]
    assert not Unit.objects.filter(code="99.D").exists()


def test_a_cycle_between_rows_is_refused():
    result = services.units_import(table(["99.P", "P", "", "office", "99.Q"], ["99.Q", "Q", "", "office", "99.P"]))
    assert not result.ok and "vòng lặp" in result.errors[0].message
    assert not Unit.objects.filter(code__in=["99.P", "99.Q"]).exists()


def test_missing_required_columns_are_named():
    result = services.units_import([{"Tên": "x"}])
    assert "Thiếu cột bắt buộc: Mã, Tên đơn vị, Loại." in result.errors[0].message


def test_export_reimports_unchanged_in_both_formats():
    units = Unit.objects.filter(code__startswith="13531")
    header, rows = services.units_export_rows(units.order_by("path"))
    assert len(rows) == units.count() >= 6 + 3  # the commune, 5 offices, 3 units it was merged from
    for data, name in [(write_csv(header, rows), "x.csv"), (write_xlsx(header, rows, title="Đơn vị"), "x.xlsx")]:
        result = services.units_import(read_table(data, name))
        assert result.ok and result.created == result.updated == 0
        assert result.unchanged == len(rows)


def test_xlsx_export_is_a_real_workbook_with_vietnamese_text():
    header, rows = services.units_export_rows(Unit.objects.filter(code="13531"))
    book = load_workbook(io.BytesIO(write_xlsx(header, rows, title="Đơn vị")))
    sheet = book.active
    assert sheet.title == "Đơn vị"
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["B2"].value == "Ủy ban nhân dân xã Bình Giang"
    assert "13531.truoc.xa-vu-ban" in sheet["I2"].value


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "x.csv", "Tệp rỗng"),
        (b"PK\x03\x04 not really a zip", "x.xlsx", "Tệp XLSX bị hỏng"),
        (b"\x00\x01\x02binary", "x.csv", "ký tự nhị phân"),
        (b"anything", "x.pdf", "Chỉ nhận tệp .xlsx hoặc .csv"),
        (b"\n\n", "x.csv", "Tệp không có dòng nào"),
    ],
)
def test_unreadable_files_get_a_clear_message(data, name, message):
    with pytest.raises(TableError, match=message):
        read_table(data, name)


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed base letters (ư, ơ, â…) plus combining tone marks."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            tones = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
            head = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tones))
            out += head.encode("cp1258") + "".join(tones).encode("cp1258")
    return out


def test_a_windows_1258_csv_is_read():
    text = "Mã;Tên đơn vị;Loại;Mã đơn vị cấp trên\n99.W;Phòng Tư pháp Thường trực;office;37\n"
    rows = read_table(_cp1258(text), "x.csv")
    assert rows == [{"Mã": "99.W", "Tên đơn vị": "Phòng Tư pháp Thường trực", "Loại": "office", "Mã đơn vị cấp trên": "37"}]


def test_xlsx_dates_and_numbers_become_text():
    import datetime

    book = Workbook()
    book.active.append(["Mã", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên", "Hiệu lực từ"])
    book.active.append([99123, "Đơn vị số", "department", 37, datetime.datetime(2026, 1, 15)])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = read_table(buffer.getvalue(), "x.xlsx")
    assert rows[0]["Mã"] == "99123" and rows[0]["Hiệu lực từ"] == "15/01/2026"
    assert services.units_import(rows).ok


def test_import_page_shows_row_errors_and_saves_nothing(client):
    client.force_login(user("dieuphoi"))
    data = write_csv(HEADER, [["99.Z", "Đơn vị Z", "", "department", "37"], ["99.Y", "", "", "department", "KHONG"]])
    upload = io.BytesIO(data)
    upload.name = "don-vi.csv"
    response = client.post(reverse("orgs:units_import"), {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Không nhập được: 2 lỗi" in body
    assert "Tên đơn vị trống." in body and "Không tìm thấy đơn vị cấp trên có mã “KHONG”" in body
    assert not Unit.objects.filter(code="99.Z").exists()


def test_import_page_imports_a_good_file(client):
    client.force_login(user("dieuphoi"))
    upload = io.BytesIO(write_xlsx(HEADER, [["99.G", "Đơn vị G", "", "department", "37"]], title="x"))
    upload.name = "don-vi.xlsx"
    response = client.post(reverse("orgs:units_import"), {"file": upload}, follow=True)
    assert "Đã nhập: 1 đơn vị mới, 0 cập nhật, 0 không đổi." in response.content.decode()
    assert Unit.objects.get(code="99.G").parent.code == "37"


def test_import_page_refuses_large_and_wrong_type_uploads(client, settings):
    client.force_login(user("dieuphoi"))
    settings.UPLOAD_MAX_BYTES = 1024
    big = io.BytesIO(b"a" * 2048)
    big.name = "lon.csv"
    assert "Tệp quá lớn" in client.post(reverse("orgs:units_import"), {"file": big}).content.decode()
    exe = io.BytesIO(b"MZ")
    exe.name = "virus.exe"
    assert "Chỉ nhận tệp .xlsx hoặc .csv." in client.post(reverse("orgs:units_import"), {"file": exe}).content.decode()


def test_csv_export_opens_in_excel_as_utf8(client):
    client.force_login(user("dieuphoi"))
    response = client.get(reverse("orgs:units_export_csv"))
    assert response.content.startswith("\ufeff".encode())  # the BOM Excel needs for UTF-8
    assert response["Content-Disposition"].startswith('attachment; filename="don-vi-')
    assert "Ủy ban nhân dân xã Bình Giang" in response.content.decode("utf-8-sig")
