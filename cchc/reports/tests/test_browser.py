"""The periodic report in Debian's Chromium (Playwright): an officer fills it (a Vietnamese number, a
refused "124" in a percentage), the leader submits, the coordinator returns it with a comment, it is
resubmitted and approved, then the coordinator compiles the province's report and downloads the DOCX."""

import io
from pathlib import Path

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cchc.orgs.models import Unit
from cchc.reports import calendar, services
from cchc.reports.form_sets import load_shipped_form_set
from cchc.reports.models import Indicator, Report, ReportStatus
from cchc.test import build_world, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(live_server):
    """The province, its departments, two communes; a coordinator, Bình Giang's officer and leader;
    the shipped forms and the current period open for the communes."""
    build_world("dieuphoi", "canbo.binhgiang", "chutich.binhgiang")
    kind, year = calendar.period_for(timezone.localdate())
    period = services.open_period(load_shipped_form_set(year), kind, year, reporting_kinds=["commune", "ward"])
    return live_server.url, period


def field(page: Page, period, form: int, code: str):
    pk = Indicator.objects.get(form__form_set=period.form_set, form__number=form, code=code).pk
    return page.locator(f"[name=v{pk}]"), pk


def test_fill_submit_return_resubmit_approve_compile(page: Page, cast):
    base, period = cast
    report = Report.objects.get(period=period, unit__code="13531")
    percent = Indicator.objects.filter(form__form_set=period.form_set, kind="percent").order_by("form__number", "position").first()

    # The officer fills the report.
    sign_in(page, base, "canbo.binhgiang")
    page.goto(f"{base}/bao-cao/")
    expect(page.get_by_role("heading", name="Báo cáo định kỳ")).to_be_visible()
    page.get_by_role("link", name=period.label).click()
    expect(page.get_by_role("heading", name=f"Báo cáo CCHC {period.label}")).to_be_visible()
    documents, _ = field(page, period, 1, "1")
    documents.fill("25.898")
    planned, _ = field(page, period, 1, "2.1")
    planned.fill("12")
    done, _ = field(page, period, 1, "2.2")
    done.fill("9")
    ratio_pk = Indicator.objects.get(form__form_set=period.form_set, form__number=1, code="2").pk
    expect(page.locator(f"#ratio-{ratio_pk}")).to_have_text("75")  # recomputed by htmx while typing
    page.locator(f"[name=v{percent.pk}]").fill("124")
    page.get_by_label("I.1. Các hoạt động chỉ đạo, điều hành nổi bật").fill("Ban hành kế hoạch CCHC năm của xã.")
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.get_by_role("heading", name="Chưa lưu: 1 lỗi cần sửa")).to_be_visible()
    expect(page.locator("#loi")).to_contain_text("Tỷ lệ phải từ 0 đến 100 %, không nhận “124”")
    expect(documents).to_have_value("25.898")  # what was typed is kept
    page.locator(f"[name=v{percent.pk}]").fill("99,10")
    page.get_by_role("button", name="Lưu báo cáo").click()
    expect(page.get_by_text("Đã lưu báo cáo")).to_be_visible()
    expect(page.locator(f"#ratio-{ratio_pk}")).to_have_text("75")
    expect(documents).to_have_value("25.898")
    expect(page.locator(f"[name=v{percent.pk}]")).to_have_value("99,10")
    sign_out(page)

    # The leader submits.
    sign_in(page, base, "chutich.binhgiang")
    page.goto(f"{base}/bao-cao/{report.pk}/")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo lên cấp trên.")).to_be_visible()
    expect(page.locator(".rp-locked")).to_contain_text("đang chờ duyệt")
    sign_out(page)

    # The coordinator returns it with a comment, from the watch page's review queue.
    sign_in(page, base, "dieuphoi")
    page.goto(f"{base}/bao-cao/")
    page.get_by_role("link", name=period.label).click()
    expect(page.get_by_role("heading", name="Báo cáo chờ duyệt (1)")).to_be_visible()
    page.locator("#cho-duyet").get_by_role("link").first.click()
    page.get_by_label("Lý do trả lại").fill("Bổ sung số liệu Biểu mẫu 2.")
    page.get_by_role("button", name="Trả lại").click()
    expect(page.get_by_text("kèm ý kiến")).to_be_visible()
    sign_out(page)

    # The leader sees the comment and sends it again.
    sign_in(page, base, "chutich.binhgiang")
    page.goto(f"{base}/bao-cao/{report.pk}/")
    expect(page.locator(".rp-timeline")).to_contain_text("Bổ sung số liệu Biểu mẫu 2.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo lên cấp trên.")).to_be_visible()
    sign_out(page)

    # The coordinator approves, compiles the province's report and downloads it.
    sign_in(page, base, "dieuphoi")
    page.goto(f"{base}/bao-cao/{report.pk}/")
    page.get_by_role("button", name="Phê duyệt").click()
    expect(page.get_by_text("Đã phê duyệt báo cáo")).to_be_visible()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    page.goto(f"{base}/bao-cao/ky/{period.pk}/")
    page.get_by_role("button", name="Tổng hợp").click()
    expect(page.get_by_text("Đã tổng hợp báo cáo của UBND tỉnh Ninh Bình từ 1 báo cáo đã duyệt.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải DOCX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(Path(download.path()).read_bytes())).paragraphs)
    assert "BÁO CÁO" in text and "Ban hành kế hoạch CCHC năm của xã." in text


def test_coordinator_loads_forms_opens_a_period_watches_and_reminds(page: Page, cast):
    base, current = cast
    sign_in(page, base, "dieuphoi")
    page.goto(f"{base}/bao-cao/")
    page.get_by_role("link", name="Bộ biểu mẫu").click()
    page.get_by_role("link", name="+ Tải lên bộ biểu mẫu").click()
    from cchc.reports.form_sets import SHIPPED

    page.get_by_label("Tệp biểu mẫu").set_input_files(str(SHIPPED))
    page.get_by_label("Năm áp dụng").fill("2040")
    page.get_by_role("button", name="Tải lên và lưu").click()
    expect(page.get_by_text("7 biểu mẫu, 123 chỉ tiêu")).to_be_visible()
    expect(page.get_by_role("heading", name="Biểu mẫu 7.", exact=False)).to_be_visible()
    page.get_by_label("Sao chép sang năm").fill("2041")
    page.get_by_role("button", name="Sao chép bộ biểu mẫu").click()
    expect(page.get_by_text("Đã sao chép thành")).to_be_visible()

    # Open a period on the copied set; the second attempt is refused with the service's message.
    for attempt in range(2):
        page.goto(f"{base}/bao-cao/ky/mo/")
        page.get_by_label("Bộ biểu mẫu").select_option(label="Biểu mẫu thống kê số liệu báo cáo cải cách hành chính — năm 2041, phiên bản 1")
        page.get_by_label("Kỳ báo cáo").select_option("q1")
        page.locator("#id_year").fill("2041")
        page.get_by_label("Hạn các đơn vị gửi Sở Nội vụ").fill("12/03/2041")
        page.get_by_role("button", name="Mở kỳ báo cáo").click()
        if attempt == 0:
            expect(page.get_by_text("Đã mở kỳ Quý I năm 2041")).to_be_visible()
    expect(page.get_by_text("Kỳ báo cáo Quý I năm 2041 đã được mở.")).to_be_visible()

    # Watch the current period: filter by kind, then remind everyone missing in one action.
    page.goto(f"{base}/bao-cao/ky/{current.pk}/")
    expect(page.get_by_role("heading", name="Tình hình gửi báo cáo")).to_be_visible()
    page.get_by_label("Trạng thái").select_option("draft")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_role("link", name=Unit.objects.get(code="13531").display_name)).to_be_visible()
    page.get_by_role("button", name="Nhắc tất cả đơn vị chưa gửi").click()
    expect(page.get_by_text("đơn vị chưa gửi báo cáo (thông báo trong hệ thống")).to_be_visible()

    # The dashboard, filtered by period.
    page.get_by_role("link", name="Bảng điều khiển").click()
    expect(page.get_by_role("heading", name="Bảng điều khiển — UBND tỉnh Ninh Bình")).to_be_visible()
    page.get_by_label("Kỳ báo cáo").select_option(label="Quý I năm 2041")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_label("Kỳ báo cáo")).to_have_value(str(current.__class__.objects.get(year=2041).pk))
    expect(page.get_by_role("heading", name="Tiến độ nhiệm vụ theo nhóm")).to_be_visible()
