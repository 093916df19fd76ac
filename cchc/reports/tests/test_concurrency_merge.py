"""A merger of units while their reports are open, colliding with an officer sending one of them,
on PostgreSQL (each thread its own connection): the report is either sent before the merger (and
compiles under the new unit) or refused after it with a clear message — never a report of a
closed unit sent and missing from its successor's compile, never two reports for the new unit.
The same rules one after another are in test_merge_reports.py, which SQLite runs too."""

import datetime

import pytest
from django.db import connection

from cchc.orgs import services as orgs
from cchc.orgs.models import Unit
from cchc.reports.compile import sources
from cchc.reports.form_sets import load_shipped_form_set
from cchc.reports.models import Indicator, PeriodKind, Report, ReportStatus, ReportStep, ReportValue
from cchc.reports.services import approve_report, completeness, ensure_reports, open_period, save_report, submit_report
from cchc.test import BINH_GIANG, build_world, race, unit, while_held

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL (DATABASE_URL=postgres://…): SQLite serialises every writer, "
                              "so a merger and a submission at once prove nothing there"),
]

MERGED_ON = datetime.date(2026, 11, 1)  # inside the 2026 year window (15/12/2025 → 14/12/2026)


@pytest.fixture
def period():
    build_world(communes=(BINH_GIANG,))
    form_set = load_shipped_form_set(2026)
    return open_period(form_set, PeriodKind.YEAR, 2026, locked_on=datetime.date(2099, 1, 1),
                       unit_due=datetime.date(2026, 12, 15))


def three_communes(period, tag: str):
    """A and B (each with its report opened, A's with a figure typed) and C, written outside the
    services so that only the merger can give it its report."""
    a, b = (orgs.unit_save(unit=Unit(code=f"99.{tag}{x}", name=f"UBND xã {tag}{x}", kind="commune", parent=unit("37")))
            for x in "AB")
    c = Unit.objects.create(code=f"99.{tag}C", name=f"UBND xã {tag}C", kind="commune", parent=unit("37"))
    orgs.tree_rebuild_paths()
    c.refresh_from_db()
    report_a = Report.objects.get(period=period, unit=a)
    indicator = Indicator.objects.get(form__form_set=period.form_set, form__number=1, code="1")
    save_report(report_a, texts={indicator.pk: "4"}, revision=0)
    return a, b, c, report_a, indicator


def check_after_merger(period, a, c, report_a, indicator, submitted: bool) -> None:
    report_a.refresh_from_db()
    assert Unit.objects.get(pk=a.pk).valid_to == MERGED_ON
    assert Report.objects.filter(period=period, unit=c).count() == 1  # C reports, once
    assert ReportStep.objects.filter(report__unit=c, action="opened").count() == 1
    assert ReportValue.objects.get(report=report_a, indicator=indicator).value == 4  # what A typed is kept
    counts = completeness(period)
    in_force = Report.objects.filter(period=period, unit__valid_to__isnull=True, unit__kind__in=period.reporting_kinds)
    assert counts.expected == in_force.count() and counts.rate <= 100  # A and B out, C in
    if submitted:
        assert report_a.status == ReportStatus.SUBMITTED
        assert ReportStep.objects.filter(report=report_a, action="submitted").count() == 1
        approve_report(report_a, revision=report_a.revision)  # history: still approved after the merger…
        assert [r.pk for r in sources(period, c)] == [report_a.pk]  # …and compiled under C
    else:
        assert report_a.status == ReportStatus.DRAFT
        assert not ReportStep.objects.filter(report=report_a, action="submitted").exists()


def test_a_merger_and_a_submission_at_once(period):
    seen = set()
    for tag in ("R", "S", "T", "U"):
        a, b, c, report_a, indicator = three_communes(period, tag)
        outcomes = race(lambda: submit_report(report_a),  # noqa: B023 - called within the round
                        lambda: orgs.unit_merge(sources=[a, b], into=c, on=MERGED_ON))  # noqa: B023
        assert outcomes[1][0] == "ok", outcomes  # the merger always goes through
        if outcomes[0][0] == "error":
            assert outcomes[0][1] == f"Đơn vị đã sáp nhập vào UBND xã {tag}C; báo cáo do UBND xã {tag}C thực hiện."
        check_after_merger(period, a, c, report_a, indicator, submitted=outcomes[0][0] == "ok")
        seen.add(outcomes[0][0])
    assert seen <= {"ok", "error"}


def test_a_submission_arriving_during_a_merger_waits_and_is_refused(period):
    """The merger is in flight (A locked and closed, not committed) when the officer sends A's
    report: the submission waits for the merger and then sees A merged."""
    a, b, c, report_a, indicator = three_communes(period, "M")
    merge, submit = while_held(lambda: orgs.unit_merge(sources=[a, b], into=c, on=MERGED_ON),
                               lambda: submit_report(report_a))
    results = {"merge": merge, "submit": submit}
    assert results["merge"][0] == "ok", results
    assert results["submit"] == ("error", "Đơn vị đã sáp nhập vào UBND xã MC; báo cáo do UBND xã MC thực hiện."), results
    check_after_merger(period, a, c, report_a, indicator, submitted=False)


def test_a_merger_arriving_during_a_submission_waits_and_the_report_compiles_under_the_new_unit(period):
    a, b, c, report_a, indicator = three_communes(period, "N")
    submit, merge = while_held(lambda: submit_report(report_a),
                               lambda: orgs.unit_merge(sources=[a, b], into=c, on=MERGED_ON))
    results = {"merge": merge, "submit": submit}
    assert results["submit"][0] == "ok" and results["merge"][0] == "ok", results
    check_after_merger(period, a, c, report_a, indicator, submitted=True)


def test_the_new_units_report_is_made_once_when_two_changes_announce_it_at_once(period):
    """The merger and another change of C (its dates edited) both create C's missing report: the
    unique (period, unit) constraint lets one through, the other skips it."""
    for tag in ("V", "W", "X"):
        a, b, c, _, _ = three_communes(period, tag)
        outcomes = race(lambda: orgs.unit_merge(sources=[a], into=c, on=MERGED_ON),  # noqa: B023
                        lambda: ensure_reports([c]))  # noqa: B023
        assert [k for k, _ in outcomes] == ["ok", "ok"], outcomes
        assert Report.objects.filter(period=period, unit=c).count() == 1
        assert ReportStep.objects.filter(report__unit=c, action="opened").count() == 1
