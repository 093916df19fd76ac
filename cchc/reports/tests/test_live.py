"""The live chain from the outside: what units record fills their open reports by the mapping, each
figure opens exactly the records it counts, submission freezes them, and pages stay flat."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc import records
from cchc.comms.models import Activity
from cchc.orgs.models import Unit, UnitKind
from cchc.plans.models import Assignment, AssignmentRole, Evidence, Plan, Progress, Task
from cchc.plans.services import is_central_task
from cchc.portal.models import ProcedureChange
from cchc.reports import live, services
from cchc.reports.compile import compile_report
from cchc.reports.form_sets import indicators_of, load_shipped_form_set
from cchc.reports.models import Indicator, PeriodKind, Report
from cchc.test import BINH_GIANG, PHU_LY, count_queries, unit, user

pytestmark = pytest.mark.django_db
YEAR = 2026
D = datetime.date


@pytest.fixture
def period():
    return services.open_period(load_shipped_form_set(YEAR), PeriodKind.YEAR, YEAR, unit_due=D(2099, 1, 1),
                                locked_on=D(2099, 1, 1))


def ind(period, form, code) -> Indicator:
    return Indicator.objects.get(form__form_set=period.form_set, form__number=form, code=code)


def report_of(period, code) -> Report:
    return Report.objects.get(period=period, unit=unit(code))


def figures(report) -> dict:
    indicators = list(indicators_of(report.period.form_set))
    cells = live.cells(report, indicators)
    return {f"{i.form.number}/{i.code}": cells[i.pk].value for i in indicators}


def tasks(code, rows, *, central=False, title="Nhiệm vụ"):
    plan = Plan.objects.create(unit=unit("37"), title="Kế hoạch CCHC năm 2026", number="9/KH-UBND")
    made = []
    for i, (due, progress, completed) in enumerate(rows):
        task = Task.objects.create(plan=plan, title=f"{title} {i}", central=central)
        made.append(Assignment.objects.create(task=task, unit=unit(code), role=AssignmentRole.LEAD, due_date=due,
                                              progress=progress, completed_on=completed))
    return made


def test_every_mapped_indicator_exists_in_the_shipped_forms_and_names_a_known_query(period):
    keys = {f"{i.form.number}/{i.code}" for i in indicators_of(period.form_set)}
    assert len(keys) == 123
    for key, source in live.sources().items():
        assert key in keys, key
        assert source.query in records.REGISTRY, source.query
        records.get(source.query).describe(records.get(source.query).clean(source.params))  # words for every one


def test_the_government_tasks_are_read_from_the_task_words():
    assert is_central_task("Thực hiện các nhiệm vụ Chính phủ, Thủ tướng Chính phủ giao tại Nghị quyết 76/NQ-CP")
    assert is_central_task("Nhiem vu Thu tuong Chinh phu giao")
    assert not is_central_task("Sở Nội vụ giao các xã báo cáo") and not is_central_task("Chính phủ ban hành nghị định")


def test_form_1_from_tasks_plans_and_dialogues(period):
    tasks(BINH_GIANG, [(D(2026, 3, 31), Progress.DONE, D(2026, 3, 1)), (D(2026, 4, 30), Progress.DONE, D(2026, 5, 2)),
                       (D(2026, 5, 31), Progress.IN_PROGRESS, None)], central=True)
    tasks(BINH_GIANG, [(D(2026, 6, 30), Progress.DONE, D(2026, 6, 1))])
    tasks(PHU_LY, [(D(2026, 6, 30), Progress.DONE, D(2026, 6, 1))])  # another commune's: not counted here
    Plan.objects.create(unit=unit(BINH_GIANG), title="Kế hoạch CCHC năm 2026 của xã", issued_on=D(2026, 1, 10))
    Plan.objects.create(unit=unit(BINH_GIANG), title="Kế hoạch năm trước", issued_on=D(2025, 1, 10))
    Activity.objects.create(unit=unit(BINH_GIANG), date=D(2026, 8, 1), channel="dialogue", title="Đối thoại với người dân")
    got = figures(report_of(period, BINH_GIANG))
    assert got["1/1"] == 1 and got["1/2.1"] == 4 and got["1/2.2"] == 3 and got["1/2"] == 75
    assert (got["1/4.1"], got["1/4.1.1"], got["1/4.1.2"], got["1/4.1.3"]) == (3, 1, 1, 1)
    assert got["1/6"] == 1
    assert figures(report_of(period, PHU_LY))["1/6"] == 0


def test_reports_sent_through_the_system_and_public_service_units(period):
    earlier = services.open_period(period.form_set, PeriodKind.HALF, YEAR, unit_due=D(2099, 1, 1), locked_on=D(2099, 1, 1))
    services.submit_report(report_of(earlier, BINH_GIANG))
    got = figures(report_of(period, BINH_GIANG))
    assert got["7/2"] == 50  # 1 of its 2 reports this year (the half-year sent, this one not yet)
    department = unit("37.STP")
    Unit.objects.create(code="37.STP.TT", name="Trung tâm Trợ giúp pháp lý", kind=UnitKind.SERVICE_UNIT, parent=department)
    assert figures(report_of(period, "37.STP"))["4/1.5.2"] == 1


def test_a_figure_opens_exactly_its_records_live_then_as_frozen(client, period):
    done = tasks(BINH_GIANG, [(D(2026, 3, 31), Progress.DONE, D(2026, 3, 1)), (D(2026, 9, 30), Progress.DONE, D(2026, 10, 2)),
                              (D(2026, 10, 31), Progress.IN_PROGRESS, None)])
    Evidence.objects.create(assignment=done[0], document_number="15/BC-UBND")
    report = report_of(period, BINH_GIANG)
    url = reverse("reports:value_records", args=[report.pk, ind(period, 1, "2.2").pk])
    client.force_login(user("canbo.binhgiang"))
    html = client.get(url).content.decode()
    assert '<strong class="records-count">2</strong>' in html and "15/BC-UBND" in html
    assert "Nhiệm vụ 0" in html and "Nhiệm vụ 1" in html and "Nhiệm vụ 2" not in html
    services.submit_report(report)
    Assignment.objects.filter(pk=done[2].pk).update(progress=Progress.DONE, completed_on=D(2026, 11, 1))
    html = client.get(url).content.decode()
    assert '<strong class="records-count">2</strong>' in html and "Chốt khi gửi báo cáo" in html
    # A typed-only indicator has no records list; another unit's report is not found.
    assert client.get(reverse("reports:value_records", args=[report.pk, ind(period, 3, "3.2.1").pk])).status_code == 404
    other = report_of(period, PHU_LY)
    assert client.get(reverse("reports:value_records", args=[other.pk, ind(period, 1, "2.2").pk])).status_code == 404


def test_the_records_page_checks_its_arguments_and_access(client):
    client.force_login(user("canbo.binhgiang"))
    base = reverse("records", args=["tasks"])
    assert client.get(base, {"don_vi": BINH_GIANG, "tu": "2026-01-01", "den": "2026-12-14"}).status_code == 200
    assert client.get(base, {"don_vi": PHU_LY, "tu": "2026-01-01", "den": "2026-12-14"}).status_code == 404
    assert client.get(base, {"tu": "2026-01-01", "den": "2026-12-14"}).status_code == 403  # the whole province
    bad = client.get(base, {"don_vi": BINH_GIANG, "tu": "2026-02-30", "den": "2026-12-14"})
    assert bad.status_code == 400 and "Khoảng thời gian không hợp lệ" in bad.content.decode()
    assert client.get(base, {"don_vi": BINH_GIANG, "tu": "2026-12-14", "den": "2026-01-01"}).status_code == 400
    assert client.get(reverse("records", args=["khong-co"]), {"tu": "2026-01-01", "den": "2026-12-14"}).status_code == 404
    # An unknown parameter value falls back to the default, never to an error or another query.
    tasks(BINH_GIANG, [(D(2026, 3, 31), Progress.DONE, D(2026, 3, 1))])
    html = client.get(base, {"don_vi": BINH_GIANG, "tu": "2026-01-01", "den": "2026-12-14", "measure": "x' OR 1=1"}).content.decode()
    assert '<strong class="records-count">1</strong>' in html


def test_list_url_shows_the_same_count(client):
    tasks(BINH_GIANG, [(D(2026, 3, 31), Progress.DONE, D(2026, 3, 1)), (D(2026, 4, 30), Progress.NOT_STARTED, None)])
    start, end = D(2026, 1, 1), D(2026, 12, 14)
    for measure in ("counted", "done", "overdue"):
        n = records.count("tasks", start, end, {"measure": measure}, unit=unit(BINH_GIANG))
        client.force_login(user("canbo.binhgiang"))
        html = client.get(records.list_url("tasks", start, end, {"measure": measure}, unit=unit(BINH_GIANG))).content.decode()
        assert f'<strong class="records-count">{n}</strong>' in html


def test_the_province_report_counts_procedures_province_wide(period):
    ProcedureChange.objects.create(name="Cấp phép xây dựng", field="Xây dựng", change="new", deciding_document="QĐ 1",
                                   decided_on=D(2026, 5, 1))
    ProcedureChange.objects.create(name="Đăng ký hộ kinh doanh", field="Kinh tế", change="abolished",
                                   deciding_document="QĐ 2", decided_on=D(2026, 6, 1))
    ProcedureChange.objects.create(name="Cũ", field="Kinh tế", change="new", deciding_document="QĐ 3", decided_on=D(2025, 6, 1))
    report = report_of(period, BINH_GIANG)
    services.submit_report(report)
    services.approve_report(report)
    province = compile_report(period, unit("37"))
    values = {f"{v.indicator.form.number}/{v.indicator.code}": v for v in province.values.select_related("indicator__form")}
    assert values["3/1.2"].value == 1 and values["3/1.3"].value == 1 and len(values["3/1.2"].records) == 1


def test_cumulative_indicators_carry_the_previous_periods_figure(client, period):
    earlier = services.open_period(period.form_set, PeriodKind.HALF, YEAR, unit_due=D(2099, 1, 1), locked_on=D(2099, 1, 1))
    cumulative = ind(period, 6, "2.6")
    assert cumulative.cumulative
    services.save_report(report_of(earlier, BINH_GIANG), texts={cumulative.pk: "3"}, revision=0)
    client.force_login(user("canbo.binhgiang"))
    html = client.get(reverse("reports:report", args=[report_of(period, BINH_GIANG).pk])).content.decode()
    assert f'name="v{cumulative.pk}" id="v{cumulative.pk}" value="3"' in html and "số của kỳ trước (3)" in html


def _grow(n: int):
    rows = [(D(2026, 1 + i % 11, 1 + i % 27), Progress.DONE if i % 2 else Progress.IN_PROGRESS,
             D(2026, 1 + i % 11, 2 + i % 26) if i % 2 else None) for i in range(n)]
    for assignment in tasks(BINH_GIANG, rows):
        Evidence.objects.create(assignment=assignment, document_number=f"{assignment.pk}/BC")
    Activity.objects.bulk_create([Activity(unit=unit(BINH_GIANG), date=D(2026, 1 + i % 11, 1), channel="radio",
                                           title=f"Phát thanh {i}") for i in range(n * 5)])


def test_report_and_records_pages_stay_flat_as_records_grow(client, period):
    report = report_of(period, BINH_GIANG)
    client.force_login(user("canbo.binhgiang"))
    urls = [reverse("reports:report", args=[report.pk]),
            reverse("reports:value_records", args=[report.pk, ind(period, 1, "2.1").pk]),
            reverse("reports:xlsx", args=[report.pk])]
    _grow(3)
    small = [count_queries(client, u) for u in urls]
    _grow(60)
    large = [count_queries(client, u) for u in urls]
    assert large == small
    assert figures(report)["1/2.1"] == 63


def test_freezing_every_report_at_once(period):
    tasks(BINH_GIANG, [(D(2026, 3, 31), Progress.DONE, D(2026, 3, 1))])
    tasks(PHU_LY, [(D(2026, 3, 31), Progress.IN_PROGRESS, None), (D(2026, 4, 1), Progress.DONE, D(2026, 4, 1))])
    reports = list(Report.objects.filter(period=period).select_related("unit"))
    live.freeze_many(period, reports, list(indicators_of(period.form_set)))
    got = {r.unit.code: {f"{v.indicator.form.number}/{v.indicator.code}": v for v in r.values.select_related("indicator__form")}
           for r in Report.objects.filter(period=period, unit__code__in=[BINH_GIANG, PHU_LY]).select_related("unit")}
    assert got[BINH_GIANG]["1/2.2"].value == 1 and got[PHU_LY]["1/2.1"].value == 2 and got[PHU_LY]["1/2.2"].value == 1
    assert got[PHU_LY]["1/2"].value == Decimal(50)


def test_the_readme_table_is_generated_from_the_mapping():
    from pathlib import Path

    from django.conf import settings

    from cchc.reports import sources_table

    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    assert sources_table.markdown() in readme, "README is stale: run `python manage.py sources_table --write`"
    rows = sources_table.indicator_rows()
    assert len(rows) == 123 and sum(r.origin == "records" for r in rows) == len(live.sources())


def test_the_coordinator_sees_the_mapping_on_one_page(client):
    client.force_login(user("dieuphoi"))
    html = client.get(reverse("reports:sources")).content.decode()
    assert "Số nhiệm vụ đã hoàn thành" in html and "Nhiệm vụ đã hoàn thành (lũy kế từ 01/01)" in html
    assert html.count("<tr") >= 124


def test_the_exported_files_carry_the_live_figures(client, period):
    import io

    import openpyxl

    tasks(BINH_GIANG, [(D(2026, 3, 31), Progress.DONE, D(2026, 3, 1)), (D(2026, 4, 30), Progress.DONE, D(2026, 4, 1)),
                       (D(2026, 5, 30), Progress.IN_PROGRESS, None)])
    report = report_of(period, BINH_GIANG)
    client.force_login(user("canbo.binhgiang"))
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("reports:xlsx", args=[report.pk])).content))
    rows = {r[0]: r[3] for r in book["Biểu mẫu 1"].iter_rows(values_only=True) if r and r[0]}
    assert str(rows["2.1."]) == "3" and str(rows["2.2."]) == "2"


def test_dashboard_counts_open_their_records(client, period):
    tasks(BINH_GIANG, [(D(2026, 3, 31), Progress.IN_PROGRESS, None), (D(2026, 4, 30), Progress.NOT_STARTED, None)])
    client.force_login(user("dieuphoi"))
    html = client.get(reverse("reports:dashboard"), {"don_vi": "37", "ky": period.pk}).content.decode()
    link = records.list_url("tasks", D(2026, 1, 1), timezone.localdate(), {"measure": "overdue"}, unit=BINH_GIANG)
    assert link.replace("&", "&amp;") in html
    page = client.get(link).content.decode()
    assert '<strong class="records-count">2</strong>' in page


def test_a_compiled_typed_figure_opens_the_reports_that_gave_it(client, period):
    for code, text in ((BINH_GIANG, "1.250"), (PHU_LY, "")):
        report = report_of(period, code)
        if text:
            services.save_report(report, texts={ind(period, 3, "3.2.1").pk: text}, revision=0)
        services.submit_report(report)
        services.approve_report(report)
    province = compile_report(period, unit("37"))
    client.force_login(user("dieuphoi"))
    html = client.get(reverse("reports:value_records", args=[province.pk, ind(period, 3, "3.2.1").pk])).content.decode()
    assert '<strong class="records-count">1</strong>' in html and "Xã Bình Giang" in html and "Phủ Lý" not in html


def _upload(client, report, name, data, revision=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("reports:import_values", args=[report.pk]), {
        "tep": SimpleUploadedFile(name, data), "revision": report.revision if revision is None else revision}, follow=True)


def test_figures_of_another_system_come_from_its_export(client, period):
    report = report_of(period, BINH_GIANG)
    client.force_login(user("canbo.binhgiang"))
    csv = "Chỉ tiêu,Số liệu,Ghi chú\n3/3.2.1,1.250,Hệ thống một cửa\n3/3.2.2,1.240,\n".encode("utf-8-sig")
    html = _upload(client, report, "motcua.csv", csv).content.decode()
    assert "Đã nhập 2 số liệu từ tệp motcua.csv." in html
    row = report.values.get(indicator=ind(period, 3, "3.2.1"))
    assert row.value == 1250 and row.origin == "import" and row.note == "Hệ thống một cửa"
    assert figures(report)["3/3.2"].quantize(Decimal("0.01")) == Decimal("99.20")
    # Two columns "Biểu mẫu" and "STT" (and "3.2.1." with its printed dot) read the same.
    report.refresh_from_db()
    other = "Biểu mẫu,STT,Số liệu\n3,3.2.1.,1.300\n".encode()
    assert "Đã nhập 1 số liệu" in _upload(client, report, "motcua.csv", other).content.decode()
    assert report.values.get(indicator=ind(period, 3, "3.2.1")).value == 1300


def test_a_bad_export_is_refused_and_nothing_is_saved(client, period):
    report = report_of(period, BINH_GIANG)
    client.force_login(user("canbo.binhgiang"))
    cases = [
        ("trong.csv", b"", "Tệp rỗng"),
        ("hong.xlsx", b"PK\x03\x04 not a workbook", "Chưa nhập được"),
        ("anh.png", b"\x89PNG", "Chỉ nhận tệp .xlsx hoặc .csv."),
        ("sai.csv", "Chỉ tiêu,Số liệu\n3/9.9,5\n3/3.2.1,abc\n".encode(), "không có chỉ tiêu “3/9.9”"),
        ("lon.csv", "Chỉ tiêu,Số liệu\n3/3.2.2,20\n3/3.2.1,10\n".encode(), "Chưa nhập được"),  # a part above its total
        ("thieu.csv", "Chỉ tiêu,Giá trị\n3/3.2.1,5\n".encode(), "cần cột “Số liệu”"),
    ]
    for name, data, message in cases:
        html = _upload(client, report, name, data).content.decode()
        assert message in html, name
    assert not report.values.exists()
    other = report_of(period, PHU_LY)
    assert _upload(client, other, "motcua.csv", "Chỉ tiêu,Số liệu\n3/3.2.1,5\n".encode()).status_code == 404
    assert not other.values.exists()


def _survey(code):
    from cchc.surveys import services as surveys
    from cchc.surveys.models import Survey

    sipas = surveys.load_questionnaire(surveys.national("sipas"), year=YEAR)
    return Survey.objects.create(questionnaire=sipas, unit=unit(code), desk="Một cửa", opens_on=D(YEAR - 1, 11, 1),
                                 closes_on=D(YEAR, 12, 31), files_handled=600)


def test_form_1_item_5_from_the_survey_forms_with_the_channels_as_a_code(client, period):
    from cchc.surveys import services as surveys

    survey = _survey(BINH_GIANG)
    sheet = {q.code: "4" for q in surveys.questions_of(survey)}
    officer = user("canbo.binhgiang")
    surveys.enter_paper(survey, [sheet] * 3, by=officer, day=D(YEAR, 9, 1))
    surveys.enter_paper(survey, [sheet], by=officer, day=D(YEAR - 1, 11, 30))  # last year's: not in the period
    report = report_of(period, BINH_GIANG)
    got = figures(report)
    assert (got["1/5"], got["1/5.1"], got["1/5.2"]) == (1, 3, 1)  # paper only → 1
    surveys.submit_online(survey, sheet, device="may-1", day=D(YEAR, 10, 1))
    got = figures(report)
    assert (got["1/5.1"], got["1/5.2"]) == (4, 2)  # both channels → 2
    assert (figures(report_of(period, PHU_LY))["1/5"], figures(report_of(period, PHU_LY))["1/5.2"]) == (0, None)
    cell = live.cells(report, [ind(period, 1, "5.2")])[ind(period, 1, "5.2").pk]
    assert "Trực tuyến: 1; Phát phiếu: 3" in cell.source
    client.force_login(officer)
    page = client.get(cell.url).content.decode()
    # the four sheets the figure counts, listed; last year's not
    assert page.count("<td>01/09/2026</td>") == 3 and page.count("<td>01/10/2026</td>") == 1 and "30/11/2025" not in page
    services.submit_report(report)
    frozen = {f"{v.indicator.form.number}/{v.indicator.code}": v for v in report.values.select_related("indicator__form")}
    assert frozen["1/5.2"].value == 2 and len(frozen["1/5.2"].records) == 4 and frozen["1/5.1"].value == 4
    services.approve_report(report)
    province = compile_report(period, unit("37"))
    values = {f"{v.indicator.form.number}/{v.indicator.code}": v for v in province.values.select_related("indicator__form")}
    assert values["1/5.1"].value == 4 and len(values["1/5.1"].records) == 4  # counted province-wide
