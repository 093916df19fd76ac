"""The feedback chain in Debian's Chromium: a citizen on a 360 px phone (JavaScript off) sends feedback
with a phone number in the text and gets the tracking code; Bình Giang's officer signs in and answers;
the public tracking page shows the answer with the phone number masked and takes the citizen's word;
Phủ Lý's officer cannot open the item (404); no horizontal scroll at 360 px."""

import pytest
from playwright.sync_api import Browser, Page, expect

from cchc.core.tests.test_browser import cast  # noqa: F401 - the shared cast fixture
from cchc.feedback import services
from cchc.feedback.models import Feedback, Status
from cchc.feedback.services import PHONE_MASK
from cchc.test import BROWSER_PASSWORD, PHU_LY, sign_in, unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}


def _phuly_officer():
    from django.contrib.auth import get_user_model

    from cchc.orgs import services as org_services

    person = get_user_model().objects.filter(username="canbo.phuly").first()
    if person is not None:  # the first transactional test still sees the session's demo people
        person.set_password(BROWSER_PASSWORD)
        person.save()
        return
    org_services.person_create(username="canbo.phuly", full_name="Lê Thị Mai", email="", password=BROWSER_PASSWORD,
                               unit=unit(PHU_LY), role="officer")


def test_citizen_files_on_a_phone_the_unit_answers_the_public_sees_it_masked(page: Page, browser: Browser, cast):  # noqa: F811
    services.sync_categories()
    _phuly_officer()
    phone = browser.new_context(viewport=PHONE, java_script_enabled=False, is_mobile=True, has_touch=True)
    try:
        citizen = phone.new_page()
        citizen.goto(f"{cast}/phan-anh/gui/")
        expect(citizen.get_by_role("heading", name="Gửi phản ánh, kiến nghị")).to_be_visible()
        citizen.get_by_label("Lĩnh vực *").select_option(label="Thủ tục hành chính cấp xã")
        citizen.get_by_label("Xã, phường nơi phát sinh *").select_option(label="Xã Bình Giang")
        citizen.get_by_label("Tiêu đề *").fill("Hồ sơ chứng thực trả chậm")
        citizen.get_by_label("Nội dung phản ánh, kiến nghị *").fill(
            "Tôi nộp hồ sơ chứng thực bản sao ngày 01/12, đến nay chưa có kết quả. Xin gọi 0912 345 678.")
        citizen.get_by_label("Số điện thoại").fill("0912345678")
        citizen.get_by_role("button", name="Gửi phản ánh").click()
        expect(citizen.locator(".fb-new")).to_contain_text("Mã tra cứu của Ông/Bà")
        code = citizen.locator("#ma-tra-cuu").inner_text().strip()
        item = Feedback.objects.get()
        assert code == item.code and item.unit.code == "13531" and item.phone == "0912345678"
        tracking = f"{cast}/phan-anh/{code}/"
        expect(citizen.locator(".fb-text").first).to_contain_text(PHONE_MASK)
        expect(citizen.locator("body")).not_to_contain_text("0912 345 678")

        # The Bình Giang officer signs in, finds it in the list and answers it.
        sign_in(page, cast, "canbo.binhgiang")
        page.goto(f"{cast}/phan-anh/xu-ly/")
        page.get_by_role("link", name=code).click()
        expect(page.locator("body")).to_contain_text("0912 345 678")  # the unit sees what was sent
        page.get_by_label("Nội dung trả lời").fill("Xã đã gọi lại cho ông theo số 0912 345 678; kết quả chứng thực đã trả ngày 05/12.")
        page.get_by_role("button", name="Gửi trả lời").click()
        expect(page.locator("body")).to_contain_text("Đã trả lời; câu trả lời đã được công bố")
        item.refresh_from_db()
        assert item.status == Status.ANSWERED

        # The public tracking page: the answer, masked; the citizen says it is resolved.
        citizen.goto(tracking)
        answer = citizen.locator("#tra-loi")
        expect(answer).to_contain_text("Trả lời của Xã Bình Giang")
        expect(answer).to_contain_text(f"Xã đã gọi lại cho ông theo số {PHONE_MASK}; kết quả chứng thực đã trả ngày 05/12.")
        expect(citizen.locator("body")).not_to_contain_text("0912")
        citizen.get_by_role("button", name="Đã được giải quyết").click()
        expect(citizen.locator(".fb-status")).to_have_text("Đã giải quyết xong")
        item.refresh_from_db()
        assert item.citizen_resolved is True
        citizen.goto(f"{cast}/phan-anh/")
        expect(citizen.locator(".fb-item")).to_have_count(1)
        expect(citizen.locator(".fb-item")).to_contain_text(PHONE_MASK)
    finally:
        phone.close()

    # Phủ Lý's officer cannot open Bình Giang's item.
    other = browser.new_context()
    try:
        officer = other.new_page()
        sign_in(officer, cast, "canbo.phuly")
        response = officer.goto(f"{cast}/phan-anh/xu-ly/{item.pk}/")
        assert response.status == 404
        officer.goto(f"{cast}/phan-anh/xu-ly/")
        expect(officer.locator("body")).not_to_contain_text(code)
    finally:
        other.close()

    # No horizontal scroll at 360 px (measured with JavaScript on).
    measure = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        probe = measure.new_page()
        for url in (f"{cast}/phan-anh/gui/", tracking, f"{cast}/phan-anh/"):
            probe.goto(url)
            width = probe.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
            assert width <= 360, (url, width)
    finally:
        measure.close()
