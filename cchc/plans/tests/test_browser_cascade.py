"""The cascade in the browser: the coordinator asks, a commune issues its plan from the ready draft."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from cchc.core.tests.test_browser import cast  # noqa: F401 - the shared cast fixture
from cchc.orgs.models import Unit
from cchc.plans import services
from cchc.test import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = Path(__file__).parent.parent / "demo"


def test_coordinator_requests_plans_and_a_commune_issues_its_draft(page: Page, cast, browser):
    importlib.import_module("cchc.orgs.migrations.0002_default_groups").create_groups(django_apps, None)
    path = next(SEEDS.glob("001_*.txt"))
    parent = services.plan_save(parsed=services.plan_parse(path.read_bytes(), path.name), unit=Unit.objects.get(code="37"))

    sign_in(page, cast, "dieuphoi")
    page.goto(f"{cast}/ke-hoach/{parent.pk}/")
    page.get_by_role("link", name="Yêu cầu đơn vị xây dựng kế hoạch").click()
    page.get_by_label("UBND cấp xã").check()
    page.get_by_label("Hạn ban hành").fill("31/12/2030")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    # Two communes in the cast, or all 129 when the session's demo tree is still loaded.
    expect(page.locator(".msg.success")).to_contain_text(re.compile(r"Đã yêu cầu (2|129) đơn vị"))
    expect(page.get_by_role("cell", name="Ủy ban nhân dân xã Bình Giang")).to_be_visible()

    context = browser.new_context()
    officer = context.new_page()
    sign_in(officer, cast, "canbo.binhgiang")
    officer.goto(f"{cast}/ke-hoach/xay-dung/")
    officer.get_by_role("link", name="Ủy ban nhân dân xã Bình Giang").click()
    expect(officer.get_by_role("heading", name="Dự thảo soạn sẵn")).to_be_visible()
    expect(officer.get_by_label("Căn cứ, thực hiện")).to_contain_text("Thực hiện Kế hoạch")
    officer.get_by_label("Số kế hoạch (khi ban hành)").fill("07/KH-UBND")
    officer.once("dialog", lambda dialog: dialog.accept())
    officer.get_by_role("button", name="Ban hành kế hoạch").click()
    expect(officer.locator(".messages .msg.success")).to_have_text("Đã ban hành kế hoạch của đơn vị.")
    expect(officer.get_by_text("Đối chiếu với kế hoạch cấp trên")).to_be_visible()
    context.close()

    page.reload()
    expect(page.get_by_text("Đã ban hành đúng hạn").first).to_be_visible()
