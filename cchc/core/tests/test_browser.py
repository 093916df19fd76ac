"""End-to-end in Debian's Chromium (Playwright): sign in, browse the tree, be refused elsewhere."""

import re

import pytest
from playwright.sync_api import Page, expect

from cchc.test import BROWSER_PASSWORD as PASSWORD
from cchc.test import build_world, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(live_server):
    """The province, its departments and two communes, with one person per side."""
    build_world("dieuphoi", "canbo.binhgiang")
    return live_server.url


def test_coordinator_browses_the_tree_and_opens_a_unit(page: Page, cast):
    sign_in(page, cast, "dieuphoi")
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible()
    page.get_by_role("link", name="Đơn vị", exact=True).click()
    expect(page.get_by_role("heading", name="Cơ quan, đơn vị")).to_be_visible()
    # Sở Nội vụ's offices load on demand when its node is opened.
    node = page.locator("details", has=page.get_by_role("link", name="Sở Nội vụ", exact=True))
    node.locator("summary").click()
    office = page.get_by_role("link", name="Văn phòng Sở Nội vụ")
    expect(office).to_be_visible()
    office.click()
    expect(page.get_by_role("heading", name="Văn phòng Sở Nội vụ")).to_be_visible()
    expect(page.locator(".breadcrumbs")).to_contain_text("Sở Nội vụ")


def test_search_without_diacritics_finds_the_commune(page: Page, cast):
    sign_in(page, cast, "dieuphoi")
    page.goto(f"{cast}/don-vi/")
    page.get_by_label("Tìm đơn vị").fill("binh giang")
    result = page.locator("#ket-qua")
    expect(result.get_by_role("link", name="Ủy ban nhân dân xã Bình Giang")).to_be_visible()
    expect(result).not_to_contain_text("Phủ Lý")
    expect(page).to_have_url(re.compile(r"q=binh"))


def test_coordinator_adds_a_person_to_a_commune(page: Page, cast):
    sign_in(page, cast, "dieuphoi")
    page.goto(f"{cast}/don-vi/13285/")
    page.get_by_role("link", name="+ Thêm người dùng").click()
    page.get_by_label("Tên đăng nhập").fill("canbo.moi")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Mới")
    page.get_by_label("Mật khẩu ban đầu").fill("Mot-mat-khau-dai-2025")
    page.get_by_label("Vai trò").select_option("officer")
    page.get_by_role("button", name="Thêm").click()
    expect(page.locator(".msg.success")).to_have_text("Đã thêm Nguyễn Thị Mới vào Phường Phủ Lý.")
    expect(page.get_by_role("cell", name="Nguyễn Thị Mới")).to_be_visible()


def test_commune_officer_sees_own_workspace_and_is_refused_another(page: Page, cast):
    sign_in(page, cast, "canbo.binhgiang")
    expect(page.get_by_role("heading", name="Ủy ban nhân dân xã Bình Giang")).to_be_visible()
    expect(page.get_by_role("cell", name="Vũ Thị Lan")).to_be_visible()
    expect(page.get_by_role("link", name="Sửa")).to_have_count(0)
    # Every area of the product is in the main navigation.
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    for label in ("Kế hoạch", "Nhiệm vụ", "Tuyên truyền", "Báo cáo", "Chỉ số CCHC", "Cổng thông tin"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    nav.get_by_role("link", name="Báo cáo", exact=True).click()
    expect(nav.get_by_role("link", name="Báo cáo", exact=True)).to_have_attribute("aria-current", "page")
    response = page.goto(f"{cast}/don-vi/13285/")
    assert response.status == 404
    response = page.goto(f"{cast}/don-vi/13531/sua/")
    assert response.status == 403
    page.goto(f"{cast}/don-vi/")
    expect(page.locator("#ket-qua")).not_to_contain_text("Sở Nội vụ")


def test_anonymous_visitor_is_sent_to_login_and_back(page: Page, cast):
    page.goto(f"{cast}/don-vi/13531/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill("canbo.binhgiang")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{cast}/don-vi/13531/")


def test_repeated_wrong_passwords_lock_the_login(page: Page, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(page, cast, "dieuphoi", "sai-mat-khau")
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    sign_in(page, cast, "dieuphoi", "sai-mat-khau")  # the last allowed failure locks the account
    sign_in(page, cast, "dieuphoi")  # …so even the right password is refused for a while
    expect(page.get_by_role("alert")).to_contain_text("Tài khoản đã bị tạm khóa")
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
