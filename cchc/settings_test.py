"""Settings for the test suite: production settings (DEBUG off) plus a test-only key."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret")
# Playwright's sync API runs an event loop in the test thread; the ORM calls in tests are fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from cchc.settings import *  # noqa: E402,F403

# Tests serve static files from source; the manifest storage would need collectstatic first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Fast password hashing: the suite creates users; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Background tasks run at once in tests (the database queue and its worker are tested apart).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = BASE_DIR / "data" / "test-media"  # noqa: F405
# Tests never need Redis or the cache table: each process keeps its own cache in memory.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
