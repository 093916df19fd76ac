"""The report pages over HTTP: who sees what, bad input kept with its message and nothing saved,
double submissions, the locked period, compiling and the downloads."""

import datetime
import io
from pathlib import Path

import docx
import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cchc.orgs.models import Unit
from cchc.plans.models import Assignment, Notification, Plan, Task
from cchc.reports import calendar, services
from cchc.reports.form_sets import SHIPPED, indicators_of, load_shipped_form_set
from cchc.reports.models import FormSet, Indicator, Period, Report, ReportStatus, ReportStep, ReportValue
from cchc.test import BINH_GIANG, PHU_LY, count_queries, unit, user

pytestmark = pytest.mark.django_db

REALDOCS = Path(settings.BASE_DIR).parent / "shared" / "realdocs" / "reports"
ANNEX = REALDOCS / "ld_bc_cchc_nam_2025_phuluc.docx"


@pytest.fixture
def period():
    kind, year = calendar.period_for(timezone.localdate())
    form_set = load_shipped_form_set(year)
    return services.open_period(form_set, kind, year, by=user("dieuphoi"))


def login(client, username):
    client.force_login(user(username))
    return client


def report_of(period, code) -> Report:
    return Report.objects.get(period=period, unit=unit(code))


def ind(period, form, code) -> Indicator:
    return Indicator.objects.get(form__form_set=period.form_set, form__number=form, code=code)


def form_data(report, **values):
    """A POST as the page sends it: the revision plus `v<id>` per indicator given as (form, code)."""
    data = {"revision": str(report.revision)}
    for key, text in values.items():
        form, code = key.split("_", 1)
        data[f"v{ind(report.period, int(form), code.replace('_', '.')).pk}"] = text
    return data


# --- index ------------------------------------------------------------------------------------------


def test_index_officer_sees_own_reports_coordinator_the_periods(client, period):
    page = login(client, "canbo.binhgiang").get(reverse("reports:index"))
    html = page.content.decode()
    assert page.status_code == 200 and "Báo cáo định kỳ" in html
    assert period.label in html and "Đang soạn" in html and "Chưa gửi" in html
    assert f"{period.unit_due:%d/%m/%Y}" in html
    assert "Phủ Lý" not in html  # another commune's report is not listed
    client.logout()
    page = login(client, "dieuphoi").get(reverse("reports:index"))
    html = page.content.decode()
    expected = period.reports.count()
    assert f'<td class="num">{expected}</td>' in html and reverse("reports:watch", args=[period.pk]) in html


def test_index_requires_login(client):
    response = client.get(reverse("reports:index"))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


# --- form sets --------------------------------------------------------------------------------------


