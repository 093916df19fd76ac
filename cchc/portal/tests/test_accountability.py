"""The province's plan in public: progress by group and by unit by the published weighting, its
targets measured by the province's sent report, live from the same records, flat in queries."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from cchc.plans.models import Assignment, AssignmentRole, Plan, PlanKind, Progress, Target, Task
from cchc.portal import accountability as acc
from cchc.reports.compile import compile_report
from cchc.reports.form_sets import load_shipped_form_set
from cchc.reports.models import Indicator, PeriodKind, ReportStatus, ReportValue
from cchc.reports.services import open_period
from cchc.test import BINH_GIANG, PHU_LY, count_queries, unit

pytestmark = pytest.mark.django_db
URL = "/cai-cach-hanh-chinh/tien-do-ke-hoach/"
TODAY = timezone.localdate()
PAST, FUTURE = TODAY - datetime.timedelta(days=10), TODAY + datetime.timedelta(days=30)


@pytest.fixture
def plan():
    plan = Plan.objects.create(unit=unit("37"), title="Kế hoạch cải cách hành chính năm thử nghiệm", number="99/KH-UBND",
                               kind=PlanKind.REFORM, issued_on=TODAY - datetime.timedelta(days=60),
                               period_start=TODAY - datetime.timedelta(days=90), period_end=TODAY + datetime.timedelta(days=200))
    a = Task.objects.create(plan=plan, group_code="I", group_title="Cải cách thể chế", number="1", title="Rà soát văn bản", order=1)
    b = Task.objects.create(plan=plan, group_code="I", group_title="Cải cách thể chế", number="2", title="Kiểm tra văn bản", order=2)
    c = Task.objects.create(plan=plan, group_code="II", group_title="Cải cách thủ tục hành chính", number="1",
                            title="Công khai thủ tục <script>alert(1)</script>", order=3)
    Task.objects.create(plan=plan, group_code="II", group_title="Cải cách thủ tục hành chính", number="2", title="Chưa giao", order=4)
    bg, pl = unit(BINH_GIANG), unit(PHU_LY)
    Assignment.objects.create(task=a, unit=bg, role=AssignmentRole.LEAD, due_date=FUTURE, progress=Progress.DONE, completed_on=TODAY)
    Assignment.objects.create(task=a, unit=pl, role=AssignmentRole.PARTNER, due_date=FUTURE, progress=Progress.IN_PROGRESS)
    Assignment.objects.create(task=b, unit=bg, role=AssignmentRole.LEAD, due_date=PAST)  # not started, overdue
    Assignment.objects.create(task=c, unit=pl, role=AssignmentRole.LEAD, due_date=PAST, progress=Progress.DONE, completed_on=TODAY)
    Target.objects.create(plan=plan, text="Tỷ lệ hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hạn", comparator=">=",
                          value=Decimal(98), unit_of_measure="%", order=1)
    Target.objects.create(plan=plan, text="Công khai 100 % thủ tục đúng hạn", comparator="", order=2)
    return plan


def test_progress_follows_the_published_weighting(plan):
    data = acc.accountability(plan)
    groups = {g.code: g for g in data.groups}
    # a: (100 + 50) / 2 = 75; b: 0; c: 100; the unassigned task is listed but not counted.
    assert [t.tally.percent for t in groups["I"].tasks] == [Decimal("75.0"), Decimal("0.0")]
    assert groups["I"].percent == Decimal("37.5") and groups["II"].percent == Decimal("100.0")
    assert groups["II"].tasks[1].tally.status_label == "Chưa giao" and groups["II"].tasks[1].tally.percent is None
    assert data.percent == Decimal("58.3")  # (75 + 0 + 100) / 3: each task weighs the same
    assert (data.tasks, data.tasks_done, data.tasks_overdue) == (4, 1, 1)
    units = {r.unit.name: r.tally for r in data.units}
    bg, pl = units[unit(BINH_GIANG).name], units[unit(PHU_LY).name]
    assert (bg.assignments, bg.done, bg.overdue, bg.percent) == (2, 1, 1, Decimal("50.0"))
    assert (pl.assignments, pl.done, pl.late, pl.percent) == (2, 1, 1, Decimal("75.0"))
    assert [r.unit.name for r in data.units][0] == unit(PHU_LY).name  # furthest along first


def test_the_page_is_public_live_and_shows_how_progress_is_weighted(plan):
    c = Client()
    page = c.get(URL, {"ke_hoach": plan.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kế hoạch cải cách hành chính năm thử nghiệm" in html and "99/KH-UBND" in html
    assert "58,3 %" in html and "37,5 %" in html
    assert "chưa thực hiện 0 %, đang thực hiện 50 %, hoàn thành 100 %" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert plan.issued_on.strftime("%d/%m/%Y") in html
    # Live: a unit reports the overdue task done, the page moves.
    Assignment.objects.filter(task__plan=plan, due_date=PAST, progress=Progress.NOT_STARTED).update(
        progress=Progress.DONE, completed_on=TODAY)
    cache.clear()  # the public page is kept one minute (cchc/portal/cache.py): a minute later
    assert "91,7 %" in c.get(URL, {"ke_hoach": plan.pk}).content.decode()  # (75 + 100 + 100) / 3


def test_targets_are_measured_by_the_provinces_sent_report_or_say_no_data(plan):
    html = Client().get(URL, {"ke_hoach": plan.pk}).content.decode()
    assert "Chưa có báo cáo tổng hợp của tỉnh đã gửi" in html and html.count("Chưa có số liệu") == 2
    period = open_period(load_shipped_form_set(TODAY.year), PeriodKind.YEAR, TODAY.year,
                         unit_due=datetime.date(2099, 1, 1), locked_on=datetime.date(2099, 1, 1))
    report = compile_report(period, unit("37"))
    indicator = Indicator.objects.get(form__form_set=period.form_set, form__number=3, code="3.2")
    ReportValue.objects.update_or_create(report=report, indicator=indicator, defaults={"value": Decimal("95.5")})
    cache.clear()  # a minute later (the page is kept one minute)
    draft = Client().get(URL, {"ke_hoach": plan.pk}).content.decode()
    assert "95,50" not in draft  # a draft report does not measure anything in public
    report.status = ReportStatus.SUBMITTED
    report.save(update_fields=["status"])
    data = acc.accountability(plan)
    first = data.targets[0]
    assert (first.measured, first.label, first.indicator.code) == (Decimal("95.5"), "Chưa đạt", "3.2")
    assert data.targets[1].label == "Chưa có số liệu"
    cache.clear()
    assert "95,50 %" in Client().get(URL, {"ke_hoach": plan.pk}).content.decode()


def test_the_page_stays_flat_as_the_plan_grows(plan):
    c = Client()
    c.get(URL, {"ke_hoach": plan.pk})  # warm the once-per-process look-ups (the province's name)
    cache.clear()  # measure the rendering, not the one-minute cached copy
    few = count_queries(c, URL, ke_hoach=plan.pk)
    units = [unit(BINH_GIANG), unit(PHU_LY), unit("37.STP"), unit("37.SNV")]
    for i in range(30):
        task = Task.objects.create(plan=plan, group_code=f"G{i % 5}", group_title=f"Nhóm {i % 5}", number=str(i), title=f"NV {i}")
        for u in units:
            Assignment.objects.create(task=task, unit=u, role=AssignmentRole.PARTNER, due_date=FUTURE)
    cache.clear()
    assert count_queries(c, URL, ke_hoach=plan.pk) == few


def test_without_a_plan_the_page_says_so_and_an_unknown_choice_falls_back(plan):
    assert acc.current_plan() is not None
    html = Client().get(URL, {"ke_hoach": "khong-co"}).content.decode()
    assert "<h2>" in html and "Theo nhóm nhiệm vụ" in html  # the current plan instead of an error
    Plan.objects.filter(unit__parent__isnull=True, kind=PlanKind.REFORM).update(kind=PlanKind.OTHER)
    assert "Chưa có kế hoạch cải cách hành chính nào của tỉnh" in Client().get(URL).content.decode()

