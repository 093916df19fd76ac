"""Report form 3 item 3.3 (PAKN về quy định TTHC) read from the feedback records: 3.3.1 received,
3.3.2 handled, 3.3 their ratio. The entries are applied to `reports/data/4625.json` by the
coordinator (see /tmp/patches/feedback_4625.md); until then the mapping is patched in for the first
test and the second one is skipped."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cchc.feedback import services
from cchc.reports import live
from cchc.reports import services as report_services
from cchc.reports.form_sets import indicators_of, load_shipped_form_set
from cchc.reports.models import PeriodKind, Report
from cchc.test import BINH_GIANG, PHU_LY, unit

from .util import values

pytestmark = pytest.mark.django_db

ENTRIES = {
    "3/3.3.1": {"query": "feedback", "params": {"measure": "received", "about": "procedures"}, "province": True},
    "3/3.3.2": {"query": "feedback", "params": {"measure": "handled", "about": "procedures"}, "province": True},
}


@pytest.fixture
def period():
    year = timezone.localdate().year
    far = datetime.date(2099, 1, 1)
    return report_services.open_period(load_shipped_form_set(year), PeriodKind.YEAR, year, unit_due=far, locked_on=far)


def figures(report) -> dict:
    indicators = list(indicators_of(report.period.form_set))
    cells = live.cells(report, indicators)
    return {f"{i.form.number}/{i.code}": cells[i.pk].value for i in indicators}


def _feed(categories):
    items = [services.submit(values()) for _ in range(3)]
    services.submit(values(category="dat-dai"))  # not about procedures: not in 3.3
    services.submit(values(place=PHU_LY))
    services.answer(items[0], "Đã trả kết quả.")
    services.hide(items[2], "Trùng lặp")  # an abusive or duplicate item is not counted


def _check(period):
    report = Report.objects.get(period=period, unit=unit(BINH_GIANG))
    got = figures(report)
    assert got["3/3.3.1"] == Decimal(2)
    assert got["3/3.3.2"] == Decimal(1)
    assert got["3/3.3"] == Decimal(50)


def test_form_3_item_3_3_reads_the_feedback(period, categories, monkeypatch):
    mapping = {**{k: v for k, v in live.sources().items()},
               **{k: live.Source(key=k, **spec) for k, spec in ENTRIES.items()}}
    monkeypatch.setattr(live, "sources", lambda: mapping)
    _feed(categories)
    _check(period)


def test_the_shipped_mapping_has_the_entries(period, categories):
    if not all(k in live.sources() for k in ENTRIES):
        pytest.skip("Mục 3/3.3.1, 3/3.3.2 chưa được thêm vào reports/data/4625.json (xem /tmp/patches/feedback_4625.md).")
    assert {k: live.sources()[k].query for k in ENTRIES} == {k: "feedback" for k in ENTRIES}
    _feed(categories)
    _check(period)
