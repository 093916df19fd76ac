"""The test settings with the real database queue, for a `manage.py db_worker` the tests start and kill."""

from cchc.settings_test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
