"""The whole chain in Debian's Chromium, on a seed plan: the province imports its plan and fans it
out; a commune does two of its tasks (one late) with evidence and records two activities; its open
report shows the new counts without anything being reopened; the leader submits, the coordinator
approves and compiles, and the province's figures hold them; the commune's PAR Index
self-assessment shows 1.1.2 and 1.2 from the same records and applies them in one action; every one
of those numbers opens a list of exactly the records counted, down to the evidence file, which
downloads."""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cchc.core.tests.test_browser import cast  # noqa: F401 - the shared cast fixture
from cchc.orgs.models import Unit
from cchc.plans.models import Assignment
from cchc.records import task_q
from cchc.reports import services
from cchc.reports.form_sets import load_shipped_form_set
from cchc.reports.models import Indicator, PeriodKind, Report, ReportStatus
from cchc.scoring import criteria, workflow
from cchc.scoring.models import CriteriaSet, NodeScore
from cchc.test import BINH_GIANG, build_world, sign_in, sign_out, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEEDS = Path(__file__).resolve().parents[2] / "plans" / "demo"
YEAR = 2025  # the seed plans are for the second half of 2025


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _ind(period, form: int, code: str) -> Indicator:
    return Indicator.objects.get(form__form_set=period.form_set, form__number=form, code=code)


def _node(page: Page, code: str):
    """The self-assessment's section of a PAR criterion."""
    return page.locator("section.node", has=page.locator(".code", has_text=re.compile(rf"^{re.escape(code)}$")))


def _row(page: Page, period, form: int, code: str):
    """The report's row of an indicator (its label cell holds the records link)."""
    return page.locator("tr", has=page.locator(f"label[for=v{_ind(period, form, code).pk}]"))


def test_plan_tasks_evidence_report_compile_and_every_number_opens_its_records(page: Page, cast, immediate_tasks,
                                                                                browser, tmp_path):
    build_world("dieuphoi", "canbo.binhgiang", "chutich.binhgiang")
    period = services.open_period(load_shipped_form_set(YEAR), PeriodKind.YEAR, YEAR, reporting_kinds=["commune", "ward"],
                                  unit_due=datetime.date(2099, 1, 1), locked_on=datetime.date(2099, 1, 1))
    start, end = datetime.date(YEAR, 1, 1), period.end

    # The province imports its plan and fans it out to the units it names.
    sign_in(page, cast, "dieuphoi")
    page.goto(f"{cast}/ke-hoach/nhap/")
    page.get_by_label("Tệp kế hoạch").set_input_files(str(next(SEEDS.glob("004_*.txt"))))
    page.get_by_role("button", name="Đọc tệp").click()
    page.get_by_label("Đơn vị ban hành").select_option(label=Unit.objects.get(code="37").name)
    page.get_by_role("button", name="Xác nhận và lưu").click()
    expect(page.locator(".msg.success")).to_contain_text("Đã lưu kế hoạch với")
    sign_out(page)

    mine = Assignment.objects.filter(unit__code=BINH_GIANG).select_related("task")
    assert mine.exists(), "the plan reaches the commune"
    counted_before = mine.filter(task_q(start, end, "counted")).count()
    # Two tasks: one due inside the window, done late; one done early (it counts when it was done).
    late = mine.filter(due_date__gte=start, due_date__lt=end - datetime.timedelta(days=3)).order_by("due_date").first()
    early = mine.exclude(pk=late.pk).filter(due_date__gt=end).order_by("due_date").first() or \
        mine.exclude(pk=late.pk).order_by("-due_date").first()
    late_day = late.due_date + datetime.timedelta(days=2)
    early_day = min(early.due_date or end, end) - datetime.timedelta(days=1)
    evidence = tmp_path / "bien-ban-hop.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    sign_in(page, cast, "canbo.binhgiang")
    for assignment, day, attach in ((late, late_day, True), (early, early_day, False)):
        page.goto(f"{cast}/nhiem-vu/{assignment.pk}/")
        page.get_by_label("Tiến độ").select_option("done")
        page.get_by_label("Ngày hoàn thành").fill(day.strftime("%d/%m/%Y"))
        page.get_by_label("Số văn bản minh chứng").fill(f"{assignment.pk}/BC-UBND")
        if attach:
            page.get_by_label("Tệp minh chứng").set_input_files(str(evidence))
        page.get_by_role("button", name="Cập nhật").click()
        expect(page.locator(".msg.success")).to_contain_text("Đã cập nhật")
    # Two activities, one of them a dialogue with citizens (form 1 item 6).
    for channel, title in (("Họp thôn, tổ dân phố", "Tuyên truyền dịch vụ công trực tuyến ở thôn Đông"),
                           ("Đối thoại của lãnh đạo với người dân, doanh nghiệp", "Đối thoại với người dân về TTHC")):
        page.goto(f"{cast}/tuyen-truyen/")
        form = page.get_by_role("form", name="Ghi nhận nhanh")
        form.get_by_label("Ngày thực hiện").fill(f"10/10/{YEAR}")
        form.get_by_label("Hình thức").select_option(label=channel)
        form.get_by_label("Nội dung hoạt động").fill(title)
        form.get_by_role("button", name="Ghi nhận").click()
        expect(page.get_by_role("status").filter(has_text="Đã ghi nhận")).to_be_visible()

    # The open report shows the new counts: nothing reopened, nothing typed.
    report = Report.objects.get(period=period, unit__code=BINH_GIANG)
    page.goto(f"{cast}/bao-cao/{report.pk}/")
    counted = counted_before + (0 if early.due_date and early.due_date <= end else 1)
    expect(_row(page, period, 1, "2.1").locator(".records-link")).to_contain_text(f"{counted} — ")
    expect(_row(page, period, 1, "2.2").locator(".records-link")).to_contain_text("2 — 2 nhiệm vụ đã hoàn thành")
    expect(_row(page, period, 1, "6").locator(".records-link")).to_contain_text("1 — 1 hoạt động")
    expect(page.get_by_label("I.4. Thông tin, tuyên truyền CCHC")).to_contain_text("thực hiện 2 hoạt động")
    # 2.2 opens exactly the two tasks done, and the evidence file downloads from there.
    _row(page, period, 1, "2.2").locator(".records-link").click()
    expect(page.locator(".records-count")).to_have_text("2")
    expect(page.locator("table.records tbody tr")).to_have_count(2)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"{late.pk}/BC-UBND").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    sign_out(page)

    # The leader submits: the figures freeze with the records behind them.
    sign_in(page, cast, "chutich.binhgiang")
    page.goto(f"{cast}/bao-cao/{report.pk}/")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo lên cấp trên.")).to_be_visible()
    sign_out(page)
    frozen = report.values.get(indicator=_ind(period, 1, "2.2"))
    assert frozen.value == 2 and sorted(frozen.records) == sorted([late.pk, early.pk])

    # The coordinator approves and compiles: the province's figures include the commune's.
    sign_in(page, cast, "dieuphoi")
    page.goto(f"{cast}/bao-cao/{report.pk}/")
    page.get_by_role("button", name="Phê duyệt").click()
    expect(page.get_by_text("Đã phê duyệt báo cáo")).to_be_visible()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    page.goto(f"{cast}/bao-cao/ky/{period.pk}/")
    page.get_by_role("button", name="Tổng hợp").click()
    expect(page.locator(".msg.success")).to_contain_text("từ 1 báo cáo đã duyệt")
    province = Report.objects.get(period=period, unit__code="37")
    assert province.values.get(indicator=_ind(period, 1, "2.2")).value == 2
    assert province.values.get(indicator=_ind(period, 1, "2.1")).value == counted
    _row(page, period, 1, "2.2").locator(".records-link").click()
    expect(page.locator(".records-count")).to_have_text("2")
    expect(page.locator("table.records")).to_contain_text(late.task.title[:40])
    sign_out(page)

    # The PAR Index round: the commune's self-assessment reads the same records for the year.
    criteria.load_shipped_sets()
    now = timezone.now()
    round_ = workflow.open_round(
        criteria_set=CriteriaSet.objects.get(slug=f"{YEAR}-cap-xa"), units=[Unit.objects.get(code=BINH_GIANG)], year=YEAR,
        by=user("dieuphoi"), self_deadline=now + datetime.timedelta(days=10),
        appraisal_1_deadline=now + datetime.timedelta(days=20), appraisal_2_deadline=now + datetime.timedelta(days=30))
    scorecard = round_.scorecards.get(unit__code=BINH_GIANG)
    year_start, year_end = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
    in_year = mine.filter(task_q(year_start, year_end, "counted")).count()
    sign_in(page, cast, "canbo.binhgiang")
    page.goto(f"{cast}/chi-so-cchc/phieu/{scorecard.pk}/")
    tasks_node, reports_node = _node(page, "1.1.2"), _node(page, "1.2")
    # Only the early task was done by its due date; the late one counts as done, not on time.
    expect(tasks_node.locator("[data-records-text]")).to_have_text(f"1/{in_year} nhiệm vụ hoàn thành đúng hạn")
    expect(reports_node.locator("[data-records-text]")).to_have_text("1/1 báo cáo định kỳ gửi đúng hạn")
    tasks_node.locator("[data-records-link]").first.click()
    expect(page.locator(".records-count")).to_have_text("1")
    expect(page.locator("table.records tbody tr")).to_have_count(1)
    expect(page.locator("table.records")).to_contain_text(early.task.title[:40])
    page.go_back()
    _node(page, "1.2").locator("[data-records-link]").first.click()
    expect(page.locator(".records-count")).to_have_text("1")
    expect(page.locator("table.records tbody tr")).to_have_count(1)
    page.go_back()
    page.get_by_role("button", name="Áp dụng số liệu từ hệ thống").click()
    expect(page.locator(".msg.success")).to_contain_text("Đã áp dụng số liệu từ hệ thống")
    applied = NodeScore.objects.get(scorecard=scorecard, node__code="1.1.2")
    assert applied.self_points is not None, "the records' inputs are saved with their points"
