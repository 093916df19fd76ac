import pytest

from cchc.contest import demo, services
from cchc.contest.models import Attempt, Contest, Question

pytestmark = pytest.mark.django_db


def test_demo_contest_is_loaded_once_with_a_published_round():
    demo.load_demo()
    before = Attempt.objects.count()
    summary = demo.load_demo()  # a second run changes nothing
    assert Attempt.objects.count() == before
    contest = Contest.objects.get(slug=demo.SLUG)
    assert contest.title == "Tìm hiểu về cải cách hành chính tỉnh Ninh Bình năm 2026"
    assert summary.startswith("contest: “Tìm hiểu") and f"{contest.participants.count()} participants" in summary
    assert Question.objects.filter(contest=contest).count() == len(demo.QUESTIONS) >= 30
    assert all(q.choices.filter(correct=True).exists() for q in contest.questions.all())
    first, second = contest.rounds.order_by("number")
    assert first.results_published and not second.results_published
    assert services.participants_count(first) > 200
    won = services.prizes(first)
    assert len(won) == 11 and won[0][0] == "Giải Nhất"
    assert won[0][2].score >= won[-1][2].score


def test_demo_contest_page_answers(client):
    demo.load_demo()
    page = client.get(f"/cuoc-thi/{demo.SLUG}/")
    assert page.status_code == 200 and "Đang mở" in page.content.decode()
    results = client.get(f"/cuoc-thi/{demo.SLUG}/dot-1/ket-qua/").content.decode()
    assert "Giải Nhất" in results and "Giải tập thể" in results
