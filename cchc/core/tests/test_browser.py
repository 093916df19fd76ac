"""End-to-end in Debian's Chromium (Playwright): sign in, browse the tree, be refused elsewhere."""

import importlib
import re
from pathlib import Path

from django.apps import apps as django_apps

import pytest
from playwright.sync_api import Page, expect

from cchc.documents.tables import read_table
from cchc.orgs import services
from cchc.orgs.models import Role, Unit, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = Path(services.__file__).parent / "demo"
PASSWORD = "Mat-khau-thu-2025"


@pytest.fixture
def cast(live_server):
    """The province, its departments and two communes, with one person per side."""
    # Transactional tests empty the tables after each test, the default groups included.
    groups = importlib.import_module("cchc.orgs.migrations.0002_default_groups")
    groups.create_groups(django_apps, None)
    province = read_table((DEMO / "province.csv").read_bytes(), "province.csv")
    communes = [
        row for row in read_table((DEMO / "communes.csv").read_bytes(), "communes.csv")
        if row["Mã"].split(".")[0] in {"13531", "13285"}
    ]
    assert services.units_import(province).ok and services.units_import(communes).ok
    for username, name, code, role in [
        ("dieuphoi", "Trần Thị Thu Hà", "37.SNV.CCHC", Role.COORDINATOR),
        ("canbo.binhgiang", "Vũ Thị Lan", "13531", Role.OFFICER),
    ]:
        # The first transactional test still sees the session's demo data; later ones do not.
        person = User.objects.filter(username=username).first()
        if person is None:
            services.person_create(username=username, full_name=name, email="", password=PASSWORD,
                                   unit=Unit.objects.get(code=code), role=role)
        else:
            person.set_password(PASSWORD)
            person.save()
    return live_server.url


def sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


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
    # Areas still to come are shown but not linked.
    expect(page.locator(".mainnav .soon", has_text="Tuyên truyền")).to_have_attribute("aria-disabled", "true")
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
