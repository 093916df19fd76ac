"""Portal articles recorded as activities through the portal's signal (no portal models needed)."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.dispatch import Signal
from django.utils import timezone

from cchc.comms.apps import RECEIVER_UID, connect_portal_signal
from cchc.comms.models import Activity
from cchc.comms.services import portal_article_recorded
from cchc.test import BINH_GIANG, unit, user

pytestmark = pytest.mark.django_db


def article(pk=41, record=True, **extra):
    fields = {
        "pk": pk, "unit": unit(BINH_GIANG), "author": user("canbo.binhgiang"),
        "title": "Xã Bình Giang giải quyết TTHC đúng hạn",
        "published_at": timezone.make_aware(datetime.datetime(2026, 3, 9, 23, 30)), "record_as_activity": record,
        "get_absolute_url": lambda: f"/cai-cach-hanh-chinh/tin/{pk}/",
    }
    return SimpleNamespace(**{**fields, **extra})


def portal_signal() -> Signal:
    try:
        return importlib.import_module("cchc.portal.signals").article_published
    except (ImportError, AttributeError):
        pytest.skip("cchc.portal.signals chưa có")


def test_publishing_records_one_portal_news_activity_and_never_twice():
    signal = portal_signal()
    assert connect_portal_signal()  # connected at start-up; connecting again adds nothing
    signal.send(sender=SimpleNamespace, article=article())
    signal.send(sender=SimpleNamespace, article=article())
    activity = Activity.objects.get()
    assert (activity.channel, activity.quantity, activity.unit.code) == ("portal", 1, BINH_GIANG)
    assert activity.link == settings.SITE_URL + "/cai-cach-hanh-chinh/tin/41/"
    assert activity.source_key == "portal.article:41"
    assert activity.date == datetime.date(2026, 3, 9)  # the local (Asia/Ho_Chi_Minh) day
    assert activity.created_by.username == "canbo.binhgiang"


def test_an_article_not_to_be_recorded_records_nothing():
    portal_signal().send(sender=SimpleNamespace, article=article(record=False))
    assert not Activity.objects.exists()


def test_the_receiver_works_on_any_signal_and_refreshes_the_title():
    """Independent of the portal: a stand-in signal connected the same way."""
    stand_in = Signal()
    stand_in.connect(portal_article_recorded, dispatch_uid=RECEIVER_UID, weak=False)
    stand_in.send(sender=SimpleNamespace, article=article(pk=7))
    stand_in.send(sender=SimpleNamespace, article=article(pk=7, title="Tiêu đề đã sửa"))
    assert Activity.objects.get().title == "Tiêu đề đã sửa"
    stand_in.send(sender=SimpleNamespace, article=article(pk=8))
    assert Activity.objects.count() == 2
