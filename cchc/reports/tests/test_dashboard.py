"""The dashboard (targets, task progress, overdue, completeness, ratios over periods) and the demo."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.plans.models import Assignment, AssignmentRole, Plan, PlanKind, Progress, Target, Task
from cchc.reports import compile as compiling
from cchc.reports import demo, services
from cchc.reports.form_sets import load_shipped_form_set
from cchc.reports.models import Period, Report, ReportStatus
from cchc.reports.tests.test_views import fill_and_approve, ind, login, period, report_of  # noqa: F401
from cchc.test import BINH_GIANG, PHU_LY, count_queries, unit

pytestmark = pytest.mark.django_db


def make_tasks(n: int, year: int, *, code=BINH_GIANG):
    target_unit = unit(code)
    plan = Plan.objects.create(title=f"Kế hoạch CCHC thử {n}", kind=PlanKind.REFORM, unit=unit("37"),
                               period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31))
    Target.objects.create(plan=plan, text="Tỷ lệ hoàn thành Kế hoạch CCHC năm", comparator=">=", value=90,
                          unit_of_measure="%")
    for i in range(n):
        task = Task.objects.create(plan=plan, title=f"Nhiệm vụ {i}", group_code=f"{i % 3 + 1}",
                                   group_title=["Cải cách thể chế", "Cải cách TTHC", "Chuyển đổi số"][i % 3])
        done = i % 2 == 0
        Assignment.objects.create(task=task, unit=target_unit, role=AssignmentRole.LEAD,
                                  due_date=datetime.date(year, 3, 1), progress=Progress.DONE if done else Progress.IN_PROGRESS,
                                  completed_on=datetime.date(year, 2, 20) if done else None)
    return plan


def test_dashboard_for_the_coordinator(client, period):
    make_tasks(6, period.year)
    fill_and_approve(period, BINH_GIANG, {"1_2_1": "10", "1_2_2": "9"})
    fill_and_approve(period, PHU_LY, {"1_2_1": "10", "1_2_2": "10"})
    compiling.compile_report(period, unit("37"))
    html = login(client, "dieuphoi").get(reverse("reports:dashboard")).content.decode()
    assert "Bảng điều khiển — UBND tỉnh Ninh Bình" in html
    assert "Tình hình gửi báo cáo" in html and "Đúng hạn" in html
    assert "Cải cách thể chế" in html and "Chuyển đổi số" in html  # tasks by group
    assert "Nhiệm vụ quá hạn theo đơn vị" in html
    assert "Tỷ lệ hoàn thành Kế hoạch CCHC năm" in html
    assert "95 %" in html  # the compiled ratio 19 / 20 over periods
    assert "Đạt" in html  # 95 % ≥ 90 %: the target is met


def test_dashboard_for_a_unit_and_by_period(client, period):
    make_tasks(4, period.year)
    older = services.open_period(period.form_set, "q1", period.year - 1)
    login(client, "canbo.binhgiang")
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert "Bảng điều khiển — " in html and unit(BINH_GIANG).display_name in html
    assert "Nhiệm vụ quá hạn theo đơn vị" in html
    html = client.get(reverse("reports:dashboard"), {"ky": older.pk}).content.decode()
    assert f'<option value="{older.pk}" selected>' in html
    assert client.get(reverse("reports:dashboard"), {"ky": "999999"}).status_code == 404
    assert client.get(reverse("reports:dashboard"), {"don_vi": PHU_LY}).status_code == 404


def test_dashboard_queries_stay_flat(client, period):
    login(client, "dieuphoi")
    url = reverse("reports:dashboard")
    make_tasks(2, period.year)
    compiling.compile_report(period, unit("37"))  # the province's own report exists at both sizes
    small = count_queries(client, url)
    make_tasks(40, period.year, code=PHU_LY)
    for report in Report.objects.filter(period=period, unit__kind="commune")[:15]:
        services.save_report(report, texts={ind(period, 1, "2.1").pk: "4", ind(period, 1, "2.2").pk: "3"}, revision=0)
        services.submit_report(report)
        services.approve_report(report)
    compiling.compile_report(period, unit("37"))
    assert count_queries(client, url) == small


def test_dashboard_without_any_period(client):
    html = login(client, "dieuphoi").get(reverse("reports:dashboard")).content.decode()
    assert "Chưa có kỳ báo cáo nào được mở." in html


def test_demo_is_idempotent():
    first = demo.load_demo()
    period = Period.objects.get()
    statuses = dict(
        (s, period.reports.filter(status=s).count()) for s in ReportStatus.values
    )
    assert "Báo cáo định kỳ mẫu" in first
    if timezone.localdate() <= period.locked_on:
        assert statuses[ReportStatus.APPROVED] >= 10 and statuses[ReportStatus.RETURNED] == 1
        assert statuses[ReportStatus.SUBMITTED] >= 5
        assert period.reports.filter(revision__gt=0).count() >= 30
        assert report_of(period, BINH_GIANG).revision == 0  # left for the demo officer
    revisions = list(period.reports.order_by("pk").values_list("revision", "status"))
    second = demo.load_demo()
    assert "điền 0 báo cáo" in second or "khóa" in second
    assert list(period.reports.order_by("pk").values_list("revision", "status")) == revisions
    assert load_shipped_form_set(period.year) == period.form_set
