"""Security baseline: deploy checks, cookies, CSRF, unknown languages."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kpplatform.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "kp.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://kp.example.com",
        "SITE_URL": "https://kp.example.com",
        "USE_X_FORWARDED_PROTO": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_API_KEY": "sk_live_" + secrets.token_hex(12),
        "STRIPE_ENDPOINT_SECRET": "whsec_" + secrets.token_hex(12),
        "PAYMENT_HOST": "kp.example.com",
        "PAYMENT_USES_SSL": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output


def test_check_deploy_does_complain_about_the_development_defaults(tmp_path):
    """The test above can fail: with DEBUG on and the dev key it does."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kpplatform.settings",
        "VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "security.W018" in result.stdout + result.stderr


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_and_secure_when_configured(
    client, settings
):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    user = UserFactory(email="cookie@example.com")
    client.get(reverse("account_login"))
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] and csrf["secure"]
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["secure"]
    assert session["samesite"] == "Lax"


@pytest.mark.django_db
def test_every_form_page_carries_a_csrf_token(client, user):
    client.force_login(user)
    for name in [
        "accounts:profile_edit",
        "accounts:onboarding",
        "accounts:creator_apply",
        "account_change_password",
    ]:
        body = client.get(reverse(name)).content.decode()
        assert 'name="csrfmiddlewaretoken"' in body, name


@pytest.mark.django_db
def test_unknown_language_gets_a_clear_message_not_silence(client):
    response = client.post(
        reverse("set_language"),
        {"language": "xx-klingon", "next": "/"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert response.status_code == 200
    assert "is not available" in response.content.decode()


@pytest.mark.django_db
def test_switching_language_changes_the_page(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="en"' in body and "Sign up" in body
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="zh-hans"' in body and "注册" in body


@pytest.mark.django_db
def test_language_switch_ignores_an_offsite_next(client):
    response = client.post(
        reverse("set_language"),
        {"language": "xx", "next": "https://evil.example/"},
    )
    assert response.url == "/"
