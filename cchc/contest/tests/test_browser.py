"""In Debian's Chromium: a citizen registers on a phone-sized screen, sits a round and sees the result."""

import re

import pytest
from playwright.sync_api import Page, expect

from cchc.contest.models import Attempt, Participant
from cchc.test import build_world

from .factories import make_contest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(live_server):
    build_world("dieuphoi")
    contest, round_ = make_contest(questions=12, questions_count=6)
    return live_server.url, contest, round_


def test_a_citizen_registers_answers_a_round_and_sees_the_result(page: Page, cast):
    base, contest, round_ = cast
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/cuoc-thi/{contest.slug}/")
    expect(page.get_by_role("heading", name=contest.title)).to_be_visible()
    page.get_by_label("Họ và tên").fill("Phạm Thị Thu")
    page.get_by_label("Số điện thoại").fill("+84 987 654 321")
    page.get_by_label("Địa chỉ nơi ở").fill("Thôn Đông, xã Bình Giang")
    page.get_by_role("button", name="Đăng ký dự thi").click()
    expect(page.get_by_text("Đã đăng ký dự thi: Phạm Thị Thu.")).to_be_visible()
    page.get_by_role("button", name="Vào thi đợt 1").click()
    expect(page.get_by_role("heading", name="Đợt 1: bài thi của Phạm Thị Thu")).to_be_visible()
    expect(page.locator("fieldset")).to_have_count(7)  # 6 questions and the prediction
    for label in page.locator("label", has_text=re.compile(r"^\s*Phương án A của câu")).all():
        label.click()
    for label in page.locator("label:has(input[type=checkbox])", has_text="Phương án C").all():
        label.click()
    page.get_by_label("Số người dự đoán").fill("25")
    page.get_by_role("button", name="Nộp bài").click()
    expect(page.get_by_role("heading", name="Kết quả bài thi")).to_be_visible()
    expect(page.locator("#diem")).to_have_text("6/6")
    expect(page.get_by_text("098****321")).to_be_visible()
    person = Participant.objects.get(contest=contest)
    assert person.phone == "0987654321"
    attempt = Attempt.objects.get(participant=person)
    assert (attempt.score, attempt.prediction, attempt.counted) == (6, 25, True)
    # Back on the contest page the attempt is listed with its score.
    page.get_by_role("link", name="Quay lại trang cuộc thi").click()
    expect(page.get_by_role("link", name="6/6 câu đúng")).to_be_visible()
