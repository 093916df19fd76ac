"""A big report's DOCX or XLSX written in the background (cchc.jobs imports this module at start-up).

The province's compiled report covers thousands of units: its files are made by the task worker, with
a progress bar on the job's page, rather than inside the request. A small report is still downloaded
at once (`exports_in_background`)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404

from cchc import policy
from cchc.jobs import services as jobs
from cchc.reports import outputs
from cchc.reports.models import Report

EXPORT_JOB = "reports.export"
WRITERS = {"docx": outputs.report_docx, "xlsx": outputs.report_xlsx}
LABELS = {"docx": "DOCX", "xlsx": "XLSX"}


def background_units() -> int:
    return int(getattr(settings, "REPORT_BACKGROUND_UNITS", 200))


def exports_in_background(report: Report) -> bool:
    """A compiled report whose period expects more than REPORT_BACKGROUND_UNITS reports in the unit's
    subtree (one COUNT): its files are made by a background job."""
    if not report.compiled:
        return False
    expected = Report.objects.filter(period_id=report.period_id, unit__path__startswith=report.unit.path).count()
    return expected > background_units()


def export_start(user, report: Report, fmt: str):
    """Start (or find, when the same person's export is already under way) the job writing the file."""
    if fmt not in WRITERS:
        raise ValueError(f"Unknown export format {fmt!r}")
    return jobs.start(
        EXPORT_JOB, user=user, unit=report.unit, params={"report": report.pk, "format": fmt},
        title=f"Xuất {LABELS[fmt]} báo cáo {report.period.label} — {report.unit.display_name}",
        dedupe_key=f"{EXPORT_JOB}:{report.pk}:{fmt}:{user.pk}",
    )


@jobs.runner(EXPORT_JOB)
def export_run(job, progress):
    """The same bytes as the direct download, with progress per step or sheet. The owner must still be
    allowed to read the report (the report policy, asked again in the worker)."""
    fmt = job.params.get("format")
    if fmt not in WRITERS:
        raise ValidationError("Định dạng tệp không được hỗ trợ (chỉ DOCX hoặc XLSX).")
    try:
        report = policy.access_report(job.user, job.params.get("report")) if job.user else None
    except Http404:
        report = None
    if report is None:
        raise ValidationError("Không tìm thấy báo cáo, hoặc bạn không còn quyền xem báo cáo này.")
    return outputs.export_filename(report, fmt), WRITERS[fmt](report, progress=progress)
