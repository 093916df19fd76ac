"""An upload's way to a saved plan: extract in the background, preview, confirm."""

from __future__ import annotations

import time
from dataclasses import asdict

from django.db import transaction

from cchc.documents.reading import DocumentError, ExtractedDocument, Paragraph, Table, extract
from cchc.orgs.resolver import UnitResolver

from .models import ImportStatus, PlanImport
from .reader import NotAPlanError, ParsedPlan, read_plan


def blocks_to_json(document: ExtractedDocument) -> list[dict]:
    return [{"table": b.rows} if isinstance(b, Table) else {"p": asdict(b)} for b in document.blocks]


def blocks_from_json(blocks: list[dict], source_format: str) -> ExtractedDocument:
    return ExtractedDocument(
        blocks=[Table(rows=b["table"]) if "table" in b else Paragraph(**b["p"]) for b in blocks],
        source_format=source_format,
    )


def import_run(import_id: int, *, started: float | None = None, beat=None) -> None:
    """Extract and read the upload; `beat(done, total)` is told each step (the background job's
    progress and heartbeat). Nothing but the final update writes what was read: a worker killed
    midway leaves the import running with no text, which the stale rule then marks failed."""
    job = PlanImport.objects.get(pk=import_id)
    started = started or time.monotonic()
    PlanImport.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, progress=0.05)

    def progress(fraction: float) -> None:
        # Extraction is most of the work (OCR): it fills the bar up to 90 %.
        PlanImport.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
            progress=0.05 + 0.85 * min(1.0, fraction))
        if beat is not None:
            beat(round(90 * min(1.0, fraction)), 100)

    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        document = extract(data, job.file_name, progress=progress)
        progress(1.0)
        # Reading the structure now proves it is a plan before anyone is asked to confirm.
        read_plan(document, resolver=UnitResolver(context=import_context(job)))
    except (DocumentError, NotAPlanError) as exc:
        PlanImport.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED, error=str(exc), progress=1, seconds=time.monotonic() - started)
        return
    # Only a running import is completed: one marked failed meanwhile (a stale worker) stays failed.
    PlanImport.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
        status=ImportStatus.DONE, progress=1, blocks=blocks_to_json(document), source_format=document.source_format,
        seconds=time.monotonic() - started,
    )


def import_context(job: PlanImport):
    """The unit the text is read as written by: the one a person chose ("Đọc như văn bản của…"),
    else the uploader's own unit when that is known."""
    return job.read_as or job.context_unit


def import_parsed(job: PlanImport) -> ParsedPlan:
    """The plan as read from the job's stored text (fast: no OCR again).

    Read as a chosen unit's document, the issuer is that unit whatever the header says (another
    province's plan adopted by ours), and relative names ("các sở, ban, ngành", "UBND các xã,
    phường") resolve against it.
    """
    document = blocks_from_json(job.blocks, job.source_format)
    parsed = read_plan(document, resolver=UnitResolver(context=import_context(job)))
    if job.read_as is not None:
        parsed.issuer_unit_code = job.read_as.code
    return parsed


def import_read_as(job: PlanImport, unit) -> PlanImport:
    """Read the job again as written by `unit` (None: as the file says). Kept on the job, so the
    preview, the name mapping and the confirmation all read it the same way."""
    job.read_as = unit
    job.save(update_fields=["read_as"])
    return job


IMPORT_JOB = "plans.import"


def import_start(*, user, upload_name: str, data: bytes, context_unit=None, obligation=None) -> PlanImport:
    """Store the upload and read it in the background, as a job (cchc.jobs) so a worker killed
    mid-read is noticed: the import is then marked failed with the jobs' stale message."""
    from django.core.files.base import ContentFile

    from cchc.jobs import services as jobs

    job = PlanImport(user=user, context_unit=context_unit, file_name=upload_name[:255], obligation=obligation)
    job.file.save(upload_name, ContentFile(data), save=False)
    with transaction.atomic():
        job.save()
        jobs.start(IMPORT_JOB, user=user, unit=context_unit, params={"import": job.pk},
                   title=f"Đọc kế hoạch: {job.file_name}", dedupe_key=f"{IMPORT_JOB}:{job.pk}")
    return job


def import_job_run(background, progress) -> None:
    import_run(background.params["import"], beat=progress)


def import_job_failed(background, message: str) -> None:
    """The background job failed (worker killed, unexpected error): so does the import, with its message."""
    PlanImport.objects.filter(pk=background.params["import"],
                              status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]).update(
        status=ImportStatus.FAILED, error=message, progress=1)


def import_sweep(job: PlanImport) -> PlanImport:
    """Apply the dead-worker rule (cchc.jobs) when an import's page is read: an import whose worker
    stopped beating is shown failed at once, not left at its last percentage."""
    from cchc.jobs import services as jobs
    from cchc.jobs.models import ACTIVE, Job

    if job.status not in (ImportStatus.PENDING, ImportStatus.RUNNING):
        return job
    background = Job.objects.filter(dedupe_key=f"{IMPORT_JOB}:{job.pk}", status__in=ACTIVE).first()
    if background is not None and jobs.sweep_one(background):
        job.refresh_from_db()
    return job
