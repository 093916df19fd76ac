"""A coordinator imports a plan in the browser; a commune officer records a task done with evidence."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cchc.core.tests.test_browser import cast  # noqa: F401 - the shared cast fixture
from cchc.orgs.models import Unit
from cchc.test import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = Path(__file__).parent.parent / "demo"  # the five seed plans, also the demo data


@pytest.fixture
def immediate_tasks(settings):
    # The live server runs the background job at once; the queue and its worker are tested apart.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_import_preview_confirm_and_record_progress(page: Page, cast, immediate_tasks, browser):
    sign_in(page, cast, "dieuphoi")
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="+ Nhập kế hoạch từ tệp").click()
    page.get_by_label("Tệp kế hoạch").set_input_files(str(next(SEEDS.glob("004_*.txt"))))
    page.get_by_role("button", name="Đọc tệp").click()

    expect(page.get_by_role("heading", name="Nhiệm vụ (48)")).to_be_visible()
    expect(page.get_by_text("Chưa có gì được lưu.", exact=False)).to_be_visible()
    expect(page.locator("table.tasks")).to_contain_text("Ban hành và tổ chức thực hiện Kế hoạch cải cách hành chính")
    page.get_by_label("Đơn vị ban hành").select_option(label=Unit.objects.get(code="37").name)
    page.get_by_role("button", name="Xác nhận và lưu").click()

    expect(page.locator(".msg.success")).to_have_text("Đã lưu kế hoạch với 48 nhiệm vụ.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cải cách hành chính tỉnh Ninh Bình 6 tháng cuối năm 2025")
    expect(page.locator("table.tasks")).to_contain_text("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải DOCX").click()
    assert download.value.suggested_filename.endswith(".docx")

    officer_context = browser.new_context()
    officer = officer_context.new_page()
    sign_in(officer, cast, "canbo.binhgiang")
    officer.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    expect(officer.get_by_role("heading", name="Việc của đơn vị tôi")).to_be_visible()
    officer.get_by_role("link", name="I.1 Ban hành và tổ chức thực hiện").first.click()
    officer.get_by_label("Tiến độ").select_option("done")
    officer.get_by_role("button", name="Cập nhật").click()
    expect(officer.get_by_role("alert")).to_contain_text("Cần có minh chứng")
    officer.get_by_label("Tiến độ").select_option("done")
    officer.get_by_label("Số văn bản minh chứng").fill("12/KH-UBND")
    officer.get_by_role("button", name="Cập nhật").click()
    expect(officer.locator(".msg.success")).to_contain_text("Đã cập nhật")
    expect(officer.get_by_text("Văn bản số 12/KH-UBND")).to_be_visible()
    officer_context.close()  # no request of this second browser may outlive the test


def test_a_plan_of_another_province_is_read_as_ours_and_its_names_taught(page: Page, cast, immediate_tasks, tmp_path):
    from cchc.plans.tests.test_name_mapping import FOREIGN

    plan_file = tmp_path / "ke-hoach-lam-dong.txt"
    plan_file.write_text(FOREIGN, encoding="utf-8")
    sign_in(page, cast, "dieuphoi")
    page.goto(f"{cast}/ke-hoach/nhap/")
    page.get_by_label("Tệp kế hoạch").set_input_files(str(plan_file))
    page.get_by_role("button", name="Đọc tệp").click()

    expect(page.get_by_role("heading", name="Nhận diện tên đơn vị (4 tên)")).to_be_visible()
    expect(page.locator("#tom-tat-giao-viec")).to_contain_text("Xác nhận sẽ tạo 0 lượt giao việc")
    page.get_by_label("Đọc như văn bản của đơn vị").select_option(label=Unit.objects.get(code="37").name)
    page.get_by_role("button", name="Đọc lại", exact=True).click()
    expect(page.locator(".msg.success")).to_contain_text("còn 2 tên đơn vị chưa nhận diện (trước đó 4)")

    page.get_by_label("Đài truyền thanh cơ sở").fill("UBND cấp xã")
    page.get_by_label("Trung tâm Văn hóa Nghệ thuật Đà Lạt").fill("Sở Văn hóa và Thể thao")
    page.get_by_role("button", name="Ghi nhận và đọc lại").click()
    expect(page.locator(".msg.success")).to_contain_text("2 tên nay đã nhận diện được. Còn 0 tên chưa nhận diện.")
    expect(page.locator("#nhan-dien-ten")).to_have_count(0)

    page.get_by_label("Đơn vị ban hành").select_option(label=Unit.objects.get(code="37").name)
    expect(page.locator("#tom-tat-giao-viec")).to_contain_text("lượt giao việc cho")
    page.get_by_role("button", name="Xác nhận và lưu").click()
    expect(page.locator(".msg.success")).to_have_text("Đã lưu kế hoạch với 4 nhiệm vụ.")
    expect(page.locator(".msg.info").first).to_contain_text("lượt giao việc cho")
