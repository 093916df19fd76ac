"""Units that appear or merge while a period is open, one step after another (SQLite and
PostgreSQL): the new unit reports, the merged ones leave the expected set, what they sent stays
and compiles under their successor, what they had not sent can no longer be sent. The same
collisions at the same moment are in test_concurrency_merge.py (PostgreSQL)."""

import datetime

import pytest
from django.urls import reverse

from cchc.documents.tables import read_table
from cchc.orgs import services as orgs
from cchc.orgs.models import Unit
from cchc.reports.compile import compile_figures, sources
from cchc.reports.errors import ReportError
from cchc.reports.form_sets import load_shipped_form_set
from cchc.reports.models import Indicator, Period, PeriodKind, Report, ReportStatus, ReportStep, ReportValue
from cchc.reports.services import (
    approve_report, completeness, ensure_reports, open_period, reopen_report, return_report, save_report,
    submit_report,
)
from cchc.test import unit, user

pytestmark = pytest.mark.django_db

MERGED_ON = datetime.date(2026, 11, 1)  # inside the 2026 year window (15/12/2025 → 14/12/2026)


@pytest.fixture
def period():
    form_set = load_shipped_form_set(2026)
    return open_period(form_set, PeriodKind.YEAR, 2026, locked_on=datetime.date(2099, 1, 1),
                       unit_due=datetime.date(2026, 12, 15))


def indicator(period) -> Indicator:
    return Indicator.objects.get(form__form_set=period.form_set, form__number=1, code="1")


def commune(code: str, name: str) -> Unit:
    return orgs.unit_save(unit=Unit(code=code, name=name, kind="commune", parent=unit("37")))


def raw_commune(code: str, name: str) -> Unit:
    """A unit written outside the services (a data load): nothing is told about it."""
    made = Unit.objects.create(code=code, name=name, kind="commune", parent=unit("37"))
    orgs.tree_rebuild_paths()
    made.refresh_from_db()
    return made


def test_a_unit_created_while_a_period_is_open_reports_in_it(period):
    new = commune("99.MOI", "UBND xã Mới")
    report = Report.objects.get(period=period, unit=new)
    assert report.status == ReportStatus.DRAFT
    assert list(report.steps.values_list("action", flat=True)) == ["opened"]
    # Not a reporting kind, or in force only after the window's end: no report.
    office = orgs.unit_save(unit=Unit(code="99.MOI.VP", name="Văn phòng", kind="office", parent=new))
    later = orgs.unit_save(unit=Unit(code="99.SAU", name="UBND xã Sau", kind="commune", parent=unit("37"),
                                     valid_from=datetime.date(2027, 1, 1)))
    assert not Report.objects.filter(unit__in=[office, later]).exists()
    # Its dates change so that it is in force at the window's end: now it reports.
    later.valid_from = datetime.date(2026, 12, 1)
    orgs.unit_save(unit=later)
    assert Report.objects.filter(period=period, unit=later).count() == 1
    # An edit that changes nothing of that (a new alias) creates nothing and repeats nothing.
    later.aliases = ["xã Sau"]
    orgs.unit_save(unit=later)
    assert ensure_reports([new, later]) == []
    assert Report.objects.filter(period=period, unit__in=[new, later]).count() == 2
    assert completeness(period).expected == period.reports.count()


def test_a_period_locked_for_entry_gets_no_new_report(period):
    Period.objects.filter(pk=period.pk).update(locked_on=datetime.date(2020, 1, 1))
    new = commune("99.MOI", "UBND xã Mới")
    assert not Report.objects.filter(unit=new).exists()


def test_a_unit_imported_while_a_period_is_open_reports_in_it(period):
    rows = read_table("Mã,Tên đơn vị,Loại,Mã đơn vị cấp trên\n99.NHAP,UBND xã Nhập,commune,37\n".encode(), "units.csv")
    assert orgs.units_import(rows).ok
    assert Report.objects.filter(period=period, unit__code="99.NHAP").count() == 1
    assert orgs.units_import(rows).unchanged == 1  # imported again: nothing new, no second report
    assert Report.objects.filter(period=period, unit__code="99.NHAP").count() == 1


