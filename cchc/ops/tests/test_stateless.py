"""Two app processes behind one PostgreSQL share nothing but the database: sign in on instance A
(a real POST to /dang-nhap/ with its CSRF token), use that session on instance B, record an activity
on A and read it on B, sign out on A and B no longer knows the session."""

import http.client
import os
import re
import signal
import socket
import subprocess
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.utils import timezone

from cchc.test import BINH_GIANG, BROWSER_PASSWORD, build_world

ROOT = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL (DATABASE_URL=postgres://…): two processes on one shared database"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int, database_url: str) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cchc.settings_test", "DATABASE_URL": database_url,
           "ALLOWED_HOSTS": "127.0.0.1"}
    return subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "cchc.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT, env=env, start_new_session=True,
    )


def wait_up(port: int, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise AssertionError(f"gunicorn on {port} exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn on {port} did not start")


class Browser:
    """A cookie jar shared across both instances, as one person's browser behind a load balancer."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        conn.close()
        return response.status, dict(response.getheaders()), text


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def test_two_gunicorn_instances_share_sessions_and_data():
    build_world("canbo.binhgiang", communes=(BINH_GIANG,))
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    a_port, b_port = free_port(), free_port()
    servers = [start(a_port, url), start(b_port, url)]
    try:
        for port, server in zip((a_port, b_port), servers, strict=True):
            wait_up(port, server)
        me = Browser()
        # Not signed in: B sends the person to the login page.
        status, headers, _ = me.request(b_port, "GET", "/tuyen-truyen/hoat-dong/")
        assert status == 302 and "/dang-nhap/" in headers["Location"]

        # Sign in on A: the login form's CSRF token, then a real POST.
        status, _, page = me.request(a_port, "GET", "/dang-nhap/")
        assert status == 200
        status, headers, _ = me.request(a_port, "POST", "/dang-nhap/", {
            "csrfmiddlewaretoken": csrf_of(page), "username": "canbo.binhgiang", "password": BROWSER_PASSWORD})
        assert status == 302, "login refused"
        assert "sessionid" in me.cookies

        # The session, stored in the database by A, is honoured by B.
        status, _, page = me.request(b_port, "GET", "/tuyen-truyen/")
        assert status == 200 and "Vũ Thị Lan" in page

        # A write on A (the quick activity form, CSRF token from B's page) is seen on B.
        title = f"Phát thanh về dịch vụ công trực tuyến {uuid.uuid4().hex[:6]}"
        status, headers, _ = me.request(a_port, "POST", f"/tuyen-truyen/ghi-nhanh/?don_vi={BINH_GIANG}", {
            "csrfmiddlewaretoken": csrf_of(page), "don_vi": BINH_GIANG,
            "date": timezone.localdate().strftime("%d/%m/%Y"), "channel": "radio", "title": title,
            "quantity": "2", "token": uuid.uuid4().hex})
        assert status == 302, "the activity was not saved"
        status, _, page = me.request(b_port, "GET", "/tuyen-truyen/hoat-dong/")
        assert status == 200 and title in page

        # Sign out on A: B no longer knows the session.
        status, _, page = me.request(b_port, "GET", "/tuyen-truyen/")
        old_session = me.cookies["sessionid"]
        status, _, _ = me.request(a_port, "POST", "/dang-xuat/", {"csrfmiddlewaretoken": csrf_of(page)})
        assert status == 302
        me.cookies["sessionid"] = old_session  # even a browser that kept the old cookie is signed out on B
        status, headers, _ = me.request(b_port, "GET", "/tuyen-truyen/hoat-dong/")
        assert status == 302 and "/dang-nhap/" in headers["Location"]
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=15)
