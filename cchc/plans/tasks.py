"""Background work for plans (django-tasks, database queue; `manage.py db_worker` runs it)."""

import time

from django_tasks import task

from .jobs import import_run


@task()
def read_plan_upload(import_id: int) -> None:
    """Extract and read an uploaded plan, recording progress for the page that polls it."""
    started = time.monotonic()
    import_run(import_id, started=started)
