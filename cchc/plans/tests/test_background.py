"""The real queue: an upload enqueued in the database is read by `manage.py db_worker`."""

from pathlib import Path

import pytest
from django.core.management import call_command

from cchc.orgs.models import User
from cchc.plans.jobs import import_start
from cchc.plans.models import ImportStatus, PlanImport

# The worker closes database connections between tasks, as a real worker process does: this test
# runs outside the per-test transaction and builds what it needs itself.
pytestmark = pytest.mark.django_db(transaction=True)

SEEDS = Path(__file__).parent.parent / "demo"  # the five seed plans, also the demo data


def test_the_database_worker_reads_an_enqueued_upload(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    data = next(SEEDS.glob("001_*.txt")).read_bytes()
    person = User.objects.create_user(username="nguoi.nhap", password="Mat-khau-dai-2025")
    job = import_start(user=person, upload_name="ke-hoach.txt", data=data)
    job.refresh_from_db()
    assert job.status == ImportStatus.PENDING  # queued, not run in the request

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job = PlanImport.objects.get(pk=job.pk)
    assert job.status == ImportStatus.DONE and job.progress == 1
    assert job.source_format == "txt" and job.blocks and job.seconds is not None
