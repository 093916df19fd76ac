"""Signing in: Vietnamese page, CSRF enforced, failed attempts rate-limited, secure settings."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "NinhBinh@2025"  # the demo password conftest's load_demo sets


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_vietnamese(client):
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="vi">' in body and "Đăng nhập" in body and "Mật khẩu" in body


def test_a_coordinator_signs_in_and_lands_on_the_overview(client):
    response = login(client, "dieuphoi", PASSWORD)
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "Tổng quan" in body and "Trần Thị Thu Hà" in body and "Cơ quan, đơn vị đang hoạt động" in body


def test_a_wrong_password_is_refused_with_a_vietnamese_message(client):
    response = login(client, "dieuphoi", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "canbo.phuly", "sai")
    response = login(client, "canbo.phuly", PASSWORD)
    assert response.status_code == 429
    assert "Tài khoản đã bị tạm khóa do đăng nhập sai nhiều lần." in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not punished for it.
    assert login(Client(), "canbo.binhgiang", PASSWORD).status_code == 302


def test_forms_without_a_csrf_token_are_refused():
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("login"), {"username": "dieuphoi", "password": PASSWORD}).status_code == 403
    client.force_login(__import__("cchc.test", fromlist=["user"]).user("dieuphoi"))
    assert client.post(reverse("orgs:unit_create"), {"code": "X"}).status_code == 403
    assert client.post("/api/resolve", {"text": "Sở Nội vụ"}, content_type="application/json").status_code == 403


def test_logout_needs_post_and_ends_the_session(client):
    login(client, "dieuphoi", PASSWORD)
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_security_settings_hold_outside_debug(settings):
    assert not settings.DEBUG
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert "axes.middleware.AxesMiddleware" == settings.MIDDLEWARE[-1]


def test_production_refuses_to_start_without_a_secret_key():
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "cchc.settings", "DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "Thiếu biến môi trường SECRET_KEY" in result.stderr
