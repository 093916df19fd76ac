"""The plan's progress in public, in Debian's Chromium: a citizen on a 360 px phone without
JavaScript finds it from the section's menu, opens a task group, and sees a unit's report move it."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Browser, expect

from cchc.core.tests.test_browser import cast  # noqa: F401 - the shared cast fixture
from cchc.plans.models import Assignment, AssignmentRole, Plan, PlanKind, Progress, Task
from cchc.test import BINH_GIANG, PHU_LY, unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}


def test_a_citizen_follows_the_plan_on_a_phone(browser: Browser, cast):  # noqa: F811
    today = timezone.localdate()
    plan = Plan.objects.create(unit=unit("37"), title="Kế hoạch cải cách hành chính tỉnh năm nay", number="15/KH-UBND",
                               kind=PlanKind.REFORM, issued_on=today - datetime.timedelta(days=30),
                               period_start=today - datetime.timedelta(days=60), period_end=today + datetime.timedelta(days=300))
    task = Task.objects.create(plan=plan, group_code="III", group_title="Cải cách thủ tục hành chính", number="1",
                               title="Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", order=1)
    done = Assignment.objects.create(task=task, unit=unit(BINH_GIANG), role=AssignmentRole.LEAD,
                                     due_date=today + datetime.timedelta(days=20))
    Assignment.objects.create(task=task, unit=unit(PHU_LY), role=AssignmentRole.LEAD, due_date=today + datetime.timedelta(days=20),
                              progress=Progress.DONE, completed_on=today)
    phone = browser.new_context(viewport=PHONE, java_script_enabled=False, is_mobile=True, has_touch=True)
    try:
        page = phone.new_page()
        page.goto(f"{cast}/cai-cach-hanh-chinh/")
        page.get_by_role("link", name="Tiến độ kế hoạch").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Tiến độ thực hiện kế hoạch cải cách hành chính")
        expect(page.get_by_role("heading", name="Kế hoạch cải cách hành chính tỉnh năm nay")).to_be_visible()
        expect(page.locator(".pt-acc-big strong")).to_have_text("50,0 %")
        page.get_by_text("Cách tính tiến độ").click()
        expect(page.get_by_text("chưa thực hiện 0 %, đang thực hiện 50 %, hoàn thành 100 %")).to_be_visible()
        group = page.locator("details.pt-acc-group")
        expect(group.get_by_text("Số hóa hồ sơ")).to_be_hidden()
        group.locator("summary").click()  # <details> opens without JavaScript
        expect(group.get_by_text("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính")).to_be_visible()
        expect(group.get_by_text("1/2 đơn vị hoàn thành")).to_be_visible()
        expect(page.get_by_role("cell", name=unit(PHU_LY).name)).to_be_visible()
        width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        assert width <= PHONE["width"], width  # no horizontal scroll at 360 px
        # Bình Giang reports its part done: the page says so once its minute in the cache is over.
        done.progress, done.completed_on = Progress.DONE, today
        done.save()
        cache.clear()  # stands for the minute passing
        page.reload()
        expect(page.locator(".pt-acc-big strong")).to_have_text("100,0 %")
    finally:
        phone.close()
