"""The province's report compiled from dozens of approved unit reports with known numbers."""

import datetime
import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.orgs.models import Unit
from cchc.plans.models import Plan, PlanKind, Target
from cchc.reports.compile import compile_figures, compile_report, sources, target_attainment
from cchc.reports.errors import ReportError
from cchc.reports.form_sets import load_shipped_form_set
from cchc.reports.models import Indicator, PeriodKind, Report, ReportStatus
from cchc.reports.outputs import report_docx, report_xlsx
from cchc.reports.services import approve_report, open_period, save_report, submit_report
from cchc.test import BINH_GIANG, unit

N_COMMUNES, N_DEPARTMENTS = 20, 6


@pytest.fixture
def setup(db):
    form_set = load_shipped_form_set(2026)
    period = open_period(form_set, PeriodKind.YEAR, 2026, locked_on=datetime.date(2099, 1, 1), unit_due=datetime.date(2026, 12, 15))
    ind = {(i.form.number, i.code): i.pk for i in Indicator.objects.filter(form__form_set=form_set).select_related("form")}
    communes = list(period.reports.filter(unit__kind="commune").select_related("unit").order_by("unit__code")[:N_COMMUNES])
    departments = list(period.reports.filter(unit__kind="department").select_related("unit").order_by("unit__code")[:N_DEPARTMENTS])
    for i, report in enumerate(communes):
        save_report(report, texts={
            ind[(3, "3.2.1")]: str(100 + 10 * i), ind[(3, "3.2.2")]: str(90 + 9 * i + i % 3),
            ind[(1, "2.1")]: "10", ind[(1, "2.2")]: str(i % 10),
            ind[(1, "5")]: str(i % 2), ind[(1, "5.2")]: str(i % 3), ind[(4, "1.2")]: "1" if i % 4 == 0 else "0",
            ind[(6, "1.1")]: "1.000,5", ind[(6, "1.2")]: "500",
        }, narrative={"III.2": f"Hạn chế của xã số {i}."}, revision=0)
        submit_report(report)
        approve_report(report)
    for j, report in enumerate(departments):
        save_report(report, texts={
            ind[(3, "3.1.1")]: "1.000", ind[(3, "3.1.2")]: str(990 - j), ind[(4, "1.1")]: "1" if j < 4 else "0",
            ind[(1, "1")]: str(j + 1),
        }, revision=0)
        submit_report(report)
        approve_report(report)
    return period, ind, communes, departments


def figures_by_code(period, figures):
    return {(f.indicator.form.number, f.indicator.code): f for f in figures.values()}


def test_sums_ratios_and_shares(setup):
    period, ind, communes, departments = setup
    province = unit("37")
    reports = sources(period, province)
    assert len(reports) == N_COMMUNES + N_DEPARTMENTS
    f = figures_by_code(period, compile_figures(period, reports))
    total = sum(100 + 10 * i for i in range(N_COMMUNES))
    on_time = sum(90 + 9 * i + i % 3 for i in range(N_COMMUNES))
    assert f[(3, "3.2.1")].value == total and f[(3, "3.2.2")].value == on_time
    # Σ numerators / Σ denominators — not the mean of the communes' own rates.
    assert f[(3, "3.2")].value == Decimal(on_time) * 100 / total
    mean_of_rates = sum(Decimal(90 + 9 * i + i % 3) * 100 / (100 + 10 * i) for i in range(N_COMMUNES)) / N_COMMUNES
    assert abs(f[(3, "3.2")].value - mean_of_rates) > Decimal("0.01")
    assert f[(1, "2")].value == Decimal(sum(i % 10 for i in range(N_COMMUNES))) * 100 / (10 * N_COMMUNES)
    assert f[(6, "1.1")].value == Decimal("1000.5") * N_COMMUNES
    assert f[(4, "1.2")].value == Decimal(5) * 100 / 20 and f[(4, "1.2")].scope_units == N_COMMUNES
    assert f[(4, "1.1")].value == Decimal(4) * 100 / 6 and f[(4, "1.1")].text == "66,67"
    # Item 5 is fed by the survey records: the communes typed over it, the departments (no survey)
    # answer "Không" from the records, so they count; 5.2 has no code without forms, so they do not.
    assert f[(1, "5")].text == f"{N_COMMUNES // 2}/{N_COMMUNES + N_DEPARTMENTS} đơn vị"
    assert f[(1, "5.2")].text == "Trực tuyến: 7; Phát phiếu: 7; Kết hợp: 6"
    assert f[(1, "1")].value == sum(range(1, N_DEPARTMENTS + 1))


