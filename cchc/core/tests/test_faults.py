"""Faults that really happen: the database connection killed under a running app (PostgreSQL)."""

import io

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from django.test import RequestFactory

from cchc.test import BINH_GIANG, build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL (DATABASE_URL=postgres://…): kills a server backend"),
]


def _kill_backend() -> int:
    """Terminate the app connection's server process from a second, admin connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    s = connection.settings_dict
    with psycopg.connect(host=s["HOST"], port=s["PORT"] or 5432, user=s["USER"], password=s["PASSWORD"] or None,
                         dbname=s["NAME"], autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0] is True
    return pid


def _get(path: str):
    """One request through the real WSGI handler (the test client switches off the per-request
    connection check that this is about)."""
    environ = RequestFactory().get(path).environ
    environ["wsgi.input"] = io.BytesIO(b"")
    status = []
    body = b"".join(WSGIHandler()(environ, lambda s, h, exc_info=None: status.append(s)))
    return status[0], body.decode()


def test_the_request_after_the_database_killed_the_connection_works():
    build_world(communes=(BINH_GIANG,))
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] and connection.settings_dict["CONN_MAX_AGE"]
    status, _ = _get("/dang-nhap/")
    assert status.startswith("200")
    pid = _kill_backend()
    # Mid-request, the dead connection fails the query in flight …
    with pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    # … and the next request starts on a fresh connection and answers.
    status, body = _get("/dang-nhap/")
    assert status.startswith("200"), status
    assert "Đăng nhập" in body
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_killed_idle_connection_is_replaced_at_the_next_request():
    build_world(communes=(BINH_GIANG,))
    _get("/dang-nhap/")
    pid = _kill_backend()  # between two requests: the persistent connection is dead
    status, body = _get("/dang-nhap/")
    assert status.startswith("200"), status
    assert "Đăng nhập" in body
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
