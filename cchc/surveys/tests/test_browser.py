"""The surveys in Debian's Chromium: a citizen answers by phone (360 px, no JavaScript) through the
link the unit's printed QR code encodes, and the officer sees the count go up; staff type 10 paper
forms with the keyboard only, and an out-of-range value is refused with nothing saved."""

import collections
import datetime
import io
import re

import pytest
import segno
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from cchc.core.tests.test_browser import cast  # noqa: F401 - the shared cast fixture
from cchc.surveys import services
from cchc.surveys.models import Answer, Channel, Response, Survey
from cchc.test import BINH_GIANG, sign_in, unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}
DUPLICATE = "Thiết bị này đã gửi phiếu cho đợt khảo sát hôm nay. Mỗi thiết bị chỉ gửi một phiếu mỗi ngày."


def _survey() -> Survey:
    """A SIPAS survey at Bình Giang's one-stop desk, open around today (as the demo builds it)."""
    today = timezone.localdate()
    q = services.load_questionnaire(services.national("sipas"), year=today.year)
    return Survey.objects.create(
        questionnaire=q, unit=unit(BINH_GIANG), desk="Bộ phận Một cửa xã Bình Giang",
        opens_on=today - datetime.timedelta(days=10), closes_on=today + datetime.timedelta(days=20), files_handled=500,
    )


def _svg_path(svg: str) -> str:
    return re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)


def test_a_citizen_answers_by_phone_through_the_qr_link(page: Page, browser: Browser, cast):
    survey = _survey()
    questions = services.questions_of(survey)
    for i in range(3):  # three sheets already in
        services.submit_online(survey, {q.code: "4" for q in questions}, device=f"{i:064d}", day=timezone.localdate())

    # The officer sees 3 sheets and prints the QR code; the link is the one printed under the code.
    sign_in(page, cast, "canbo.binhgiang")
    page.goto(f"{cast}/khao-sat/{survey.pk}/")
    expect(page.locator("#tien-do")).to_contain_text(re.compile(r"^\s*3 phiếu /"))
    page.get_by_role("link", name="In mã QR").click()
    expect(page.get_by_role("heading", name=survey.unit.name)).to_be_visible()
    link = page.locator("p", has_text="/khao-sat/p/").inner_text().strip()
    assert link.startswith(cast) and link.endswith(f"/khao-sat/p/{survey.token}/")
    # The printed code encodes exactly that link (segno draws the same modules for the same text).
    expected = io.BytesIO()
    segno.make(link, error="m").save(expected, kind="svg", scale=10, border=2, xmldecl=False)
    assert _svg_path(page.locator(".qr").inner_html()) == _svg_path(expected.getvalue().decode())

    # The citizen's phone: 360 px wide, JavaScript off.
    phone = browser.new_context(viewport=PHONE, java_script_enabled=False, is_mobile=True, has_touch=True)
    try:
        citizen = phone.new_page()
        citizen.goto(link)
        expect(citizen.get_by_role("heading", name=survey.questionnaire.title)).to_be_visible()
        expect(citizen.locator(".note")).to_contain_text("Không lưu thông tin cá nhân")
        chosen = {}
        fieldsets = citizen.locator("fieldset")
        expect(fieldsets).to_have_count(len(questions))
        for i, q in enumerate(questions):
            value = q.scale_max - i % 3  # 5, 4, 3, 5, 4, 3…
            fieldset = fieldsets.nth(i)
            expect(fieldset.locator("legend")).to_contain_text(f"{q.code}. {q.text}")
            fieldset.get_by_role("radio").nth(value - q.scale_min).check()
            chosen[q.code] = value
        citizen.get_by_role("button", name="Gửi phiếu").click()
        expect(citizen.get_by_role("heading", name="Cảm ơn Ông/Bà đã gửi phiếu")).to_be_visible()
        assert citizen.url.endswith(f"/khao-sat/p/{survey.token}/cam-on/")

        sheet = Response.objects.filter(survey=survey).exclude(device__in=[f"{i:064d}" for i in range(3)]).get()
        assert sheet.channel == Channel.ONLINE and sheet.day == timezone.localdate() and sheet.entered_by is None
        assert len(sheet.device) == 64  # a keyed hash, not the cookie itself
        assert dict(sheet.answers.values_list("question__code", "value")) == chosen

        # A second sheet the same day from the same phone is refused, in words, and not stored.
        citizen.goto(link)
        for i, q in enumerate(questions):
            citizen.locator("fieldset").nth(i).get_by_role("radio").first.check()
        citizen.get_by_role("button", name="Gửi phiếu").click()
        expect(citizen.get_by_role("alert")).to_have_text(DUPLICATE)
        assert Response.objects.filter(survey=survey).count() == 4
        assert Response.objects.filter(survey=survey, answers__value=1).count() == 0
    finally:
        phone.close()

    # No horizontal scroll at 360 px: measured with JavaScript on, same pages.
    measure = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        probe = measure.new_page()
        for url in (link, link + "cam-on/"):
            probe.goto(url)
            width = probe.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
            assert width <= PHONE["width"], (url, width)
    finally:
        measure.close()

    # The officer's count went up by one.
    page.goto(f"{cast}/khao-sat/{survey.pk}/")
    expect(page.locator("#tien-do")).to_contain_text(re.compile(r"^\s*4 phiếu /"))
    expect(page.locator("#tien-do")).not_to_contain_text("phiếu giấy")