def test_only_approved_reports_count(setup):
    period, ind, communes, departments = setup
    pending = Report.objects.filter(period=period, unit__kind="commune", status=ReportStatus.DRAFT).select_related("unit").first()
    save_report(pending, texts={ind[(3, "3.2.1")]: "99.999", ind[(3, "3.2.2")]: "99.999"}, revision=0)
    submit_report(pending)
    f = figures_by_code(period, compile_figures(period, sources(period, unit("37"))))
    assert f[(3, "3.2.1")].value == sum(100 + 10 * i for i in range(N_COMMUNES))


def test_compile_query_count_does_not_grow_with_units(setup):
    period, *_ = setup
    province = unit("37")
    reports = sources(period, province)
    with CaptureQueriesContext(connection) as few:
        compile_figures(period, reports[:5])
    with CaptureQueriesContext(connection) as many:
        compile_figures(period, reports)
    assert len(few) == len(many) <= 4
    compile_report(period, province)  # creates the province's own report
    with CaptureQueriesContext(connection) as first:
        compile_report(period, province)
    for report in Report.objects.filter(period=period, unit__kind="ward", status=ReportStatus.DRAFT)[:10]:
        submit_report(report)
        approve_report(report)
    assert len(sources(period, province)) == len(reports) + 10
    with CaptureQueriesContext(connection) as again:
        compile_report(period, province)
    assert len(again) == len(first)


def test_a_department_compiles_its_offices_and_is_counted_once_above(setup):
    period, ind, communes, departments = setup
    snv = Report.objects.get(period=period, unit__code="37.SNV")
    assert snv.status == ReportStatus.DRAFT  # not among the six approved above
    for code, n in (("37.SNV.VP", "3"), ("37.SNV.TTRA", "4")):
        office = Report.objects.create(period=period, unit=unit(code))
        save_report(office, texts={ind[(1, "1")]: n}, revision=0)
        submit_report(office)
        approve_report(office)
    compiled = compile_report(period, unit("37.SNV"))
    assert compiled.compiled and compiled.values.get(indicator_id=ind[(1, "1")]).value == 7
    submit_report(compiled)
    approve_report(compiled)
    f = figures_by_code(period, compile_figures(period, sources(period, unit("37"))))
    assert f[(1, "1")].value == sum(range(1, N_DEPARTMENTS + 1)) + 7  # the offices once, inside Sở Nội vụ
    with pytest.raises(ReportError, match="mở lại trước khi tổng hợp lại"):
        compile_report(period, unit("37.SNV"))


def test_province_report_docx_and_xlsx(setup):
    period, ind, communes, departments = setup
    plan = Plan.objects.create(unit=unit("37"), kind=PlanKind.REFORM, title="Kế hoạch CCHC năm 2026", number="5/KH-UBND",
                               period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31))
    Target.objects.create(plan=plan, number="1", text="Tỷ lệ hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hạn",
                          comparator=">=", value=Decimal(98), unit_of_measure="%")
    Target.objects.create(plan=plan, number="2", text="Mức độ hài lòng của người dân đạt trên 90%", comparator=">=",
                          value=Decimal(90), unit_of_measure="%")
    report = compile_report(period, unit("37"))
    figures = compile_figures(period, sources(period, unit("37")))
    attainment = target_attainment(period, unit("37"), figures)
    assert [a.label for a in attainment] == ["Chưa đạt", "Chưa có số liệu"]  # ~90 % against ≥ 98 %
    assert "Xã" in report.narrative["III.2"] and "Hạn chế của xã số 3." in report.narrative["III.2"]

    document = docx.Document(io.BytesIO(report_docx(report)))
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    text = "\n".join([p.text for p in document.paragraphs] + sorted(cells))
    assert "BÁO CÁO" in text and "/BC-UBND" in text and "Ninh Bình, ngày" in text
    assert "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC" in text and "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI" in text
    assert "Nơi nhận" in text and "KT. CHỦ TỊCH" in text and "Biểu mẫu 7" in text
    assert "cải cách hành chính năm 2026" in text
    assert "Tỷ lệ hồ sơ TTHC do UBND cấp xã tiếp nhận được giải quyết đúng hạn" in cells
    assert "Chưa đạt" in cells and f"{N_COMMUNES // 2}/{N_COMMUNES + N_DEPARTMENTS} đơn vị" in cells

    workbook = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    assert workbook.sheetnames[:7] == [f"Biểu mẫu {n}" for n in range(1, 8)]
    assert workbook.sheetnames[7:] == [f"BM{n} theo đơn vị" for n in range(1, 8)]
    header = [c.value for c in workbook["BM3 theo đơn vị"][1]]
    assert header[:4] == ["STT", "Chỉ tiêu", "Đơn vị tính", "Tổng hợp"] and len(header) == 4 + N_COMMUNES + N_DEPARTMENTS
    assert communes[0].unit.display_name in header
    rows = {r[0]: r for r in workbook["BM3 theo đơn vị"].iter_rows(min_row=2, values_only=True)}
    col = header.index(communes[1].unit.display_name)
    # Stored as a number with a thousands format, so Excel sums and sorts it.
    assert rows["3.2.1."][col] == 110
    row_number = [r[0].row for r in workbook["BM3 theo đơn vị"].iter_rows(min_row=2) if r[0].value == "3.2.1."][0]
    assert workbook["BM3 theo đơn vị"].cell(row=row_number, column=col + 1).number_format == "#,##0"


