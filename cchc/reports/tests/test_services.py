"""Periods, pre-fill, editing, the submit/return/approve cycle and completeness."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cchc.orgs.models import Unit
from cchc.plans.models import Assignment, AssignmentRole, Notification, Plan, Progress, Task
from cchc.reports import calendar, services
from cchc.reports.errors import ReportError
from cchc.reports.form_sets import load_shipped_form_set
from cchc.reports.models import Indicator, Period, PeriodKind, Report, ReportStatus, ReportStep
from cchc.reports.services import (
    approve_report, completeness, open_period, remind_missing, reopen_report, return_report, save_report,
    submit_report, timeliness,
)
from cchc.test import BINH_GIANG, PHU_LY, unit, user

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize("kind, year, start, end, due", [
    (PeriodKind.Q1, 2026, "2025-12-15", "2026-03-14", "2026-03-20"),
    (PeriodKind.HALF, 2026, "2025-12-15", "2026-06-14", "2026-06-20"),
    (PeriodKind.Q3, 2026, "2026-06-15", "2026-09-14", "2026-09-20"),
    (PeriodKind.NINE, 2026, "2025-12-15", "2026-09-14", "2026-09-20"),
    (PeriodKind.YEAR, 2025, "2024-12-15", "2025-12-14", "2025-12-20"),
])
def test_national_calendar(kind, year, start, end, due):
    assert calendar.window(kind, year) == (datetime.date.fromisoformat(start), datetime.date.fromisoformat(end))
    assert calendar.national_due(kind, year) == datetime.date.fromisoformat(due)
    assert calendar.unit_due(kind, year) == datetime.date.fromisoformat(due) - datetime.timedelta(days=5)


def test_period_being_prepared():
    assert calendar.period_for(datetime.date(2026, 11, 23)) == (PeriodKind.YEAR, 2026)
    assert calendar.period_for(datetime.date(2026, 3, 20)) == (PeriodKind.Q1, 2026)
    assert calendar.period_for(datetime.date(2026, 12, 21)) == (PeriodKind.Q1, 2027)


@pytest.fixture
def form_set(db):
    return load_shipped_form_set(2026)


@pytest.fixture
def period(form_set):
    # Open with a lock date in the future, whatever today is.
    return open_period(form_set, PeriodKind.YEAR, 2026, locked_on=datetime.date(2099, 1, 1), unit_due=datetime.date(2026, 12, 15))


def ind(form_set, form, code) -> Indicator:
    return Indicator.objects.get(form__form_set=form_set, form__number=form, code=code)


def report_of(period, code) -> Report:
    return Report.objects.get(period=period, unit__code=code)


def test_open_creates_one_report_per_unit_in_force(period):
    expected = Unit.objects.filter(kind__in=["department", "commune", "ward"], valid_to__isnull=True).count()
    assert period.reports.count() == expected
    assert not period.reports.filter(unit__code="13531.truoc.xa-bo-de").exists()  # merged away on 01/07/2025
    assert not period.reports.filter(unit__kind="office").exists()
    assert period.start == datetime.date(2025, 12, 15) and period.national_due == datetime.date(2026, 12, 20)
    assert ReportStep.objects.filter(report__period=period, action="opened").count() == expected


def test_opening_twice_is_refused(period, form_set):
    with pytest.raises(ReportError, match="đã được mở"):
        open_period(form_set, PeriodKind.YEAR, 2026)
    assert Period.objects.count() == 1


def test_unit_due_after_lock_is_refused(form_set):
    with pytest.raises(ReportError, match="không thể sau ngày khóa"):
        open_period(form_set, PeriodKind.Q1, 2026, unit_due=datetime.date(2026, 3, 25), locked_on=datetime.date(2026, 3, 20))
    assert not Period.objects.exists()


def _tasks(unit_code, rows):
    plan = Plan.objects.create(unit=unit("37"), title="Kế hoạch CCHC năm 2026", number="9/KH-UBND")
    for i, (due, progress, completed) in enumerate(rows):
        task = Task.objects.create(plan=plan, title=f"Nhiệm vụ {i}", group_code="I", group_title="Cải cách thể chế")
        Assignment.objects.create(task=task, unit=unit(unit_code), role=AssignmentRole.LEAD, due_date=due,
                                  progress=progress, completed_on=completed)


def _cells(report):
    from cchc.reports import live
    from cchc.reports.form_sets import indicators_of

    indicators = list(indicators_of(report.period.form_set))
    cells = live.cells(report, indicators)
    return {(i.form.number, i.code): cells[i.pk] for i in indicators}


def test_live_figures_from_tasks_and_activities(form_set):
    """Nothing is copied in when the period opens: the report computes from the records when it is
    looked at, by the rule "a task counts where it was due or completed", and freezes them, with the
    records' ids, when it is submitted."""
    from cchc.reports import live

    d = datetime.date
    _tasks(BINH_GIANG, [
        (d(2026, 3, 31), Progress.DONE, d(2026, 3, 30)),  # on time
        (d(2026, 6, 30), Progress.DONE, d(2026, 7, 10)),  # late
        (d(2026, 9, 30), Progress.IN_PROGRESS, None),  # overdue by the window's end
        (d(2026, 12, 31), Progress.NOT_STARTED, None),  # due after the window: not counted
        (d(2025, 12, 31), Progress.DONE, d(2025, 12, 1)),  # last year's plan: not counted
    ])
    from cchc.comms.models import Activity

    first = Activity.objects.create(unit=unit(BINH_GIANG), date=d(2026, 5, 2), channel="radio", title="Phát thanh về DVC trực tuyến")
    comm_plan = Plan.objects.create(unit=unit("37"), kind="communication", title="Kế hoạch tuyên truyền CCHC 2026")
    first.topics.add(comm_plan.topics.create(code="c", text="Dịch vụ công trực tuyến, thanh toán trực tuyến"))
    Activity.objects.create(unit=unit(BINH_GIANG), date=d(2026, 5, 9), channel="radio", title="Phát thanh lần 2")
    Activity.objects.create(unit=unit(BINH_GIANG), date=d(2027, 1, 9), channel="radio", title="Ngoài kỳ")
    period = open_period(form_set, PeriodKind.YEAR, 2026, locked_on=d(2099, 1, 1), unit_due=d(2026, 12, 15))
    report = report_of(period, BINH_GIANG)
    assert not report.values.exists() and not report.narrative  # opening copies nothing
    cells = _cells(report)
    assert cells[(1, "2.1")].value == 3 and cells[(1, "2.2")].value == 2 and cells[(1, "2")].value == Decimal(200) / 3
    assert cells[(1, "2.1")].origin == "records" and "3 nhiệm vụ" in cells[(1, "2.1")].source
    # Done after the period opened, and a task due after the cut-off but done inside the window.
    _tasks(BINH_GIANG, [(d(2026, 12, 31), Progress.DONE, d(2026, 11, 20))])
    cells = _cells(report)
    assert cells[(1, "2.1")].value == 4 and cells[(1, "2.2")].value == 3
    text = services.live_narrative(report)
    assert "có 4 nhiệm vụ đến hạn hoặc hoàn thành" in text["I.2"] and "(2 đúng hạn, 1 trễ hạn)" in text["I.2"]
    assert "1 nhiệm vụ quá hạn" in text["I.2"]
    assert text["I.4"].startswith("Trong kỳ, đơn vị thực hiện 2 hoạt động thông tin, tuyên truyền CCHC: Phát thanh: 2.")
    assert "c) Dịch vụ công trực tuyến, thanh toán trực tuyến (1)" in text["I.4"]
    services.submit_report(report)
    report.refresh_from_db()
    frozen = {(v.indicator.form.number, v.indicator.code): v for v in report.values.select_related("indicator__form")}
    counted = frozen[(1, "2.1")]
    assert counted.value == 4 and counted.origin == "records" and len(counted.records) == 4
    assert set(Assignment.objects.filter(pk__in=counted.records).values_list("unit__code", flat=True)) == {BINH_GIANG}
    assert frozen[(1, "2")].value == 75 and "có 4 nhiệm vụ" in report.narrative["I.2"]
    # Frozen: a task done after submission changes nothing until the report is returned.
    Assignment.objects.filter(unit__code=BINH_GIANG, progress=Progress.IN_PROGRESS).update(
        progress=Progress.DONE, completed_on=d(2026, 12, 1))
    assert _cells(report)[(1, "2.2")].value == 3
    services.return_report(report, comment="Bổ sung")
    assert _cells(Report.objects.get(pk=report.pk))[(1, "2.2")].value == 4
    assert live.fed_values(report_of(period, PHU_LY), []) == {}


