"""In the browser: the coordinator builds every unit's draft at once, watches the bar, downloads the ZIP."""

import datetime
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cchc.core.tests.test_browser import cast  # noqa: F401 - the shared cast fixture
from cchc.orgs.models import Unit
from cchc.plans import cascade, services
from cchc.test import BINH_GIANG, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = Path(__file__).parent.parent / "demo"


def test_coordinator_builds_all_drafts_and_downloads_the_zip(page: Page, cast, tmp_path):
    path = next(SEEDS.glob("001_*.txt"))
    parent = services.plan_save(parsed=services.plan_parse(path.read_bytes(), path.name), unit=Unit.objects.get(code="37"))
    units = list(Unit.objects.filter(code__in=[BINH_GIANG, "37.SNV"]))
    plan_request = cascade.request_create(parent=parent, units=units, deadline=datetime.date(2030, 12, 31))

    sign_in(page, cast, "dieuphoi")
    page.goto(f"{cast}/ke-hoach/yeu-cau/{plan_request.pk}/")
    page.get_by_role("button", name="Tạo dự thảo cho tất cả đơn vị").click()
    # The test queue runs the job at once; a real worker fills the bar while the page polls.
    expect(page).to_have_url(re.compile(r"/cong-viec/\d+/$"))
    expect(page.get_by_role("progressbar", name="Tiến độ công việc")).to_have_attribute("value", "100")
    expect(page.locator("[data-progress]")).to_contain_text("100% · 2/2")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Tải về du-thao-ke-hoach-")).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"du-thao-ke-hoach-{plan_request.pk}.zip"
    assert sorted(zipfile.ZipFile(saved).namelist()) == sorted(cascade.draft_file_name(u) for u in units)