def _type_row(page: Page, values: list[int]) -> None:
    for value in values:
        page.keyboard.type(str(value))
        page.keyboard.press("Tab")


def test_staff_enter_ten_paper_forms_with_the_keyboard_only(page: Page, cast):
    survey = _survey()
    questions = services.questions_of(survey)
    sign_in(page, cast, "canbo.binhgiang")
    page.goto(f"{cast}/khao-sat/{survey.pk}/")
    page.get_by_role("link", name="Nhập phiếu giấy").click()
    expect(page.get_by_role("heading", name="Nhập phiếu giấy")).to_be_visible()
    expect(page.get_by_label(f"Phiếu 10, câu {questions[-1].code}")).to_be_visible()

    rows = [[1 + (r + j) % 5 for j in range(len(questions))] for r in range(10)]
    page.get_by_label(f"Phiếu 1, câu {questions[0].code}").focus()  # the only pointer-free start
    for r, values in enumerate(rows):
        if r < 9:
            _type_row(page, values)
        else:  # the last cell: Enter submits the grid
            _type_row(page, values[:-1])
            page.keyboard.type(str(values[-1]))
            page.keyboard.press("Enter")
    expect(page.locator(".msg.success")).to_contain_text("Đã lưu 10 phiếu giấy.")

    saved = Response.objects.filter(survey=survey)
    assert saved.count() == 10
    assert set(saved.values_list("channel", "entered_by__username", "day", "device")) == {
        (Channel.PAPER, "canbo.binhgiang", timezone.localdate(), "")
    }
    typed = collections.Counter((q.code, v) for values in rows for q, v in zip(questions, values, strict=True))
    stored = collections.Counter(Answer.objects.filter(response__survey=survey).values_list("question__code", "value"))
    assert stored == typed

    # The results page shows the new count (and that they are paper sheets).
    page.goto(f"{cast}/khao-sat/{survey.pk}/")
    expect(page.locator("#tien-do")).to_contain_text(re.compile(r"^\s*10 phiếu \(10 phiếu giấy\) /"))
    expect(page.get_by_role("row", name=re.compile(rf"^{re.escape(questions[0].code)}\. "))).to_contain_text("10")


def test_a_paper_row_out_of_range_is_refused_with_nothing_saved(page: Page, cast):
    survey = _survey()
    questions = services.questions_of(survey)
    bad = next(i for i, q in enumerate(questions) if q.code == "2.3")
    sign_in(page, cast, "canbo.binhgiang")
    page.goto(f"{cast}/khao-sat/{survey.pk}/phieu-giay/")
    page.get_by_label(f"Phiếu 1, câu {questions[0].code}").focus()
    good = [4] * len(questions)
    _type_row(page, good)
    row = [4] * len(questions)
    row[bad] = 7
    _type_row(page, row[:-1])
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text("Phiếu 2 – Câu 2.3: mức 7 nằm ngoài thang 1–5.")
    assert not Response.objects.filter(survey=survey).exists()
    assert not Answer.objects.filter(response__survey=survey).exists()
    # What was typed stays in the grid, to be corrected.
    expect(page.get_by_label("Phiếu 2, câu 2.3")).to_have_value("7")
    expect(page.get_by_label(f"Phiếu 1, câu {questions[0].code}")).to_have_value("4")