def test_a_typed_figure_the_records_contradict_is_flagged_not_blocked(period, form_set):
    d = datetime.date
    _tasks(BINH_GIANG, [(d(2026, 3, 31), Progress.DONE, d(2026, 3, 30))])
    report = report_of(period, BINH_GIANG)
    save_report(report, texts={ind(form_set, 1, "2.1").pk: "28", ind(form_set, 1, "2.2").pk: "25"}, revision=0)
    cells = _cells(report)
    assert cells[(1, "2.1")].value == 28 and cells[(1, "2.1")].computed == 1 and cells[(1, "2.1")].conflict
    assert cells[(1, "2.2")].conflict and cells[(1, "2.2")].origin == "typed"
    # Cleared: the records' figure is back.
    save_report(report, texts={ind(form_set, 1, "2.1").pk: "", ind(form_set, 1, "2.2").pk: ""}, revision=1)
    cells = _cells(report)
    assert cells[(1, "2.1")].value == 1 and not cells[(1, "2.1")].conflict and cells[(1, "2.1")].origin == "records"


def test_save_accepts_vietnamese_numbers_and_computes_ratios(period, form_set):
    report = report_of(period, BINH_GIANG)
    save_report(report, texts={
        ind(form_set, 3, "3.2.1").pk: "1.250", ind(form_set, 3, "3.2.2").pk: "1.240",
        ind(form_set, 6, "1.1").pk: "17.454,5", ind(form_set, 1, "5").pk: "1",
    }, notes={ind(form_set, 3, "3.2.1").pk: "Theo Hệ thống một cửa điện tử"}, narrative={"III.1": "  Tích cực. ", "XX": "bỏ"}, revision=0)
    report.refresh_from_db()
    got = {(v.indicator.form.number, v.indicator.code): v for v in report.values.select_related("indicator__form")}
    assert got[(3, "3.2.1")].value == 1250 and got[(3, "3.2.1")].note == "Theo Hệ thống một cửa điện tử"
    assert _cells(report)[(3, "3.2")].value.quantize(Decimal("0.01")) == Decimal("99.20")  # 1.240 / 1.250, never typed
    assert got[(6, "1.1")].value == Decimal("17454.5")
    assert report.narrative["III.1"] == "Tích cực." and "XX" not in report.narrative
    assert report.revision == 1


