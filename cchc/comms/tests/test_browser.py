"""End-to-end in Debian's Chromium: an officer records an activity with quick entry, then finds it in
the list and in the coverage matrices."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cchc.orgs.models import Unit
from cchc.test import build_world, sign_in

from .conftest import CHANNELS_001, TOPICS_001, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(live_server):
    """The province, xã Bình Giang, its officer, and the province's communication plan."""
    build_world("canbo.binhgiang")
    make_plan("37", TOPICS_001, CHANNELS_001, year=timezone.localdate().year)
    return live_server.url


def test_officer_records_with_quick_entry_and_sees_it_in_the_list_and_matrix(page: Page, cast):
    sign_in(page, cast, "canbo.binhgiang")
    page.get_by_role("link", name="Tuyên truyền", exact=True).first.click()
    expect(page.get_by_role("heading", name="Tuyên truyền", exact=True)).to_be_visible()
    form = page.get_by_role("form", name="Ghi nhận nhanh")
    expect(form.get_by_label("Ngày thực hiện")).to_have_value(timezone.localdate().strftime("%d/%m/%Y"))
    form.get_by_label("Hình thức").select_option(label="Họp thôn, tổ dân phố")
    form.get_by_label("Nội dung hoạt động").fill("Hướng dẫn dịch vụ công trực tuyến tại họp thôn Đông")
    form.get_by_label("Người tham dự / lượt xem").fill("85")
    form.get_by_label("f) Chuyển đổi số; dịch vụ công trực tuyến cho công dân.").check()
    form.get_by_role("button", name="Ghi nhận").click()
    expect(page.get_by_role("status").filter(has_text="Đã ghi nhận")).to_be_visible()
    recent = page.locator("#gan-day")
    expect(recent).to_contain_text("Hướng dẫn dịch vụ công trực tuyến tại họp thôn Đông")
    # The fresh form remembers the channel and the topic for the next entry.
    form = page.get_by_role("form", name="Ghi nhận nhanh")
    expect(form.get_by_label("Hình thức")).to_have_value("village_meeting")
    expect(form.get_by_label("f) Chuyển đổi số; dịch vụ công trực tuyến cho công dân.")).to_be_checked()

    page.get_by_role("link", name="Danh sách hoạt động").click()
    row = page.get_by_role("row").filter(has_text="Hướng dẫn dịch vụ công trực tuyến tại họp thôn Đông")
    expect(row).to_contain_text("Họp thôn, tổ dân phố")
    expect(row).to_contain_text(timezone.localdate().strftime("%d/%m/%Y"))

    page.get_by_role("link", name="Độ bao phủ nội dung × hình thức").click()
    topic_row = page.get_by_role("row").filter(has_text="f) Chuyển đổi số")
    expect(topic_row.locator("td.heat-4")).to_have_text("1")
    expect(page.locator(".comms-kpis")).to_contain_text("1/10")

    page.get_by_role("link", name="Đơn vị × hình thức").click()
    own = page.get_by_role("row").filter(has_text="(tự thực hiện)")
    expect(own.locator("td.heat-4")).to_have_text("1")


def test_officer_imports_a_file_then_edits_and_deletes_an_activity(page: Page, cast, tmp_path):
    import io

    from openpyxl import Workbook

    from cchc.comms import tables

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(tables.HEADER)
    today = timezone.localdate().strftime("%d/%m/%Y")
    sheet.append([row.get(h, "") for h in tables.HEADER for row in [{
        tables.COL_REF: "HD-1", tables.COL_DATE: today, tables.COL_CHANNEL: "Hội thảo, tọa đàm",
        tables.COL_TITLE: "Tọa đàm người dân là trung tâm", tables.COL_TOPICS: "g", tables.COL_QUANTITY: 1}]])
    sheet.append([row.get(h, "") for h in tables.HEADER for row in [{
        tables.COL_REF: "HD-2", tables.COL_DATE: "31/02/2026", tables.COL_CHANNEL: "Phát thanh", tables.COL_TITLE: "Sai"}]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    bad = tmp_path / "hoat-dong.xlsx"
    bad.write_bytes(buffer.getvalue())

    sign_in(page, cast, "canbo.binhgiang")
    page.goto(f"{cast}/tuyen-truyen/hoat-dong/nhap/")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Dòng 3: ngày “31/02/2026” không có thật")
    # Fix the file: drop the wrong row, import again.
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    bad.write_bytes(buffer.getvalue())
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Nhập").click()
    expect(page.get_by_role("status")).to_contain_text("Đã nhập: 1 hoạt động mới")

    page.get_by_role("link", name="Tọa đàm người dân là trung tâm").click()
    expect(page.get_by_role("heading", name="Tọa đàm người dân là trung tâm")).to_be_visible()
    page.get_by_role("link", name="Sửa").click()
    page.get_by_label("Người tham dự / lượt xem").fill("-5")
    page.get_by_role("button", name="Lưu").click()  # the browser refuses a negative number (min=0)
    expect(page.get_by_role("heading", name="Sửa hoạt động tuyên truyền — Xã Bình Giang")).to_be_visible()
    page.get_by_label("Người tham dự / lượt xem").fill("120")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("row").filter(has_text="Người tham dự")).to_contain_text("120 người tham dự")
    page.get_by_role("link", name="Xóa").click()
    page.get_by_role("button", name="Xóa hoạt động").click()
    expect(page.get_by_role("status")).to_contain_text("Đã xóa hoạt động")


def test_coordinator_sees_who_falls_short_of_the_plan(page: Page, cast):
    from cchc.comms.models import Activity

    build_world("dieuphoi")
    Activity.objects.create(unit=Unit.objects.get(code="13531"), date=timezone.localdate(), channel="contest",
                            title="Cuộc thi tìm hiểu CCHC", quantity=1)
    sign_in(page, cast, "dieuphoi")
    page.goto(f"{cast}/tuyen-truyen/yeu-cau/")
    expect(page.get_by_role("heading", name="Kiểm tra yêu cầu của kế hoạch tuyên truyền")).to_be_visible()
    expect(page.get_by_text("Triển khai thực hiện tại đơn vị").first).to_be_visible()
    page.get_by_label("Loại đơn vị").select_option(label="UBND xã")
    page.get_by_role("button", name="Kiểm tra").click()
    bg = page.get_by_role("row").filter(has_text="Xã Bình Giang")
    expect(bg).to_contain_text("Đạt (1)")
    phu_ly = page.get_by_role("row").filter(has_text="Phủ Lý")
    expect(phu_ly).to_have_count(0)  # a ward: filtered out
