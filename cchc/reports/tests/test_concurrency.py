"""Two people acting on one report at the same moment, on PostgreSQL, each thread with its own
connection and a barrier to make them collide: no lost update, no duplicate row, a clear message
to the loser. (The same rules one after another are in test_services.py, which SQLite runs.)"""

import datetime

import pytest
from django.db import connection, transaction

from cchc.reports.form_sets import load_shipped_form_set
from cchc.reports.models import Indicator, PeriodKind, Report, ReportStatus, ReportStep, ReportValue
from cchc.reports.services import approve_report, open_period, return_report, save_report, submit_report
from cchc.test import BINH_GIANG, build_world, race, while_held

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises every writer, "
                              "so two saves at once prove nothing there"),
]




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


# --- approval racing a resubmission -------------------------------------------------------------

STALE = "Đơn vị đã sửa và gửi lại báo cáo sau khi bạn mở trang: hãy xem lại số liệu mới rồi mới phê duyệt."
NOT_SENT = "Chỉ phê duyệt được báo cáo đã gửi."


def _value(report):
    return ReportValue.objects.get(report=report, indicator=_indicator(report)).value


def _resubmit(report, figure, revision):
    """The unit's "save and send" on its returned report: one transaction."""
    def call():
        with transaction.atomic():
            save_report(report, texts={_indicator(report).pk: str(figure)}, revision=revision)
            return submit_report(report)
    return call


def test_approval_racing_a_resubmission_never_approves_unseen_figures(report):
    """The approver's page shows revision r; the report is returned, and the unit edits and sends it
    again while the approver clicks. Whichever lands first, the approval of r is refused (the report
    is no longer sent, or it is a newer revision) and the unit's figure is the one kept."""
    ind = _indicator(report)
    save_report(report, texts={ind.pk: "1"}, revision=0)
    for figure in (2, 3, 4, 5):
        submit_report(report)
        seen = Report.objects.get(pk=report.pk).revision
        return_report(report, comment="Bổ sung số liệu")
        outcomes = race(lambda: approve_report(report, revision=seen), _resubmit(report, figure, seen))
        assert outcomes[1][0] == "ok", outcomes
        assert outcomes[0] in (("error", NOT_SENT), ("error", STALE)), outcomes
        report.refresh_from_db()
        assert (report.status, report.revision, _value(report)) == (ReportStatus.SUBMITTED, seen + 1, figure)
        return_report(report, comment="Vòng sau")
    assert not ReportStep.objects.filter(report=report, action=ReportStep.Action.APPROVED).exists()
    assert ReportStep.objects.filter(report=report, action=ReportStep.Action.SUBMITTED).count() == 8
    assert ReportValue.objects.filter(report=report, indicator=ind).count() == 1


def test_approval_racing_a_return_and_resubmission(report):
    """Two superiors at once: one approves revision r, the other returns it and the unit sends
    revision r + 1. Either the approval lands first — r is approved as seen, then returned and sent
    again — or it is refused; never r + 1 approved, never two approvals."""
    ind = _indicator(report)
    save_report(report, texts={ind.pk: "1"}, revision=0)
    submit_report(report)
    for figure in (2, 3, 4, 5):
        seen = Report.objects.get(pk=report.pk).revision

        def return_and_resubmit(figure=figure, seen=seen):
            return_report(report, comment="Sửa lại")
            return _resubmit(report, figure, seen)()

        approved_before = ReportStep.objects.filter(report=report, action=ReportStep.Action.APPROVED).count()
        outcomes = race(lambda: approve_report(report, revision=seen), return_and_resubmit)
        assert outcomes[1][0] == "ok", outcomes
        assert outcomes[0][0] == "ok" or outcomes[0] in (("error", NOT_SENT), ("error", STALE)), outcomes
        report.refresh_from_db()
        assert (report.status, report.revision, _value(report)) == (ReportStatus.SUBMITTED, seen + 1, figure)
        approved = ReportStep.objects.filter(report=report, action=ReportStep.Action.APPROVED).count() - approved_before
        assert approved == (1 if outcomes[0][0] == "ok" else 0)
        if approved:  # approved as seen, then returned: the timeline says so in that order
            steps = list(report.steps.order_by("-pk").values_list("action", flat=True)[:4])
            assert steps == ["submitted", "saved", "returned", "approved"]


def test_approval_that_lands_first_leaves_the_units_stale_edit_refused(report):
    """Approve wins: the unit, on a page from before it sent the report, tries to edit and send
    again — refused clearly (sent and waiting, or approved), the approved figure unchanged."""
    ind = _indicator(report)
    save_report(report, texts={ind.pk: "6"}, revision=0)
    submit_report(report)
    outcomes = race(lambda: approve_report(report, revision=1), _resubmit(report, 7, 1))
    assert outcomes[0][0] == "ok", outcomes
    assert outcomes[1][0] == "error" and ("đã được phê duyệt" in outcomes[1][1] or "đang chờ duyệt" in outcomes[1][1])
    report.refresh_from_db()
    assert (report.status, report.revision, _value(report)) == (ReportStatus.APPROVED, 1, 6)
    assert ReportStep.objects.filter(report=report, action=ReportStep.Action.APPROVED).count() == 1



def test_approval_waits_for_a_resubmission_in_flight_and_rechecks(report):
    """The unit's return-edit-send is in flight (not committed) when the approver clicks on
    revision r. Reading the report without a lock would see r still sent, approve it and overwrite
    the status: figures nobody read, approved. The approval waits for the lock instead, then sees
    r + 1 and is refused."""
    ind = _indicator(report)
    save_report(report, texts={ind.pk: "1"}, revision=0)
    submit_report(report)

    def in_flight():
        return_report(report, comment="Sửa lại")
        save_report(report, texts={ind.pk: "8"}, revision=1)
        return submit_report(report)

    unit_side, approval = while_held(in_flight, lambda: approve_report(report, revision=1))
    results = {"unit": unit_side, "approve": approval}
    assert results["unit"][0] == "ok", results
    assert results["approve"] == ("error", STALE), results
    report.refresh_from_db()
    assert (report.status, report.revision, _value(report)) == (ReportStatus.SUBMITTED, 2, 8)
    assert not ReportStep.objects.filter(report=report, action=ReportStep.Action.APPROVED).exists()
