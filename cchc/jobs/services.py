"""Long work in the task queue with a progress bar (django-tasks; `manage.py db_worker` runs it).

    @jobs.runner("reports.export")
    def export_report(job, progress):
        progress(done, total)                  # cheap, throttled UPDATE (+ heartbeat)
        return ("bao-cao.docx", data)          # bytes or a file object; saved as job.result; or None

    job = jobs.start("reports.export", user=..., unit=..., params={...}, title="…", dedupe_key="…")

A runner raising ValidationError (its messages) or any other exception (a generic message) marks the
job failed; the result is written only when the runner has returned, so a failed job leaves no file.

The worker killed mid-job (kill -9, out of memory, the machine restarted): the job stops beating
(`heartbeat_at`, every JOBS_HEARTBEAT_SECONDS from a thread of the worker, and on each progress call).
`sweep_stale()` marks a running job with no beat for JOBS_STALE_SECONDS failed with STALE_MESSAGE
(policy: failed, never re-run on its own — a half-done import or export is not safe to guess about;
the person starts it again). The sweep runs from `manage.py jobs_sweep` (the worker's ExecStartPre and a
one-minute timer, docs/deploy.md) and whenever a job's status page is read.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import ACTIVE, Job, JobStatus

logger = logging.getLogger(__name__)

STALE_MESSAGE = "Tiến trình xử lý bị dừng giữa chừng; hãy chạy lại."
ERROR_MESSAGE = "Có lỗi ngoài dự kiến khi xử lý nên công việc chưa hoàn thành; hãy chạy lại hoặc báo quản trị hệ thống."
UNKNOWN_MESSAGE = "Hệ thống không biết cách chạy loại công việc này."

Progress = Callable[[int, int], None]


def stale_seconds() -> float:
    return float(getattr(settings, "JOBS_STALE_SECONDS", 120))


def heartbeat_seconds() -> float:
    return float(getattr(settings, "JOBS_HEARTBEAT_SECONDS", 10))


@dataclass(frozen=True)
class Runner:
    fn: Callable[[Job, Progress], Any]
    on_fail: Callable[[Job, str], None] | None = None


_RUNNERS: dict[str, Runner] = {}


def runner(kind: str, *, on_fail: Callable[[Job, str], None] | None = None):
    """Register the function that does a kind of job; `on_fail(job, message)` also runs when the job
    fails (its own records, e.g. the plan import marked failed too)."""

    def register(fn):
        _RUNNERS[kind] = Runner(fn, on_fail)
        return fn

    return register


# ------------------------------------------------------------------------------------------------
# Starting


def start(kind: str, *, user=None, unit=None, params: dict | None = None, title: str = "",
          dedupe_key: str = "") -> Job:
    """Record the job and enqueue it when the transaction commits. A queued or running job with the
    same `dedupe_key` is returned instead (a dead one is first marked failed)."""
    from .tasks import run_job

    if kind not in _RUNNERS:
        raise ValueError(f"Unknown job kind {kind!r}")
    if dedupe_key:
        existing = Job.objects.filter(dedupe_key=dedupe_key, status__in=ACTIVE).first()
        if existing is not None and not sweep_one(existing):
            return existing
    job = Job(kind=kind, user=user, unit=unit, params=params or {}, title=(title or kind)[:255],
              dedupe_key=dedupe_key[:200])
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        # Two clicks at once: the other request's insert won the unique constraint.
        return Job.objects.get(dedupe_key=dedupe_key, status__in=ACTIVE)
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


# ------------------------------------------------------------------------------------------------
# Running (inside the worker)


def run(job_id: int) -> None:
    now = timezone.now()
    # Claim it: a job already failed (swept) or run by another worker is left alone.
    if not Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1):
        return
    job = Job.objects.get(pk=job_id)
    spec = _RUNNERS.get(job.kind)
    if spec is None:
        fail(job, UNKNOWN_MESSAGE)
        return
    with _Heartbeat(job.pk):
        try:
            out = spec.fn(job, _progress_for(job))
        except ValidationError as exc:
            fail(job, " ".join(exc.messages))
            return
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            fail(job, ERROR_MESSAGE)
            return
    finish(job, out)


def _progress_for(job: Job) -> Progress:
    # Only for the worker-kill test: a slow step that gives the test time to kill the worker mid-job.
    delay = float(os.environ.get("CCHC_JOBS_STEP_DELAY") or 0)

    def progress(done: int, total: int) -> None:
        report_progress(job, done, total)
        if delay:
            time.sleep(delay)

    return progress


def report_progress(job: Job, done: int, total: int, *, every: float = 0.5) -> None:
    """Record how far the job is (one UPDATE, at most every `every` seconds, and always the last step)."""
    now = time.monotonic()
    last = getattr(job, "_last_report", None)
    if last is not None and now - last < every and done < total:
        return
    job._last_report = now
    job.done, job.total = done, total
    job.progress = min(1.0, done / total) if total else 0.0
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        done=done, total=total, progress=job.progress, heartbeat_at=timezone.now())


def finish(job: Job, out=None) -> bool:
    """Save the result (name, bytes or file) and mark the job done; False when the job was marked
    failed meanwhile (then the file is removed: nothing of a dead job is kept)."""
    name = stored = ""
    if out is not None:
        name, data = out
        content = ContentFile(data) if isinstance(data, bytes) else File(data)
        field = job.result.field
        stored = field.storage.save(field.generate_filename(job, name), content)
    updated = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.DONE, result=stored, result_name=name[:255], finished_at=timezone.now(),
        progress=1, done=F("total"), heartbeat_at=timezone.now())
    if not updated and stored:
        job.result.field.storage.delete(stored)
    return bool(updated)


def fail(job: Job, message: str) -> bool:
    updated = Job.objects.filter(pk=job.pk, status__in=ACTIVE).update(
        status=JobStatus.FAILED, error=message, finished_at=timezone.now())
    if updated:
        _on_fail(job, message)
    return bool(updated)


def _on_fail(job: Job, message: str) -> None:
    spec = _RUNNERS.get(job.kind)
    if spec and spec.on_fail:
        try:
            spec.on_fail(job, message)
        except Exception:
            logger.exception("on_fail of job %s (%s)", job.pk, job.kind)


class _Heartbeat:
    """A thread that writes heartbeat_at while the runner works (a long OCR page calls no progress).

    Not inside a transaction (a test's: its row lock would block the thread) and not on an in-memory
    SQLite database (the test suite's), where progress calls are the beats."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.stop = threading.Event()
        self.thread = None

    def __enter__(self):
        in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
        if not connection.in_atomic_block and not in_memory:
            self.thread = threading.Thread(target=self._beat, name=f"job-{self.job_id}-heartbeat", daemon=True)
            self.thread.start()
        return self

    def _beat(self) -> None:
        from django.db import connection as own  # this thread's own connection

        try:
            while not self.stop.wait(heartbeat_seconds()):
                Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
        except Exception:
            logger.exception("heartbeat of job %s", self.job_id)
        finally:
            own.close()

    def __exit__(self, *exc):
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=30)
        return False


# ------------------------------------------------------------------------------------------------
# Dead workers


def is_stale(job: Job, now=None) -> bool:
    now = now or timezone.now()
    return job.status == JobStatus.RUNNING and (
        job.heartbeat_at is None or job.heartbeat_at < now - timedelta(seconds=stale_seconds()))


def sweep_one(job: Job, now=None) -> bool:
    """Apply the stale rule to one job (its status page, a second start); True if it was dead."""
    now = now or timezone.now()
    if not is_stale(job, now):
        return False
    cutoff = now - timedelta(seconds=stale_seconds())
    updated = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).update(
        status=JobStatus.FAILED, error=STALE_MESSAGE, finished_at=now)
    if updated:
        job.status, job.error, job.finished_at = JobStatus.FAILED, STALE_MESSAGE, now
        _on_fail(job, STALE_MESSAGE)
    return bool(updated)


def sweep_stale(now=None) -> list[int]:
    """Mark every running job whose worker stopped beating failed; returns their ids."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=stale_seconds())
    return [job.pk for job in Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
            if sweep_one(job, now)]