@pytest.fixture
def merger(period):
    """Communes A (report sent) and B (a draft with a figure) merged into C on 01/11/2026."""
    a, b = commune("99.A", "UBND xã A"), commune("99.B", "UBND xã B")
    ind = indicator(period)
    report_a, report_b = (Report.objects.get(period=period, unit=u) for u in (a, b))
    save_report(report_a, texts={ind.pk: "4"}, revision=0)
    submit_report(report_a)
    save_report(report_b, texts={ind.pk: "9"}, revision=0)
    c = raw_commune("99.C", "UBND xã C")
    before = completeness(period)
    assert not Report.objects.filter(unit=c).exists()
    orgs.unit_merge(sources=[a, b], into=c, on=MERGED_ON)
    return period, ind, a, b, c, before


def test_the_merged_unit_reports_and_the_merged_away_units_leave_the_counts(merger):
    period, ind, a, b, c, before = merger
    report_c = Report.objects.get(period=period, unit=c)
    assert report_c.status == ReportStatus.DRAFT and report_c.steps.get().action == ReportStep.Action.OPENED
    after = completeness(period)
    assert after.expected == before.expected - 1  # A and B out, C in
    assert after.received == before.received - 1  # A's sent report is history, not C's
    assert after.rate <= 100
    # Their reports stay, with what was typed.
    assert Report.objects.filter(period=period, unit__in=[a, b]).count() == 2
    assert ReportValue.objects.get(report__unit=b, indicator=ind).value == 9


def test_the_merged_away_units_draft_can_no_longer_be_saved_or_sent(merger):
    period, ind, a, b, c, _ = merger
    report_b = Report.objects.get(period=period, unit=b)
    message = "Đơn vị đã sáp nhập vào UBND xã C; báo cáo do UBND xã C thực hiện."
    with pytest.raises(ReportError) as caught:
        submit_report(report_b)
    assert caught.value.messages == [message]
    with pytest.raises(ReportError, match="báo cáo do UBND xã C thực hiện"):
        save_report(report_b, texts={ind.pk: "10"}, revision=report_b.revision)
    report_b.refresh_from_db()
    assert report_b.status == ReportStatus.DRAFT and report_b.revision == 1
    assert ReportValue.objects.get(report=report_b, indicator=ind).value == 9  # unchanged
    # C reports instead, as any unit does.
    report_c = Report.objects.get(period=period, unit=c)
    save_report(report_c, texts={ind.pk: "13"}, revision=0)
    assert submit_report(report_c).status == ReportStatus.SUBMITTED


def test_what_a_merged_away_unit_sent_is_approved_and_compiles_under_its_successor(merger):
    period, ind, a, b, c, _ = merger
    report_a = Report.objects.get(period=period, unit=a)
    with pytest.raises(ReportError, match="báo cáo do UBND xã C thực hiện"):
        return_report(report_a, comment="Sửa lại", by=user("dieuphoi"))  # it could never be sent again
    approve_report(report_a, revision=report_a.revision)
    with pytest.raises(ReportError, match="báo cáo do UBND xã C thực hiện"):
        reopen_report(report_a, comment="Sửa lại", by=user("dieuphoi"))
    assert Report.objects.get(pk=report_a.pk).status == ReportStatus.APPROVED
    compiled = sources(period, c)
    assert [r.unit.code for r in compiled] == ["99.A"]  # B never sent: not in it
    assert compile_figures(period, compiled)[ind.pk].value == 4