def test_a_merged_units_reports_compile_under_its_successor(db):
    form_set = load_shipped_form_set(2025)
    period = open_period(form_set, PeriodKind.YEAR, 2025, locked_on=datetime.date(2099, 1, 1), unit_due=datetime.date(2025, 12, 15))
    indicator = Indicator.objects.get(form__form_set=form_set, form__number=1, code="1")
    old = Report.objects.create(period=period, unit=unit("13531.truoc.xa-bo-de"))  # sent before the 01/07/2025 merger
    save_report(old, texts={indicator.pk: "4"}, revision=0)
    submit_report(old)
    approve_report(old)
    new = Report.objects.get(period=period, unit__code=BINH_GIANG)
    save_report(new, texts={indicator.pk: "6"}, revision=0)
    submit_report(new)
    approve_report(new)
    reports = sources(period, unit("37"))
    assert {r.unit.code for r in reports} == {"13531.truoc.xa-bo-de", BINH_GIANG}
    figures = compile_figures(period, reports)
    assert figures[indicator.pk].value == 10
    assert Unit.objects.get(code="13531.truoc.xa-bo-de").successors.get().code == BINH_GIANG


def test_a_compiled_reports_figures_are_not_typed_over_but_its_narrative_is_edited(setup):
    period, ind, communes, departments = setup
    report = compile_report(period, unit("37"))
    with pytest.raises(ReportError, match="hãy tổng hợp lại thay vì sửa tay"):
        save_report(report, texts={ind[(1, "1")]: "999"}, revision=report.revision)
    saved = save_report(report, texts={}, narrative={"III.1": "Toàn tỉnh hoàn thành đúng hạn."}, revision=report.revision)
    assert saved.narrative["III.1"] == "Toàn tỉnh hoàn thành đúng hạn."
    assert saved.values.get(indicator_id=ind[(4, "1.1")]).value == Decimal("66.6667")  # a share, kept as compiled


def test_the_compile_flags_a_part_larger_than_its_total(db, client):
    """Each unit's figures pass entry on their own; added up, the part (374) exceeds the total (341)."""
    from cchc.reports.compile import compile_warnings
    from django.urls import reverse

    from cchc.test import user

    form_set = load_shipped_form_set(2026)
    period = open_period(form_set, PeriodKind.YEAR, 2026, locked_on=datetime.date(2099, 1, 1), unit_due=datetime.date(2026, 12, 15))
    ind = {(i.form.number, i.code): i.pk for i in Indicator.objects.filter(form__form_set=form_set).select_related("form")}
    first, second = period.reports.filter(unit__kind="commune").select_related("unit").order_by("unit__code")[:2]
    save_report(first, texts={ind[(2, "1")]: "341", ind[(2, "1.1")]: "300"}, revision=0)
    save_report(second, texts={ind[(2, "1.1")]: "74"}, revision=0)
    with pytest.raises(ReportError, match=r"Số thành phần \(375\) lớn hơn tổng \(341\)"):
        save_report(first, texts={ind[(2, "1")]: "341", ind[(2, "1.1")]: "375"}, revision=1)  # entry refuses it
    for report in (first, second):
        submit_report(report)
        approve_report(report)
    figures = compile_figures(period, [first, second])
    assert compile_warnings(figures) == [
        "Biểu mẫu 2, chỉ tiêu 1.1: Số thành phần (374) lớn hơn tổng (341) ở chỉ tiêu 1."
    ]
    compiled = compile_report(period, unit("37"))
    client.force_login(user("dieuphoi"))
    page = client.get(reverse("reports:report", args=[compiled.pk])).content.decode()
    assert "Cần xem lại" in page and "Số thành phần (374) lớn hơn tổng (341) ở chỉ tiêu 1." in page
