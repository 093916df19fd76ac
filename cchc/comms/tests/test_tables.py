"""XLSX import (all or nothing, idempotent, per-row Vietnamese errors) and export (same columns)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cchc.comms import tables
from cchc.comms.models import Activity
from cchc.test import BINH_GIANG, PHU_LY, unit, user

pytestmark = pytest.mark.django_db
IMPORT = reverse("comms:import")


def xlsx(rows, header=tables.HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h, "") for h in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ROWS = [
    {tables.COL_REF: "HD-001", tables.COL_DATE: "05/03/2026", tables.COL_CHANNEL: "Họp thôn, tổ dân phố",
     tables.COL_TITLE: "Tuyên truyền dịch vụ công tại thôn Đông", tables.COL_TOPICS: "37:f, a",
     tables.COL_AUDIENCE: "Người dân", tables.COL_QUANTITY: 3, tables.COL_REACH: 120},
    {tables.COL_REF: "HD-002", tables.COL_DATE: "12/04/2026", tables.COL_CHANNEL: "contest",
     tables.COL_TITLE: "Cuộc thi tìm hiểu CCHC cấp xã", tables.COL_AUDIENCE: "Cán bộ, công chức, viên chức; Doanh nghiệp",
     tables.COL_NEW: "x", tables.COL_LINK: "https://binhgiang.ninhbinh.gov.vn/cuoc-thi"},
    {tables.COL_DATE: "20/05/2026", tables.COL_CHANNEL: "Pano, băng rôn", tables.COL_TITLE: "Treo băng rôn khẩu hiệu",
     tables.COL_QUANTITY: 6},
]


@pytest.fixture
def officer(client, plans):
    client.force_login(user("canbo.binhgiang"))
    return client


def upload(client, data: bytes, name="hoat-dong.xlsx"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data), "don_vi": BINH_GIANG})


def test_the_template_downloads_with_the_channels_and_topics(officer, plans):
    response = officer.get(reverse("comms:import_template"), {"don_vi": BINH_GIANG})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook["Hoạt động"][1]] == tables.HEADER
    guide = [row[0] for row in workbook["Hướng dẫn"].iter_rows(values_only=True)]
    assert "Sân khấu hóa, biểu diễn" in guide and "37:f" in guide and f"{BINH_GIANG}:a" in guide


def test_import_saves_every_row_and_a_second_import_changes_nothing(officer, plans):
    data = xlsx(ROWS)
    response = upload(officer, data)
    assert response.status_code == 302
    assert Activity.objects.filter(unit__code=BINH_GIANG).count() == 3
    first = Activity.objects.get(source_key="HD-001")
    assert sorted(f"{t.plan.unit.code}:{t.code}" for t in first.topics.all()) == ["13531:a", "37:f"]  # "a": the nearest plan
    assert (first.quantity, first.reach, first.for_citizens, first.channel) == (3, 120, True, "village_meeting")
    contest = Activity.objects.get(source_key="HD-002")
    assert contest.innovative and contest.for_officials and contest.for_businesses and not contest.for_citizens
    before = list(Activity.objects.order_by("pk").values())
    again = upload(officer, data)
    assert again.status_code == 302
    assert list(Activity.objects.order_by("pk").values()) == before
    result = tables.import_activities(data, "a.xlsx", user=user("canbo.binhgiang"), default_unit=unit(BINH_GIANG))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


def test_an_edited_row_updates_in_place(officer, plans):
    upload(officer, xlsx(ROWS))
    edited = [dict(ROWS[0], **{tables.COL_QUANTITY: 5}), *ROWS[1:]]
    result = tables.import_activities(xlsx(edited), "a.xlsx", user=user("canbo.binhgiang"), default_unit=unit(BINH_GIANG))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Activity.objects.get(source_key="HD-001").quantity == 5


def test_export_then_import_is_a_no_op(officer, plans):
    upload(officer, xlsx(ROWS))
    exported = officer.get(reverse("comms:export"))
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert [c.value for c in sheet[1]] == tables.HEADER
    assert sheet.max_row == 4
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0][3] == "05/03/2026" and values[0][6] == "37:f; 13531:a" or values[0][6] == "13531:a; 37:f"
    before = list(Activity.objects.order_by("pk").values())
    result = tables.import_activities(exported.content, "xuat.xlsx", user=user("canbo.binhgiang"),
                                      default_unit=unit(BINH_GIANG))
    assert result.ok and (result.created, result.unchanged) == (0, 3)
    assert list(Activity.objects.order_by("pk").values()) == before


def test_one_bad_row_saves_nothing_and_every_problem_is_named(officer, plans):
    rows = [
        ROWS[0],
        {tables.COL_DATE: "31/02/2026", tables.COL_CHANNEL: "Bồ câu đưa thư", tables.COL_TITLE: "Sai",
         tables.COL_QUANTITY: -2},
        {tables.COL_DATE: "01/01/2099", tables.COL_CHANNEL: "radio", tables.COL_TITLE: "Tương lai",
         tables.COL_REACH: "nhiều"},
        {tables.COL_DATE: "01/03/2026", tables.COL_CHANNEL: "radio", tables.COL_TITLE: "Của Sở",
         tables.COL_TOPICS: "37.SNV:a"},
        {tables.COL_UNIT: PHU_LY, tables.COL_DATE: "01/03/2026", tables.COL_CHANNEL: "radio", tables.COL_TITLE: "X"},
        {tables.COL_UNIT: "KHONG-CO", tables.COL_DATE: "01/03/2026", tables.COL_CHANNEL: "radio", tables.COL_TITLE: "X"},
        dict(ROWS[1]),  # the same reference twice in one file
        dict(ROWS[1]),
    ]
    body = upload(officer, xlsx(rows)).content.decode()
    assert "Chưa lưu dòng nào" in body
    assert "Dòng 3: ngày “31/02/2026” không có thật" in body
    assert "hình thức “Bồ câu đưa thư” không có trong danh mục" in body
    assert "Số lượng không được nhỏ hơn 1" in body
    assert "Dòng 4: Ngày thực hiện 01/01/2099 ở sau hôm nay" in body
    assert "lượt xem “nhiều” không phải số nguyên" in body
    assert "Dòng 5: nội dung “37.SNV:a” không có trong kế hoạch tuyên truyền của đơn vị hoặc cấp trên" in body
    assert "Dòng 6: không có đơn vị mã “13285”" in body  # another commune: not even its existence
    assert "Dòng 7: không có đơn vị mã “KHONG-CO”" in body
    assert "Dòng 9: mã tham chiếu “HD-002” trùng với dòng 8" in body
    assert not Activity.objects.exists()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("hoat-dong.xlsx", b"", "Tệp rỗng"),
    ("hoat-dong.xlsx", b"PK\x03\x04 not really a zip", "Tệp XLSX bị hỏng"),
    ("hoat-dong.csv", b"a,b\n1,2\n", "Chỉ nhận tệp Excel .xlsx"),
    ("hoat-dong.pdf", b"%PDF-1.4", "Chỉ nhận tệp Excel .xlsx"),
])
def test_unreadable_files_are_refused_in_vietnamese(officer, plans, name, data, message):
    body = upload(officer, data, name).content.decode()
    assert message in body and not Activity.objects.exists()


def test_a_file_without_rows_or_columns_is_refused(officer, plans):
    assert "không có hoạt động nào" in upload(officer, xlsx([])).content.decode()
    body = upload(officer, xlsx([{"Tên": "x"}], header=["Tên", "Tuổi"])).content.decode()
    assert "Thiếu cột" in body and "Hãy dùng tệp mẫu" in body


def test_import_is_refused_to_people_who_record_nothing(client, plans):
    client.force_login(user("ctv.bao"))
    assert client.get(IMPORT).status_code == 403


def test_command_line_export_and_import_round_trip(plans, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "vao.xlsx"
    path.write_bytes(xlsx(ROWS))
    out = io.StringIO()
    call_command("comms_import", str(path), user="canbo.binhgiang", unit=BINH_GIANG, stdout=out)
    assert "3 mới" in out.getvalue()
    exported = tmp_path / "ra.xlsx"
    call_command("comms_export", str(exported), unit=BINH_GIANG, stdout=out)
    call_command("comms_import", str(exported), user="canbo.binhgiang", stdout=out)
    assert "0 mới, 0 cập nhật, 3 không đổi" in out.getvalue()
    with pytest.raises(CommandError, match="không có đơn vị mã “13285”"):
        bad = tmp_path / "sai.xlsx"
        bad.write_bytes(xlsx([{**ROWS[0], tables.COL_UNIT: PHU_LY}]))
        call_command("comms_import", str(bad), user="canbo.binhgiang", stdout=out)
    assert Activity.objects.count() == 3
