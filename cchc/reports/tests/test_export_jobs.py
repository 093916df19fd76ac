"""A big compiled report's files are written by a background job: the page's buttons start it, the job
gives the file the direct download gives, and the report policy still decides who may have it."""

import io

import docx
import pytest
from django.test import override_settings
from django.urls import reverse

from cchc.documents.tests.test_tables_direct import workbook_content
from cchc.jobs import services as jobs
from cchc.jobs.models import Job, JobStatus
from cchc.reports.compile import compile_report
from cchc.reports.jobs_runners import EXPORT_JOB, WRITERS, export_start, exports_in_background
from cchc.reports.tests.test_compile import setup  # noqa: F401  (fixture)
from cchc.test import user, unit

BIG = override_settings(REPORT_BACKGROUND_UNITS=5)  # the test province's 26 approved reports count as big


@pytest.fixture
def compiled(setup):  # noqa: F811
    period, *_ = setup
    return compile_report(period, unit("37"))


def docx_text(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs] + [c.text for t in document.tables for row in t.rows for c in row.cells]


@BIG
def test_the_buttons_start_a_job_that_gives_the_direct_downloads_file(compiled, client, django_capture_on_commit_callbacks):
    client.force_login(user("dieuphoi"))
    page = client.get(reverse("reports:report", args=[compiled.pk])).content.decode()
    assert f'<form method="post" action="{reverse("reports:xlsx", args=[compiled.pk])}">' in page and "Xuất XLSX" in page
    for fmt, same in (("xlsx", workbook_content), ("docx", docx_text)):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse(f"reports:{fmt}", args=[compiled.pk]))
        job = Job.objects.get(kind=EXPORT_JOB, params__format=fmt)
        assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
        assert job.status == JobStatus.DONE and job.done == job.total == (15 if fmt == "xlsx" else 3)
        assert job.result_name == f"bao-cao-cchc-year-2026-37.{fmt}"
        assert same(job.result.read()) == same(WRITERS[fmt](compiled))
        status = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
        assert "Đã xong" in status and reverse("jobs:download", args=[job.pk]) in status


def test_a_small_report_keeps_its_direct_download(compiled, client):
    assert not exports_in_background(compiled)  # 26 reports, under the default 200
    client.force_login(user("dieuphoi"))
    page = client.get(reverse("reports:report", args=[compiled.pk])).content.decode()
    assert f'<a class="button" href="{reverse("reports:docx", args=[compiled.pk])}">Tải DOCX</a>' in page
    response = client.get(reverse("reports:xlsx", args=[compiled.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('37.xlsx"')
    assert not Job.objects.exists()


@BIG
def test_another_units_officer_is_refused_and_no_job_is_made(compiled, client, django_capture_on_commit_callbacks):
    client.force_login(user("canbo.binhgiang"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:docx", args=[compiled.pk]))
    assert response.status_code == 404 and not Job.objects.exists()


def test_the_worker_asks_the_report_policy_again(compiled, django_capture_on_commit_callbacks):
    """A job whose owner cannot read the report (moved to another unit since) fails, with no file."""
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(user("canbo.binhgiang"), compiled, "xlsx")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.result
    assert job.error == "Không tìm thấy báo cáo, hoặc bạn không còn quyền xem báo cáo này."


def test_a_second_click_while_it_runs_gets_the_same_job(compiled):
    first = export_start(user("dieuphoi"), compiled, "docx")  # not run: no commit in this test
    again = export_start(user("dieuphoi"), compiled, "docx")
    assert again.pk == first.pk and first.params == {"report": compiled.pk, "format": "docx"}


def test_an_unknown_format_fails_with_a_clear_message(compiled, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(EXPORT_JOB, user=user("dieuphoi"), unit=compiled.unit, params={"report": compiled.pk, "format": "pdf"})
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "Định dạng tệp không được hỗ trợ (chỉ DOCX hoặc XLSX)."
