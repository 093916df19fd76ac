"""Background work for the portal (django-tasks, database queue; `manage.py db_worker` runs it)."""

from django_tasks import task

from . import services


@task()
def rollup_views() -> int:
    """Fold the recorded views into the daily counts (scheduled by the first view after a pause)."""
    return services.views_rollup_safe()
