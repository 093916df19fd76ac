"""An import whose worker died shows failed when its page is read, without waiting for jobs_sweep
(the real kill -9 is in test_worker_killed.py, PostgreSQL only; this is the page's half, everywhere)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.jobs.models import Job, JobStatus
from cchc.plans.jobs import IMPORT_JOB
from cchc.plans.models import ImportStatus, PlanImport
from cchc.test import user

pytestmark = pytest.mark.django_db


def running_import(beat_seconds_ago: int) -> PlanImport:
    now = timezone.now()
    upload = PlanImport.objects.create(user=user("dieuphoi"), file="imports/x.txt", file_name="ke-hoach.txt",
                                       status=ImportStatus.RUNNING, progress=0.4)
    Job.objects.create(kind=IMPORT_JOB, title="Đọc kế hoạch", user=user("dieuphoi"), status=JobStatus.RUNNING,
                       params={"import": upload.pk}, dedupe_key=f"{IMPORT_JOB}:{upload.pk}", started_at=now,
                       heartbeat_at=now - datetime.timedelta(seconds=beat_seconds_ago))
    return upload


def test_an_import_whose_worker_stopped_beating_reads_failed_on_its_page(client, settings):
    settings.JOBS_STALE_SECONDS = 120
    dead, alive = running_import(beat_seconds_ago=600), running_import(beat_seconds_ago=5)
    client.force_login(user("dieuphoi"))
    page = client.get(reverse("plans:import_status", args=[dead.pk])).content.decode()
    assert "Tiến trình xử lý bị dừng giữa chừng; hãy chạy lại." in page
    assert PlanImport.objects.get(pk=dead.pk).status == ImportStatus.FAILED
    page = client.get(reverse("plans:import_status", args=[alive.pk])).content.decode()
    assert "bị dừng giữa chừng" not in page and "<progress" in page
    assert PlanImport.objects.get(pk=alive.pk).status == ImportStatus.RUNNING