def test_a_merger_into_an_existing_unit_adds_no_second_report(period):
    a, into = commune("99.A", "UBND xã A"), commune("99.C", "UBND xã C")
    assert Report.objects.filter(period=period, unit=into).count() == 1
    orgs.unit_merge(sources=[a], into=into, on=MERGED_ON)
    assert Report.objects.filter(period=period, unit=into).count() == 1
    assert ReportStep.objects.filter(report__unit=into, action="opened").count() == 1


def test_a_merger_after_the_window_leaves_the_period_as_it_was(period):
    a, into = commune("99.A", "UBND xã A"), raw_commune("99.C", "UBND xã C")
    orgs.unit_merge(sources=[a], into=into, on=datetime.date(2027, 1, 1))
    assert not Report.objects.filter(period=period, unit=into).exists()  # in force only after the window
    report_a = Report.objects.get(period=period, unit=a)
    assert submit_report(report_a).status == ReportStatus.SUBMITTED  # A still reports this period


def test_a_failing_report_hook_undoes_the_merger(period, monkeypatch):
    from cchc.reports import services

    a, into = commune("99.A", "UBND xã A"), raw_commune("99.C", "UBND xã C")

    def broken(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(services, "ensure_reports", broken)
    with pytest.raises(RuntimeError):
        orgs.unit_merge(sources=[a], into=into, on=MERGED_ON)
    a.refresh_from_db()
    assert a.valid_to is None and not into.predecessors.exists()


def test_approving_from_a_page_older_than_the_resubmission_is_refused(client, period):
    """The page's hidden revision is the one the approver saw: a report returned, edited and sent
    again since is not approved, and says why."""
    report = Report.objects.get(period=period, unit=unit("13531"))
    ind = indicator(period)
    save_report(report, texts={ind.pk: "3"}, revision=0)
    submit_report(report)
    seen = Report.objects.get(pk=report.pk).revision  # the approver opens the page
    return_report(report, comment="Bổ sung", by=user("dieuphoi"))
    save_report(report, texts={ind.pk: "30"}, revision=seen)
    submit_report(report)
    client.force_login(user("dieuphoi"))
    html = client.post(reverse("reports:approve", args=[report.pk]), {"revision": seen}, follow=True).content.decode()
    assert "Đơn vị đã sửa và gửi lại báo cáo sau khi bạn mở trang" in html
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.approved_at is None
    assert not report.steps.filter(action="approved").exists()
    html = client.post(reverse("reports:approve", args=[report.pk]), {"revision": report.revision}, follow=True).content.decode()
    assert "Đã phê duyệt báo cáo" in html
    assert Report.objects.get(pk=report.pk).status == ReportStatus.APPROVED


def test_sending_from_a_page_older_than_a_colleagues_save_is_refused(period):
    report = Report.objects.get(period=period, unit=unit("13531"))
    ind = indicator(period)
    save_report(report, texts={ind.pk: "3"}, revision=0)  # a colleague saves: revision 1
    with pytest.raises(ReportError, match="vừa được người khác cập nhật sau khi bạn mở trang"):
        submit_report(report, revision=0)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT
    assert submit_report(report, revision=1).status == ReportStatus.SUBMITTED


def test_a_merged_away_units_draft_page_says_who_reports_and_offers_no_send(client, period):
    """The unit's leader opens the draft after the merger: the page says which unit reports now,
    and neither the save nor the send button is offered (both would be refused)."""
    report = Report.objects.get(period=period, unit=unit("13531"))
    url = reverse("reports:report", args=[report.pk])
    client.force_login(user("chutich.binhgiang"))
    assert "Gửi báo cáo" in client.get(url).content.decode()
    into = commune("99.HOP", "UBND xã Hợp Nhất")
    orgs.unit_merge(sources=[unit("13531")], into=into, on=MERGED_ON)
    html = client.get(url).content.decode()
    assert "Đơn vị đã sáp nhập vào" in html and "Hợp Nhất" in html
    assert "Gửi báo cáo" not in html and "Lưu báo cáo" not in html
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT
