"""The inspection chain in Debian's Chromium: the coordinator builds the 2026 plan from the
suggestion, records the visit to xã Bình Giang with two findings and issues the conclusion DOCX;
the commune closes one remedy with evidence where it closes its tasks; the province's report form 1
item 3 and its PAR 1.3.1–1.3.2 show it, each figure opening its records."""

import datetime
import io
import re

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cchc.core.tests.test_browser import cast  # noqa: F401 - the shared cast fixture
from cchc.inspections.models import Finding, InspectionPlan
from cchc.orgs.models import Unit
from cchc.reports import services as reports
from cchc.reports.compile import compile_report
from cchc.reports.form_sets import load_shipped_form_set
from cchc.reports.models import Indicator, PeriodKind, Report
from cchc.scoring import criteria, workflow
from cchc.scoring.models import CriteriaSet
from cchc.test import BINH_GIANG, build_world, sign_in, sign_out, user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = 2026


def _ind(period, form: int, code: str) -> Indicator:
    return Indicator.objects.get(form__form_set=period.form_set, form__number=form, code=code)


def _row(page: Page, period, form: int, code: str):
    return page.locator("tr", has=page.locator(f"label[for=v{_ind(period, form, code).pk}]"))


def _node(page: Page, code: str):
    return page.locator("section.node", has=page.locator(".code", has_text=re.compile(rf"^{re.escape(code)}$")))


