"""Deploy switches resolve as documented, in a fresh process with the production settings (no network)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings; "
    "from django.core.files.storage import storages; s = storages['default']; "
    "print(json.dumps({'backend': settings.STORAGES['default']['BACKEND'], "
    "'class': type(s).__module__ + '.' + type(s).__name__, 'bucket': getattr(s, 'bucket_name', None), "
    "'endpoint': getattr(s, 'endpoint_url', None), 'acl': getattr(s, 'default_acl', 'n/a'), "
    "'location': str(getattr(s, 'location', '')), "
    "'ssc': settings.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS', False), "
    "'max_age': settings.DATABASES['default'].get('CONN_MAX_AGE')}))"
)
CLEAN = {"S3_BUCKET", "S3_ENDPOINT_URL", "S3_PREFIX", "DB_PGBOUNCER", "DATABASE_URL", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE"}


def probe(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CLEAN}
    env.update({"DJANGO_SETTINGS_MODULE": "cchc.settings", "SECRET_KEY": "probe-only", "DEBUG": "0",
                # No credentials and no reachable endpoint: resolving the storage must not touch the network.
                "AWS_EC2_METADATA_DISABLED": "true", **extra})
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_default_storage_is_the_filesystem_without_s3_bucket(tmp_path):
    got = probe(MEDIA_ROOT=str(tmp_path / "media"))
    # Django's filesystem storage, removing a partial file when the disk fills (cchc/ops/storage.py).
    assert got["backend"] == "cchc.ops.storage.FileSystemStorage"
    assert got["class"] == "cchc.ops.storage.FileSystemStorage"
    assert got["location"] == str(tmp_path / "media")


def test_s3_bucket_switches_the_default_storage_to_s3():
    got = probe(S3_BUCKET="cchc-tep", S3_ENDPOINT_URL="http://127.0.0.1:9", S3_PREFIX="ninhbinh")
    assert got["backend"] == "storages.backends.s3.S3Storage"
    assert got["class"] == "storages.backends.s3.S3Storage"
    assert got["bucket"] == "cchc-tep" and got["endpoint"] == "http://127.0.0.1:9" and got["location"] == "ninhbinh"
    assert got["acl"] is None  # private objects: downloads go through the views' access checks


def test_pgbouncer_disables_server_side_cursors_on_postgresql_only():
    pg = "postgres://cchc@127.0.0.1:6432/cchc"
    assert probe(DATABASE_URL=pg, DB_PGBOUNCER="1")["ssc"] is True
    plain = probe(DATABASE_URL=pg)
    assert plain["ssc"] is False and plain["max_age"] == 60
    assert probe(DATABASE_URL=pg, DB_PGBOUNCER="1", DB_CONN_MAX_AGE="0")["max_age"] == 0
    assert probe(DB_PGBOUNCER="1")["ssc"] is False  # SQLite: nothing to pool
