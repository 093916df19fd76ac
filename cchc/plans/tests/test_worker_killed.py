"""The worker killed (-9) mid-job, for real: a `manage.py db_worker` subprocess on the test database.

Policy (cchc.jobs.services): a running job whose worker stopped beating for JOBS_STALE_SECONDS is
marked failed with "Tiến trình xử lý bị dừng giữa chừng; hãy chạy lại." — never half-saved, never re-run
on its own; the plan import that job was reading is marked failed with it, and both pages say so.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cchc.jobs import services as jobs
from cchc.jobs.models import Job, JobStatus
from cchc.orgs.models import Unit
from cchc.plans import cascade, services
from cchc.plans.jobs import IMPORT_JOB, import_start
from cchc.plans.models import ImportStatus, Plan
from cchc.test import build_world, user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
                       reason="a second process (the worker) needs a real database server; SQLite's test "
                              "database is in this process's memory"),
]

ROOT = Path(__file__).resolve().parents[3]
SEEDS = Path(__file__).parent.parent / "demo"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def worker() -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cchc.jobs.tests.worker_settings",
           "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
           "CCHC_JOBS_STEP_DELAY": "3"}  # each progress step waits: time to kill it midway
    return subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload",  # noqa: S603
                             "--interval", "0.2"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_when(process: subprocess.Popen, ready, timeout: float = 90) -> None:
    """SIGKILL the worker (and its process group) as soon as `ready()` is true."""
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            assert process.poll() is None, "the worker exited on its own"
            assert time.monotonic() < deadline, "the worker never got midway"
            time.sleep(0.2)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def results(media: Path) -> set[Path]:
    return set((media / "jobs").rglob("*"))


def later() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=jobs.stale_seconds() + 1)


def test_drafts_job_killed_midway_leaves_no_zip_and_shows_failed(settings, client):
    settings.TASKS = DB_TASKS
    build_world("dieuphoi")
    path = next(SEEDS.glob("001_*.txt"))
    parent = services.plan_save(parsed=services.plan_parse(path.read_bytes(), path.name), unit=Unit.objects.get(code="37"))
    units = list(Unit.objects.filter(kind__in=["commune", "ward", "department"]))
    plan_request = cascade.request_create(parent=parent, units=units, deadline=datetime.date(2030, 12, 31))
    job = cascade.drafts_job_start(plan_request=plan_request, user=user("dieuphoi"))
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED

    files_before = results(Path(settings.MEDIA_ROOT))
    process = worker()
    kill_when(process, lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, done__gte=1).exists())

    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and 1 <= job.done < job.total == len(units)
    assert jobs.sweep_stale() == []  # it beat a moment ago: not dead yet by the rule
    assert jobs.sweep_stale(now=later()) == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "Tiến trình xử lý bị dừng giữa chừng; hãy chạy lại."
    assert not job.result and results(Path(settings.MEDIA_ROOT)) == files_before  # no ZIP, not even a part
    client.force_login(user("dieuphoi"))
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Tiến trình xử lý bị dừng giữa chừng; hãy chạy lại." in page and "Không thành công" in page
    # Starting again makes a new job (the dead one is not reused).
    assert cascade.drafts_job_start(plan_request=plan_request, user=user("dieuphoi")).pk != job.pk


def test_plan_import_killed_midway_saves_nothing_and_shows_failed(settings, client):
    settings.TASKS = DB_TASKS
    build_world("dieuphoi")
    plans_before = Plan.objects.count()
    data = next(SEEDS.glob("001_*.txt")).read_bytes()
    upload = import_start(user=user("dieuphoi"), upload_name="ke-hoach.txt", data=data)
    background = Job.objects.get(kind=IMPORT_JOB, params__import=upload.pk)

    process = worker()
    kill_when(process, lambda: Job.objects.filter(pk=background.pk, status=JobStatus.RUNNING, done__gte=1).exists())

    upload.refresh_from_db()
    assert upload.status == ImportStatus.RUNNING and upload.blocks == [] and not upload.source_format
    assert jobs.sweep_stale(now=later()) == [background.pk]
    upload.refresh_from_db()
    assert upload.status == ImportStatus.FAILED and upload.error == jobs.STALE_MESSAGE
    assert upload.blocks == [] and Plan.objects.count() == plans_before
    client.force_login(user("dieuphoi"))
    page = client.get(reverse("plans:import_status", args=[upload.pk])).content.decode()
    assert "Tiến trình xử lý bị dừng giữa chừng; hãy chạy lại." in page and "Không có dữ liệu nào được lưu" in page
