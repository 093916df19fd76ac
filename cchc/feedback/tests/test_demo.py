"""The demo data: a dozen items about Bình Giang and Phủ Lý, most answered, loaded twice without duplicates."""

import pytest
from django.test import Client

from cchc.feedback import demo
from cchc.feedback.models import Feedback
from cchc.feedback.services import PHONE_MASK

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_shows_in_public():
    summary = demo.load_demo()
    assert summary.startswith("Phản ánh, kiến nghị: 12 phản ánh (12 mới), 9 đã trả lời")
    assert demo.load_demo().startswith("Phản ánh, kiến nghị: 12 phản ánh (0 mới)")
    assert set(Feedback.objects.values_list("place__code", flat=True)) == {"13531", "13285"}
    land = Feedback.objects.get(category__slug="dat-dai")
    assert [r.to_unit.code for r in land.routes.all()] == ["13531", "37.SNNMT", "13531"]
    page = Client().get("/phan-anh/").content.decode()
    assert "9 phản ánh đã được trả lời" in page and "0987 000 202" not in page and PHONE_MASK in page


def test_demo_answers_are_in_the_past_and_one_is_late():
    from django.utils import timezone

    demo.load_demo()
    answered = Feedback.objects.filter(answered_at__isnull=False)
    assert all(f.answered_at <= timezone.now() for f in answered)
    assert sum(f.answered_on > f.deadline for f in answered) == 1