def test_form_set_pages_for_the_coordinator_only(client):
    form_set = load_shipped_form_set(2031)
    login(client, "canbo.binhgiang")
    assert client.get(reverse("reports:formset_list")).status_code == 403
    assert client.get(reverse("reports:formset_detail", args=[form_set.pk])).status_code == 403
    assert client.post(reverse("reports:formset_copy", args=[form_set.pk]), {"year": 2032}).status_code == 403
    client.logout()
    login(client, "dieuphoi")
    html = client.get(reverse("reports:formset_list")).content.decode()
    assert form_set.title in html and "123" in html
    html = client.get(reverse("reports:formset_detail", args=[form_set.pk])).content.decode()
    for number in range(1, 8):
        assert f"Biểu mẫu {number}." in html
    assert "= 2.2 / 2.1 × 100" in html and "0 = Trực tuyến; 1 = Phát phiếu; 2 = Kết hợp" in html
    assert "đơn vị trả lời: sở, ban, ngành" in html
    response = client.get(reverse("reports:formset_download", args=[form_set.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Biểu mẫu", "Tên biểu mẫu", "STT", "Chỉ tiêu thống kê") and len(rows) == 124
    response = client.post(reverse("reports:formset_copy", args=[form_set.pk]), {"year": 2032})
    copy = FormSet.objects.get(year=2032)
    assert response["Location"] == reverse("reports:formset_detail", args=[copy.pk]) and copy.previous == form_set
    assert indicators_of(copy).count() == 123


def upload(client, name, data, year=2033, **extra):
    return client.post(reverse("reports:formset_upload"), {
        "file": SimpleUploadedFile(name, data), "year": year, "document": "Công văn thử", "title": "", **extra,
    })


def test_upload_a_definition_table(client):
    login(client, "dieuphoi")
    response = upload(client, "bieumau.csv", SHIPPED.read_bytes())
    form_set = FormSet.objects.get(year=2033, document="Công văn thử")
    assert response.status_code == 302 and indicators_of(form_set).count() == 123


def test_upload_a_bad_table_names_each_row_and_saves_nothing(client):
    login(client, "dieuphoi")
    before = FormSet.objects.count()
    lines = SHIPPED.read_text(encoding="utf-8-sig").splitlines()
    bad = [lines[0], lines[1].replace("Số lượng", "Không rõ", 1), "x," + lines[2].split(",", 1)[1], *lines[3:10]]
    response = upload(client, "hong.csv", "\n".join(bad).encode())
    html = response.content.decode()
    assert response.status_code == 200 and "Không lưu được" in html
    assert "Dòng 2: loại chỉ tiêu “Không rõ” không hợp lệ." in html
    assert "Dòng 3: cột “Biểu mẫu” phải là số" in html
    assert FormSet.objects.count() == before


@pytest.mark.parametrize("name, data, message", [
    ("bieumau.pdf", b"%PDF-1.4", "Định dạng tệp không được hỗ trợ"),
    ("rong.xlsx", b"", "Tệp rỗng"),
    ("hong.xlsx", b"not a zip", "Tệp XLSX bị hỏng"),
    ("hong.docx", b"not a zip at all", ""),
])
def test_upload_refuses_bad_files_with_a_message(client, name, data, message):
    login(client, "dieuphoi")
    before = FormSet.objects.count()
    response = upload(client, name, data)
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    assert 'role="alert"' in html
    assert FormSet.objects.count() == before


def test_upload_refuses_a_file_over_the_limit(client, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    login(client, "dieuphoi")
    response = upload(client, "lon.csv", b"a" * (1024 * 1024 + 1))
    assert "Tệp quá lớn (tối đa 1 MB)" in response.content.decode()


@pytest.mark.skipif(not ANNEX.exists(), reason="../shared/realdocs không có ở máy này")
def test_upload_the_real_annex(client):
    login(client, "dieuphoi")
    response = upload(client, ANNEX.name, ANNEX.read_bytes(), year=2034)
    form_set = FormSet.objects.get(year=2034)
    assert response.status_code == 302 and indicators_of(form_set).count() == 123


# --- opening a period ------------------------------------------------------------------------------


def test_open_a_period_then_the_second_submission_is_refused(client):
    form_set = load_shipped_form_set(2030)
    login(client, "dieuphoi")
    assert client.get(reverse("reports:period_open")).status_code == 200
    data = {"form_set": form_set.pk, "kind": "q1", "year": 2030, "unit_due": "10/03/2030", "timely_days": 2,
            "locked_on": "", "reporting_kinds": ["department", "commune", "ward"]}
    response = client.post(reverse("reports:period_open"), data)
    period = Period.objects.get(year=2030, kind="q1")
    assert response["Location"] == reverse("reports:watch", args=[period.pk])
    assert period.unit_due == datetime.date(2030, 3, 10) and period.timely_days == 2
    assert period.locked_on == datetime.date(2030, 3, 20)  # default: the national due date
    n = period.reports.count()
    assert n > 100
    response = client.post(reverse("reports:period_open"), data)
    assert "Kỳ báo cáo Quý I năm 2030 đã được mở." in response.content.decode()
    assert Period.objects.filter(year=2030).count() == 1 and period.reports.count() == n


@pytest.mark.parametrize("change, message", [
    ({"unit_due": "31/02/2030"}, "Ngày không hợp lệ (định dạng dd/mm/yyyy)."),
    ({"unit_due": "25/03/2030", "locked_on": "20/03/2030"}, "Hạn gửi của đơn vị không thể sau ngày khóa nhập liệu."),
    ({"reporting_kinds": []}, "Chọn ít nhất một loại đơn vị."),
    ({"year": "hai nghìn"}, "Năm phải là số."),
])
def test_open_a_period_refuses_bad_input(client, change, message):
    form_set = load_shipped_form_set(2030)
    login(client, "dieuphoi")
    data = {"form_set": form_set.pk, "kind": "q1", "year": 2030, "unit_due": "", "timely_days": 0,
            "locked_on": "", "reporting_kinds": ["department"], **change}
    response = client.post(reverse("reports:period_open"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Period.objects.filter(year=2030).exists()


def test_only_coordinators_open_periods(client):
    login(client, "lanhdao.snv")
    assert client.get(reverse("reports:period_open")).status_code == 403
    assert client.post(reverse("reports:period_open"), {}).status_code == 403


# --- the report page -------------------------------------------------------------------------------


def test_report_page_shows_outline_forms_and_prefill(client, period):
    report = report_of(period, BINH_GIANG)
    report.narrative = {**report.narrative, "I.1": "Đã ban hành kế hoạch."}
    report.save()
    plan = Plan.objects.create(unit=report.unit, title="Kế hoạch CCHC năm 2026", number="9/KH-UBND")
    task = Task.objects.create(plan=plan, title="Rà soát thủ tục")
    Assignment.objects.create(task=task, unit=report.unit, role="lead", due_date=datetime.date(2026, 3, 31),
                              progress="done", completed_on=datetime.date(2026, 3, 30))
    ReportValue.objects.create(report=report, indicator=ind(period, 1, "2.2"), value=12)  # typed, contradicted
    html = login(client, "canbo.binhgiang").get(reverse("reports:report", args=[report.pk])).content.decode()
    for heading in ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", "II.1. Cải cách thể chế", "IV. PHƯƠNG HƯỚNG"):
        assert heading in html
    assert "Đã ban hành kế hoạch." in html and "Hệ thống điền từ nhiệm vụ" in html and "có 1 nhiệm vụ đến hạn" in html
    link = reverse("reports:value_records", args=[report.pk, ind(period, 1, "2.1").pk])
    assert f'href="{link}" class="records-link">1 — 1 nhiệm vụ có hạn hoặc hoàn thành trong kỳ' in html
    assert "Đã nhập tay 12, khác số liệu hệ thống 1" in html and "Cần xem lại" in html
    assert "Biểu mẫu 7." in html and 'name="revision"' in html
    # yes/no and coded choices are selects; ratios are read-only outputs
    assert f'<select name="v{ind(period, 1, "5.2").pk}"' in html and "2 = Kết hợp" in html
    assert f'id="ratio-{ind(period, 1, "2").pk}"' in html and f'name="v{ind(period, 1, "2").pk}"' not in html
    # a share of communes shows to a commune, a share of departments does not
    assert f'name="v{ind(period, 4, "1.2").pk}"' in html and f'name="v{ind(period, 4, "1.1").pk}"' not in html
    assert "Lưu báo cáo" in html and "Gửi báo cáo" not in html and "Phê duyệt" not in html  # an officer


def test_department_sees_the_departments_share(client, period):
    report = report_of(period, "37.STP")
    html = login(client, "canbo.stp").get(reverse("reports:report", args=[report.pk])).content.decode()
    assert f'name="v{ind(period, 4, "1.1").pk}"' in html and f'name="v{ind(period, 4, "1.2").pk}"' not in html


def test_another_units_report_is_not_found(client, period):
    report = report_of(period, BINH_GIANG)
    login(client, "canbo.phuly")
    for name in ("reports:report", "reports:docx", "reports:xlsx"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404
    assert client.post(reverse("reports:report", args=[report.pk]), form_data(report, **{"1_1": "3"})).status_code == 404
    assert client.post(reverse("reports:submit", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:report", args=[999999])).status_code == 404


def test_save_with_vietnamese_numbers_and_the_ratio_is_computed(client, period):
    report = report_of(period, BINH_GIANG)
    login(client, "canbo.binhgiang")
    data = form_data(report, **{"1_1": "25.898", "1_2_1": "12", "1_2_2": "9", "1_5_2": "2", "2_1": "4"})
    data[f"n{ind(period, 1, '1').pk}"] = "Gồm công văn đôn đốc"
    data["tI.1"] = "Ban hành kế hoạch CCHC năm."
    response = client.post(reverse("reports:report", args=[report.pk]), data)
    assert response.status_code == 302
    values = {v.indicator.code: v for v in report.values.filter(indicator__form__number=1).select_related("indicator")}
    assert values["1"].value == 25898 and values["1"].note == "Gồm công văn đôn đốc" and values["1"].origin == "typed"
    assert "2" not in values  # a ratio is computed from its components whenever the report is shown
    report.refresh_from_db()
    assert report.narrative["I.1"] == "Ban hành kế hoạch CCHC năm." and report.revision == 1
    html = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert 'value="25.898"' in html and ">75</output>" in html
    assert ReportStep.objects.filter(report=report, action="saved").count() == 1


def test_bad_values_are_listed_kept_and_nothing_is_saved(client, period):
    report = report_of(period, BINH_GIANG)
    login(client, "canbo.binhgiang")
    data = form_data(report, **{"1_1": "ba", "1_2_1": "5", "1_2_2": "9", "1_5_2": "7", "6_2_3": "124", "1_3_1": "-2"})
    data["tI.1"] = "Nội dung chưa lưu"
    response = client.post(reverse("reports:report", args=[report.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400 and "Chưa lưu:" in html
    assert "“ba” không phải là một số." in html
    assert "Tử số (9) lớn hơn mẫu số (5) của tỷ lệ 2." in html
    assert "Chỉ nhận các mã: Trực tuyến = 0; Phát phiếu = 1; Kết hợp = 2; không nhận “7”." in html
    assert "Số liệu không được âm" in html
    # typed text kept in the fields, and the message beside the field
    assert 'value="ba"' in html and 'value="-2"' in html and "Nội dung chưa lưu" in html
    assert html.count('class="field-error"') >= 4
    report.refresh_from_db()
    assert report.revision == 0 and not report.values.exclude(source__startswith="Nhiệm vụ").exists()
    assert "I.1" not in report.narrative


def test_a_percentage_over_100_is_refused(client, period):
    report = report_of(period, BINH_GIANG)
    percent = Indicator.objects.filter(form__form_set=period.form_set, kind="percent").first()
    login(client, "canbo.binhgiang")
    data = {"revision": "0", f"v{percent.pk}": "124"}
    html = client.post(reverse("reports:report", args=[report.pk]), data).content.decode()
    assert "Tỷ lệ phải từ 0 đến 100 %, không nhận “124”" in html
    assert not report.values.filter(indicator=percent).exists()


def test_two_editors_never_silently_overwrite(client, period):
    report = report_of(period, BINH_GIANG)
    login(client, "canbo.binhgiang")
    first = form_data(report, **{"1_1": "3"})
    assert client.post(reverse("reports:report", args=[report.pk]), first).status_code == 302
    stale = form_data(report, **{"1_1": "8"})  # still revision 0
    html = client.post(reverse("reports:report", args=[report.pk]), stale).content.decode()
    assert "vừa được người khác cập nhật" in html
    assert report.values.get(indicator=ind(period, 1, "1")).value == 3


def test_sending_from_a_page_older_than_a_colleagues_save_is_refused(client, period):
    """The send button carries the revision shown: figures a colleague saved since are not sent unread."""
    report = report_of(period, BINH_GIANG)
    login(client, "chutich.binhgiang")
    html = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert f'action="{reverse("reports:submit", args=[report.pk])}"' in html
    seen = report.revision
    login(client, "canbo.binhgiang")
    assert client.post(reverse("reports:report", args=[report.pk]), form_data(report, **{"1_1": "5"})).status_code == 302
    login(client, "chutich.binhgiang")
    html = client.post(reverse("reports:submit", args=[report.pk]), {"revision": seen}, follow=True).content.decode()
    assert "vừa được người khác cập nhật sau khi bạn mở trang" in html
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and not report.steps.filter(action="submitted").exists()
    client.post(reverse("reports:submit", args=[report.pk]), {"revision": report.revision})
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_submit_return_resubmit_approve(client, period):
    report = report_of(period, BINH_GIANG)
    url = reverse("reports:report", args=[report.pk])
    login(client, "canbo.binhgiang")
    assert client.post(reverse("reports:submit", args=[report.pk])).status_code == 403  # the leader submits
    assert client.post(reverse("reports:approve", args=[report.pk])).status_code == 403
    client.logout()
    login(client, "chutich.binhgiang")
    assert "Gửi báo cáo" in client.get(url).content.decode()
    client.post(reverse("reports:submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    html = client.post(reverse("reports:submit", args=[report.pk]), follow=True).content.decode()
    assert "Báo cáo đã được gửi trước đó." in html
    assert ReportStep.objects.filter(report=report, action="submitted").count() == 1
    assert "Chỉ xem:" in html and "đang chờ duyệt" in html and 'name="revision"' in html
    assert client.post(reverse("reports:approve", args=[report.pk])).status_code == 403  # not above the unit
    client.logout()
    login(client, "dieuphoi")
    html = client.post(reverse("reports:return", args=[report.pk]), {"comment": "  "}, follow=True).content.decode()
    assert "Hãy ghi lý do trả lại" in html
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    client.post(reverse("reports:return", args=[report.pk]), {"comment": "Bổ sung số liệu biểu mẫu 2."})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    client.logout()
    login(client, "chutich.binhgiang")
    html = client.get(url).content.decode()
    assert "Bị trả lại" in html and "Bổ sung số liệu biểu mẫu 2." in html and "Lưu báo cáo" in html
    client.post(reverse("reports:submit", args=[report.pk]))
    client.logout()
    login(client, "dieuphoi")
    client.post(reverse("reports:approve", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    html = client.get(url).content.decode()
    assert "Đã duyệt" in html and "Mở lại" in html and "Lưu báo cáo" not in html
    steps = list(report.steps.values_list("action", flat=True))
    assert steps == ["opened", "submitted", "returned", "submitted", "approved"]
    client.post(reverse("reports:reopen", args=[report.pk]), {"comment": "Sửa số liệu"})
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_saving_a_submitted_report_is_refused(client, period):
    report = report_of(period, BINH_GIANG)
    services.submit_report(report)
    login(client, "canbo.binhgiang")
    html = client.post(reverse("reports:report", args=[report.pk]), form_data(report, **{"1_1": "3"})).content.decode()
    assert "Báo cáo đã gửi, đang chờ duyệt: không sửa được." in html
    frozen = report.values.get(indicator=ind(period, 1, "1"))  # the records' figure frozen at submission, not the 3
    assert frozen.value == 0 and frozen.origin == "records"


def test_the_locked_period(client, period):
    Period.objects.filter(pk=period.pk).update(locked_on=timezone.localdate() - datetime.timedelta(days=1))
    report = report_of(period, BINH_GIANG)
    login(client, "canbo.binhgiang")
    html = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "Chỉ xem:" in html and "Kỳ báo cáo đã khóa nhập liệu từ sau ngày" in html
    assert "Lưu báo cáo" not in html and "<textarea name=" not in html
    response = client.post(reverse("reports:report", args=[report.pk]), form_data(report, **{"1_1": "3"}))
    assert "Kỳ báo cáo đã khóa nhập liệu" in response.content.decode()
    assert not report.values.filter(indicator=ind(period, 1, "1")).exists()
    client.logout()
    login(client, "chutich.binhgiang")
    html = client.post(reverse("reports:submit", args=[report.pk]), follow=True).content.decode()
    assert "không gửi được nữa" in html
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_preview_recomputes_the_ratio_without_saving(client, period):
    report = report_of(period, BINH_GIANG)
    login(client, "canbo.binhgiang")
    data = form_data(report, **{"1_2_1": "8", "1_2_2": "6", "1_1": "1.5"})
    html = client.post(reverse("reports:preview", args=[report.pk]), data, HTTP_HX_REQUEST="true").content.decode()
    assert f'<output id="ratio-{ind(period, 1, "2").pk}" class="rp-ratio" hx-swap-oob="true">75</output>' in html
    assert "phải là số nguyên" in html
    assert not report.values.filter(indicator__code__in=["2.1", "2.2"], indicator__form__number=1).exists()


# --- watch, remind, review queue --------------------------------------------------------------------


def test_watch_counts_filters_and_reminds(client, period):
    bg = report_of(period, BINH_GIANG)
    services.submit_report(bg)
    login(client, "dieuphoi")
    url = reverse("reports:watch", args=[period.pk])
    html = client.get(url).content.decode()
    expected = period.reports.count()
    assert f"<strong>{expected}</strong>" in html and "Nhắc tất cả đơn vị chưa gửi" in html
    assert "Báo cáo chờ duyệt (1)" in html and f'aria-label="Duyệt báo cáo {bg.unit.display_name}"' in html
    html = client.get(url, {"timely": "on_time"}).content.decode()
    assert "Bình Giang" in html and "Phủ Lý" not in html.split("Các đơn vị")[1]
    html = client.get(url, {"kind": "department"}).content.decode()
    assert "Sở Tư pháp" in html and "Phủ Lý" not in html.split("Các đơn vị")[1]
    notifications = Notification.objects.count()
    response = client.post(reverse("reports:remind", args=[period.pk]), follow=True)
    assert f"Đã nhắc {expected - 1} đơn vị chưa gửi báo cáo" in response.content.decode()
    assert Notification.objects.count() > notifications
    # approve from the queue, back to the watch page
    response = client.post(reverse("reports:approve", args=[bg.pk]), {"next": url})
    assert response["Location"] == url
    bg.refresh_from_db()
    assert bg.status == ReportStatus.APPROVED


def test_watch_access(client, period):
    url = reverse("reports:watch", args=[period.pk])
    login(client, "canbo.binhgiang")
    assert client.get(url).status_code == 403
    assert client.post(reverse("reports:remind", args=[period.pk])).status_code == 403
    client.logout()
    login(client, "lanhdao.snv")  # a department leader watches its own subtree, cannot remind everyone
    html = client.get(url).content.decode()
    assert "Sở Nội vụ" in html and "Nhắc tất cả" not in html
    assert client.get(url, {"don_vi": BINH_GIANG}).status_code == 404
    assert client.post(reverse("reports:remind", args=[period.pk])).status_code == 403


# --- compiling ---------------------------------------------------------------------------------------


def fill_and_approve(period, code, values: dict):
    report = report_of(period, code)
    texts = {ind(period, int(k.split("_", 1)[0]), k.split("_", 1)[1].replace("_", ".")).pk: v for k, v in values.items()}
    services.save_report(report, texts=texts, narrative={"I.1": f"Kết quả của {code}."}, revision=report.revision)
    services.submit_report(report)
    services.approve_report(report)
    return report


def test_compile_the_province_and_download(client, period):
    fill_and_approve(period, BINH_GIANG, {"1_1": "3", "1_2_1": "10", "1_2_2": "5", "4_1_2": "1"})
    fill_and_approve(period, PHU_LY, {"1_1": "4", "1_2_1": "30", "1_2_2": "27", "4_1_2": "0"})
    fill_and_approve(period, "37.STP", {"1_1": "2", "4_1_1": "1"})
    login(client, "canbo.binhgiang")
    assert client.post(reverse("reports:compile", args=[period.pk])).status_code == 403
    client.logout()
    login(client, "dieuphoi")
    response = client.post(reverse("reports:compile", args=[period.pk]))
    province = Unit.objects.get(code="37")
    compiled = Report.objects.get(period=period, unit=province)
    assert response["Location"] == reverse("reports:report", args=[compiled.pk]) and compiled.compiled
    html = client.get(response["Location"]).content.decode()
    assert "Tổng hợp từ <strong>3</strong> báo cáo đã duyệt" in html
    assert ">80</output>" in html  # 32 / 40 of form 1 item 2, never the average of 50 % and 90 %
    assert "Kết quả của 13531." in html and "Theo đơn vị" in html
    values = {(v.indicator.form.number, v.indicator.code): v.value for v in compiled.values.select_related("indicator__form")}
    assert values[(1, "1")] == 9 and values[(1, "2")] == 80
    # the coordinator edits the gathered narrative of the compiled report
    response = client.post(reverse("reports:report", args=[compiled.pk]), {"revision": compiled.revision, "tIII.1": "Đánh giá chung của tỉnh."})
    assert response.status_code == 302
    compiled.refresh_from_db()
    assert compiled.narrative["III.1"] == "Đánh giá chung của tỉnh." and compiled.values.get(indicator=ind(period, 1, "1")).value == 9
    docx_response = client.get(reverse("reports:docx", args=[compiled.pk]))
    assert docx_response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(docx_response.content)).paragraphs)
    assert "BÁO CÁO" in text and "Đánh giá chung của tỉnh." in text
    xlsx_response = client.get(reverse("reports:xlsx", args=[compiled.pk]))
    book = openpyxl.load_workbook(io.BytesIO(xlsx_response.content))
    assert "Biểu mẫu 1" in book.sheetnames and "BM1 theo đơn vị" in book.sheetnames


def test_a_department_leader_compiles_its_offices(client):
    kind, year = calendar.period_for(timezone.localdate())
    form_set = load_shipped_form_set(year)
    period = services.open_period(form_set, kind, year, reporting_kinds=["office"])
    snv = unit("37.SNV")
    offices = Report.objects.filter(period=period, unit__parent=snv)
    assert offices.exists()
    for report in offices:
        services.save_report(report, texts={ind(period, 1, "1").pk: "2"}, revision=report.revision)
        services.submit_report(report)
        services.approve_report(report)
    login(client, "lanhdao.snv")
    response = client.post(reverse("reports:compile", args=[period.pk]), {"don_vi": "37.SNV"})
    compiled = Report.objects.get(period=period, unit=snv)
    assert response["Location"] == reverse("reports:report", args=[compiled.pk])
    assert compiled.values.get(indicator=ind(period, 1, "1")).value == 2 * offices.count()
    client.logout()
    login(client, "canbo.stp")
    assert client.post(reverse("reports:compile", args=[period.pk]), {"don_vi": "37.STP"}).status_code == 403
    assert client.post(reverse("reports:compile", args=[period.pk]), {"don_vi": "37.SNV"}).status_code == 404


# --- query counts stay flat ----------------------------------------------------------------------------


def test_pages_query_counts_do_not_grow_with_the_data(client, period):
    report = report_of(period, BINH_GIANG)
    services.submit_report(report_of(period, PHU_LY))  # the review queue is not empty at either size
    login(client, "dieuphoi")
    urls = [
        reverse("reports:index"), reverse("reports:watch", args=[period.pk]),
        reverse("reports:report", args=[report.pk]), reverse("reports:dashboard"),
    ]
    small = [count_queries(client, u) for u in urls]
    # more data: values on many reports, several submitted and approved
    for other in Report.objects.filter(period=period).exclude(pk=report.pk)[:30]:
        services.save_report(other, texts={ind(period, 1, "1").pk: "5", ind(period, 1, "2.1").pk: "4"}, revision=0)
        services.submit_report(other)
    services.save_report(report, texts={i.pk: "1" for i in indicators_of(period.form_set) if i.kind == "count" and i.form.number == 2},
                         revision=0)
    large = [count_queries(client, u) for u in urls]
    assert large == small


def test_compiled_report_and_form_set_pages_stay_flat(client, period):
    fill_and_approve(period, BINH_GIANG, {"1_1": "3"})
    login(client, "dieuphoi")
    from cchc.reports.compile import compile_report

    report = compile_report(period, unit("37"))
    url = reverse("reports:report", args=[report.pk])
    sets = [reverse("reports:formset_list"), reverse("reports:formset_detail", args=[period.form_set.pk])]
    small = [count_queries(client, url)] + [count_queries(client, u) for u in sets]
    for other in Report.objects.filter(period=period, unit__kind="commune").exclude(unit__code=BINH_GIANG)[:12]:
        fill_and_approve(period, other.unit.code, {"1_1": "2", "1_2_1": "4", "1_2_2": "1"})
    report = compile_report(period, unit("37"))
    load_shipped_form_set(2035)
    load_shipped_form_set(2036)
    large = [count_queries(client, url)] + [count_queries(client, u) for u in sets]
    assert large == small
    assert "Tổng hợp từ <strong>13</strong> báo cáo đã duyệt" in client.get(url).content.decode()


def test_completeness_in_one_query_agrees_with_each_reports_timeliness(period):
    """The GROUP BY in `services.completeness` counts as `services.timeliness` judges one report."""
    from collections import Counter

    reports = list(Report.objects.filter(period=period).order_by("pk")[:9])
    for i, report in enumerate(reports):
        if i % 3:
            services.submit_report(report)
        if i % 3 == 2:  # sent after the due date plus the timely days: late
            Report.objects.filter(pk=report.pk).update(
                submitted_at=timezone.make_aware(datetime.datetime.combine(period.unit_due, datetime.time(23, 30)))
                + datetime.timedelta(days=period.timely_days + 1))
        if i == 4:
            services.return_report(report, comment="Sửa lại")
    for under in (None, unit(BINH_GIANG), unit("37")):
        result = services.completeness(period, under=under)
        scope = Report.objects.filter(period=period, unit__valid_to__isnull=True).select_related("period", "unit")
        if under is not None:
            scope = scope.filter(unit__path__startswith=under.path)
        one_by_one = Counter(services.timeliness(r) for r in scope)
        assert result.counts == {key: one_by_one.get(key, 0) for key in services.TIMELINESS}
    assert services.completeness(period).counts["late"] == 3