def test_bad_values_are_all_named_and_nothing_is_saved(period, form_set):
    report = report_of(period, BINH_GIANG)
    before = report.values.count()
    with pytest.raises(ReportError) as error:
        save_report(report, texts={
            ind(form_set, 3, "2.1").pk: "124",  # a count typed into a percentage
            ind(form_set, 1, "1").pk: "-2",
            ind(form_set, 1, "5").pk: "có",
            ind(form_set, 3, "3.2.1").pk: "10", ind(form_set, 3, "3.2.2").pk: "12",  # done > total
            ind(form_set, 4, "1.1").pk: "1",  # the departments' share: not a commune's to answer
            ind(form_set, 1, "2.1").pk: "2,5",
        }, revision=0)
    messages = error.value.messages
    assert any("2.1 (“124”): Tỷ lệ phải từ 0 đến 100 %" in m for m in messages)
    assert any("chỉ tiêu 1 (“-2”): Số liệu không được âm" in m for m in messages)
    assert any("“có” không phải là một số" in m for m in messages)
    assert any("Tử số (12) lớn hơn mẫu số (10)" in m for m in messages)
    assert any("chỉ tiêu 1.1: chỉ tiêu này do các sở, ban, ngành trả lời" in m for m in messages)
    assert any("phải là số nguyên" in m for m in messages)
    report.refresh_from_db()
    assert report.values.count() == before and report.revision == 0


def test_two_editors_never_overwrite_each_other(period, form_set):
    report = report_of(period, BINH_GIANG)
    save_report(report, texts={ind(form_set, 1, "1").pk: "5"}, revision=0)
    with pytest.raises(ReportError, match="vừa được người khác cập nhật"):
        save_report(report, texts={ind(form_set, 1, "1").pk: "7"}, revision=0)
    assert report.values.get(indicator__code="1", indicator__form__number=1).value == 5


