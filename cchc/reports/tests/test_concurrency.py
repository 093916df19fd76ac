"""Two people acting on one report at the same moment, on PostgreSQL, each thread with its own
connection and a barrier to make them collide: no lost update, no duplicate row, a clear message
to the loser. (The same rules one after another are in test_services.py, which SQLite runs.)"""

import datetime
import threading

import pytest
from django.db import connection

from cchc.reports.errors import ReportError
from cchc.reports.form_sets import load_shipped_form_set
from cchc.reports.models import Indicator, PeriodKind, Report, ReportStatus, ReportStep, ReportValue
from cchc.reports.services import open_period, save_report, submit_report
from cchc.test import BINH_GIANG, build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises every writer, "
                              "so two saves at once prove nothing there"),
]


def race(*calls):
    """Run each call in its own thread (own connection), all released at once; returns, per call,
    ("ok", result) or ("error", message)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            outcomes[i] = ("ok", call())
        except ReportError as exc:
            outcomes[i] = ("error", " ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.fixture
def report():
    build_world(communes=(BINH_GIANG,))
    form_set = load_shipped_form_set(2026)
    period = open_period(form_set, PeriodKind.YEAR, 2026, locked_on=datetime.date(2099, 1, 1),
                         unit_due=datetime.date(2026, 12, 15))
    return Report.objects.get(period=period, unit__code=BINH_GIANG)


def _indicator(report):
    return Indicator.objects.get(form__form_set=report.period.form_set, form__number=1, code="1")


def test_two_officers_saving_one_report_at_once(report):
    ind = _indicator(report)
    outcomes = race(lambda: save_report(report, texts={ind.pk: "5"}, revision=0),
                    lambda: save_report(report, texts={ind.pk: "7"}, revision=0))
    kinds = sorted(k for k, _ in outcomes)
    assert kinds == ["error", "ok"], outcomes
    loser = next(m for k, m in outcomes if k == "error")
    assert "vừa được người khác cập nhật" in loser and "tải lại trang" in loser
    winner = 5 if outcomes[0][0] == "ok" else 7
    values = ReportValue.objects.filter(report=report, indicator=ind)
    assert values.count() == 1 and values.get().value == winner  # the winner's figure, one row
    report.refresh_from_db()
    assert report.revision == 1
    assert ReportStep.objects.filter(report=report, action=ReportStep.Action.SAVED).count() == 1


def test_double_submit_is_one_submission(report):
    save_report(report, texts={_indicator(report).pk: "5"}, revision=0)
    outcomes = race(lambda: submit_report(report), lambda: submit_report(report))
    assert sorted(k for k, _ in outcomes) == ["error", "ok"], outcomes
    assert next(m for k, m in outcomes if k == "error") == "Báo cáo đã được gửi trước đó."
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert ReportStep.objects.filter(report=report, action=ReportStep.Action.SUBMITTED).count() == 1
    # Frozen once: one value per indicator, never two.
    pairs = list(ReportValue.objects.filter(report=report).values_list("indicator_id", flat=True))
    assert len(pairs) == len(set(pairs)) and pairs
