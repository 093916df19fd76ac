"""The one task every background job runs through (database queue; `manage.py db_worker`)."""

from django_tasks import task


@task()
def run_job(job_id: int) -> None:
    from .services import run

    run(job_id)