def test_locked_period_refuses_entry_and_submission(form_set):
    period = open_period(form_set, PeriodKind.Q1, 2026, unit_due=datetime.date(2026, 3, 10), locked_on=datetime.date(2026, 3, 20))
    report = report_of(period, BINH_GIANG)
    Period.objects.filter(pk=period.pk).update(locked_on=timezone.localdate() - datetime.timedelta(days=1))
    report.refresh_from_db()
    with pytest.raises(ReportError, match="đã khóa nhập liệu"):
        save_report(report, texts={ind(form_set, 1, "1").pk: "5"}, revision=0)
    with pytest.raises(ReportError, match="đã khóa"):
        submit_report(report)
    assert not report.values.exists() and Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_submit_return_resubmit_approve(period, form_set):
    report = report_of(period, BINH_GIANG)
    leader, coordinator = user("chutich.binhgiang"), user("dieuphoi")
    submit_report(report, by=leader)
    with pytest.raises(ReportError, match="đã được gửi"):
        submit_report(report, by=leader)  # a double click
    with pytest.raises(ReportError, match="đang chờ duyệt"):
        save_report(report, texts={ind(form_set, 1, "1").pk: "5"}, revision=0)
    with pytest.raises(ReportError, match="ghi lý do"):
        return_report(report, comment="  ", by=coordinator)
    return_report(report, comment="Thiếu số liệu biểu mẫu 3", by=coordinator)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.RETURNED
    save_report(report, texts={ind(form_set, 1, "1").pk: "5"}, revision=0)
    submit_report(report, by=leader)
    # The coordinator's page was opened before the unit's edit (revision 0): refused, not approved unseen.
    with pytest.raises(ReportError, match="sửa và gửi lại báo cáo sau khi bạn mở trang"):
        approve_report(report, by=coordinator, revision=0)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    approve_report(report, by=coordinator, revision=1)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.approved_at
    with pytest.raises(ReportError, match="đã được phê duyệt"):
        save_report(report, texts={ind(form_set, 1, "1").pk: "6"}, revision=report.revision)
    reopen_report(report, comment="Bổ sung số liệu quý IV", by=coordinator)
    steps = list(report.steps.values_list("action", "comment"))
    assert [a for a, _ in steps] == ["opened", "submitted", "returned", "saved", "submitted", "approved", "reopened"]
    assert ("returned", "Thiếu số liệu biểu mẫu 3") in steps


def test_approval_climbs_the_tree(period):
    department = report_of(period, "37.SNV")
    office = Report.objects.create(period=period, unit=unit("37.SNV.VP"))
    submit_report(department)
    with pytest.raises(ReportError, match="Cần duyệt trước báo cáo của 1 đơn vị trực thuộc: Văn phòng Sở"):
        approve_report(department)
    submit_report(office)
    approve_report(office)
    approve_report(department)
    assert Report.objects.get(pk=department.pk).status == ReportStatus.APPROVED


def test_timeliness_in_vietnam_time_and_completeness(period):
    on_time = report_of(period, BINH_GIANG)
    late = report_of(period, PHU_LY)
    Report.objects.filter(pk=on_time.pk).update(status=ReportStatus.SUBMITTED, submitted_at=datetime.datetime(2026, 12, 15, 23, 30, tzinfo=VN))
    Report.objects.filter(pk=late.pk).update(status=ReportStatus.APPROVED, submitted_at=datetime.datetime(2026, 12, 16, 0, 5, tzinfo=VN))
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert (timeliness(on_time), timeliness(late)) == ("on_time", "late")
    Period.objects.filter(pk=period.pk).update(timely_days=1)
    late.refresh_from_db()
    assert timeliness(late) == "on_time"
    period.refresh_from_db()
    result = completeness(period)
    assert result.counts["on_time"] == 2 and result.received == 2
    assert result.expected == period.reports.count()
    assert result.by_kind["commune"]["on_time"] == 1 and result.by_kind["ward"]["on_time"] == 1


def test_a_unit_merged_away_leaves_both_counts(form_set):
    # The 2025 year window (15/12/2024 → 14/12/2025) saw the 01/07/2025 mergers.
    period = open_period(form_set, PeriodKind.YEAR, 2025, locked_on=datetime.date(2099, 1, 1), unit_due=datetime.date(2025, 12, 15))
    old = Report.objects.create(period=period, unit=unit("13531.truoc.xa-bo-de"), status=ReportStatus.SUBMITTED,
                                submitted_at=datetime.datetime(2025, 6, 1, 9, tzinfo=VN))
    result = completeness(period)
    assert result.expected == period.reports.count() - 1  # the old commune is in neither count
    assert result.received == 0 and result.rate <= 100
    assert old.pk not in [r.pk for r in period.reports.filter(unit__valid_to__isnull=True)]


def test_remind_missing_notifies_each_missing_units_people(period):
    Report.objects.filter(period=period, unit__code=PHU_LY).update(status=ReportStatus.SUBMITTED, submitted_at=timezone.now())
    reminded = remind_missing(period, by=user("dieuphoi"))
    assert reminded == period.reports.count() - 1
    texts = list(Notification.objects.filter(user=user("canbo.binhgiang")).values_list("text", flat=True))
    assert any("chưa gửi báo cáo CCHC năm 2026; hạn 15/12/2026" in t for t in texts)
    assert not Notification.objects.filter(user=user("canbo.phuly")).exists()