def test_plan_visit_findings_conclusion_remedy_and_the_figures(page: Page, cast, tmp_path):
    build_world("dieuphoi", "canbo.binhgiang", "chutich.binhgiang")
    period = reports.open_period(load_shipped_form_set(YEAR), PeriodKind.YEAR, YEAR, reporting_kinds=["commune", "ward"],
                                 unit_due=datetime.date(2099, 1, 1), locked_on=datetime.date(2099, 1, 1))
    bg = Unit.objects.get(code=BINH_GIANG)

    # The coordinator builds the plan: the suggestion is pre-chosen, the person decides.
    sign_in(page, cast, "dieuphoi")
    page.goto(f"{cast}/kiem-tra/")
    form = page.locator("#plan-form")
    form.get_by_label("Đơn vị kiểm tra").select_option(label=Unit.objects.get(code="37").name)
    form.get_by_label("Năm").fill(str(YEAR))
    form.get_by_label("Số kế hoạch").fill("210/KH-UBND")
    form.get_by_role("button", name="Tạo kế hoạch kiểm tra").click()
    expect(page.locator(".msg.success")).to_contain_text("Đã tạo kế hoạch kiểm tra")
    chooser = page.locator("#choose-form")
    expect(chooser).to_contain_text("Sở, ban, ngành — cần ít nhất")
    chooser.get_by_label(bg.name, exact=True).check()
    chooser.get_by_role("button", name="Lưu danh sách đơn vị được kiểm tra").click()
    expect(page.locator(".msg.success")).to_contain_text("Đã lưu danh sách đơn vị được kiểm tra")
    inspection = InspectionPlan.objects.get()
    assert inspection.targets.filter(unit=bg).exists()
    page.locator("#team-form").get_by_label("Tên đoàn").fill("Đoàn kiểm tra số 1")
    page.locator("#team-form").get_by_label("Trưởng đoàn").fill("Nguyễn Văn Hùng")
    page.locator("#team-form").get_by_role("button", name="Thêm đoàn").click()
    expect(page.locator(".msg.success")).to_contain_text("Đã thêm đoàn kiểm tra")

    # The visit: date, checklist, two findings, the conclusion.
    page.locator("table.targets").get_by_role("link", name=bg.name).click()
    visit_form = page.locator("#visit-form")
    visit_form.get_by_label("Ngày kiểm tra").fill(f"15/06/{YEAR}")
    visit_form.get_by_label("Kết quả đạt được").fill("Ban hành kế hoạch CCHC năm đúng hạn.")
    visit_form.get_by_label("Kết quả 1.a").select_option("dat")
    visit_form.get_by_role("button", name="Lưu kết quả kiểm tra").click()
    expect(page.locator(".msg.success")).to_contain_text("Đã ghi kết quả kiểm tra")
    for text, remedy, due in (("Chưa cập nhật tin CCHC hằng tháng", "Cập nhật 4 tin mỗi tháng", "31/08"),
                              ("Tỷ lệ hồ sơ trực tuyến thấp", "Hướng dẫn nộp hồ sơ trực tuyến", "31/10")):
        finding_form = page.locator("#finding-form")
        finding_form.get_by_label("Tồn tại, hạn chế").fill(text)
        finding_form.get_by_label("Yêu cầu khắc phục").fill(remedy)
        finding_form.get_by_label("Hạn khắc phục").fill(f"{due}/{YEAR}")
        finding_form.get_by_role("button", name="Ghi vấn đề và giao khắc phục").click()
        expect(page.locator(".msg.success")).to_contain_text("Đã ghi vấn đề và giao nhiệm vụ khắc phục")
    # A remedy due before the visit is refused on the page, nothing saved.
    finding_form = page.locator("#finding-form")
    finding_form.get_by_label("Tồn tại, hạn chế").fill("Sai hạn")
    finding_form.get_by_label("Yêu cầu khắc phục").fill("Sai hạn")
    finding_form.get_by_label("Hạn khắc phục").fill(f"01/06/{YEAR}")
    finding_form.get_by_role("button", name="Ghi vấn đề và giao khắc phục").click()
    expect(page.get_by_role("alert").first).to_contain_text("trước ngày kiểm tra 15/06/2026")
    assert Finding.objects.count() == 2
    conclusion = page.locator("#conclusion-form")
    conclusion.get_by_label("Số thông báo").fill("45/TB-UBND")
    conclusion.get_by_label("Ngày thông báo").fill(f"25/06/{YEAR}")
    conclusion.get_by_label("Người ký").fill("Nguyễn Văn Hùng")
    conclusion.get_by_role("button", name="Lưu số, ngày, người ký").click()
    expect(page.locator(".msg.success")).to_contain_text("Đã lưu thông báo kết luận")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Thông báo kết luận (.docx)").click()
    document = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
    text = "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert "Số: 45/TB-UBND" in text and "THÔNG BÁO" in text and "Chưa cập nhật tin CCHC hằng tháng" in text
    sign_out(page)

    # The commune closes one remedy with evidence, as it closes its tasks.
    sign_in(page, cast, "canbo.binhgiang")
    page.goto(f"{cast}/kiem-tra/cua-toi/")
    row = page.locator("tr.finding", has_text="Chưa cập nhật tin CCHC hằng tháng")
    expect(row.locator(".status")).to_have_text("Chưa xử lý")
    row.get_by_role("link", name="Cập nhật, minh chứng").click()
    page.get_by_label("Tiến độ").select_option("done")
    page.get_by_label("Ngày hoàn thành").fill(f"20/08/{YEAR}")
    page.get_by_label("Số văn bản minh chứng").fill("112/BC-UBND")
    page.get_by_role("button", name="Cập nhật").click()
    expect(page.locator(".msg.success")).to_contain_text("Đã cập nhật")
    page.goto(f"{cast}/kiem-tra/cua-toi/")
    expect(page.locator("tr.finding", has_text="Chưa cập nhật tin CCHC hằng tháng").locator(".status")).to_have_text("Đã xử lý xong")
    expect(page.locator("tr.finding", has_text="Tỷ lệ hồ sơ trực tuyến thấp").locator(".status")).to_have_text("Chưa xử lý")
    sign_out(page)

    # The province's report form 1 item 3 and its PAR 1.3.x.
    report = Report.objects.get(period=period, unit=bg)
    reports.submit_report(report)
    reports.approve_report(report)
    province = compile_report(period, Unit.objects.get(code="37"))
    sign_in(page, cast, "dieuphoi")
    page.goto(f"{cast}/bao-cao/{province.pk}/")
    for code, value in (("3.1", "0"), ("3.2", "1"), ("3.3.1", "2"), ("3.3.2", "1")):
        expect(_row(page, period, 1, code)).to_contain_text(value)
    _row(page, period, 1, "3.3.2").get_by_role("link").first.click()
    expect(page.locator(".records-count")).to_have_text("1")
    expect(page.locator("table.records")).to_contain_text("Chưa cập nhật tin CCHC hằng tháng")
    expect(page.locator("table.records")).to_contain_text("112/BC-UBND")

    criteria.load_shipped_sets()
    now = timezone.now()
    round_ = workflow.open_round(
        criteria_set=CriteriaSet.objects.get(slug="2025-tinh-1187"), units=[Unit.objects.get(code="37")], year=YEAR,
        by=user("dieuphoi"), self_deadline=now + datetime.timedelta(days=10),
        appraisal_1_deadline=now + datetime.timedelta(days=20), appraisal_2_deadline=now + datetime.timedelta(days=30))
    scorecard = round_.scorecards.get()
    page.goto(f"{cast}/chi-so-cchc/phieu/{scorecard.pk}/")
    expect(_node(page, "1.3.2").locator("[data-records-text]")).to_have_text("1/2 vấn đề đã xử lý xong, 0 đang xử lý")
    expect(_node(page, "1.3.1").locator("[data-records-text]")).to_contain_text("1/")
    _node(page, "1.3.2").locator("[data-records-link]").first.click()
    expect(page.locator(".records-count")).to_have_text("1")
