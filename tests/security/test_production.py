"""Production fails closed: unsafe settings stop `check --deploy` and the server."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = secrets.token_urlsafe(64)


def _env(tmp_path, **overrides) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kpplatform.settings",
        "DEBUG": "0",
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "kp.example.com",
        "SITE_URL": "https://kp.example.com",
        "VAR_DIR": str(tmp_path / "var"),
        "PAYMENT_PROVIDER": "stripe",
        "STRIPE_API_KEY": "sk_live_" + secrets.token_hex(12),
        "STRIPE_ENDPOINT_SECRET": "whsec_" + secrets.token_hex(12),
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _run(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _check_deploy(env) -> str:
    result = _run(["manage.py", "check", "--deploy"], env)
    return result.returncode, result.stdout + result.stderr


def _load_wsgi(env) -> subprocess.CompletedProcess:
    """What gunicorn does first: import the WSGI application."""
    return _run(["-c", "import kpplatform.wsgi"], env)


def test_unsafe_production_settings_are_errors_and_stop_the_server(tmp_path):
    env = _env(tmp_path, SECRET_KEY=None, PAYMENT_PROVIDER=None, ALLOWED_HOSTS=None)
    status, output = _check_deploy(env)
    assert status != 0, output
    assert "ERRORS:" in output, output
    for error in ("kp.E001", "kp.E002", "kp.E003"):
        assert error in output, output
    started = _load_wsgi(env)
    assert started.returncode != 0
    assert "Refusing to start" in started.stderr
    for error in ("kp.E001", "kp.E002", "kp.E003"):
        assert error in started.stderr


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        (
            {"SECRET_KEY": "django-insecure-dev-only-change-me-in-production-0123"},
            "kp.E001",
        ),
        ({"SECRET_KEY": "short"}, "kp.E001"),
        ({"SECRET_KEY": "a" * 60}, "kp.E001"),
        ({"PAYMENT_PROVIDER": "dummy", "ALLOW_TEST_PAYMENTS": False}, "kp.E002"),
        ({"ALLOWED_HOSTS": []}, "kp.E003"),
        ({"ALLOWED_HOSTS": ["kp.example.com", "testserver"]}, "kp.E004"),
        ({"ALLOWED_HOSTS": ["*"]}, "kp.E004"),
    ],
)
def test_each_unsafe_setting_is_named(settings, overrides, error):
    from core.checks import production_settings

    settings.DEBUG = False
    settings.SECRET_KEY = GOOD_KEY
    settings.PAYMENT_PROVIDER = "stripe"
    settings.ALLOWED_HOSTS = ["kp.example.com"]
    assert production_settings() == []
    for name, value in overrides.items():
        setattr(settings, name, value)
    assert [e.id for e in production_settings()] == [error]
    settings.DEBUG = True
    assert production_settings() == []


def test_staging_may_allow_the_dummy_gateway_explicitly(tmp_path):
    env = _env(tmp_path, PAYMENT_PROVIDER="dummy", ALLOW_TEST_PAYMENTS="1")
    started = _load_wsgi(env)
    assert started.returncode == 0, started.stderr


def test_development_defaults_still_start(tmp_path):
    """DEBUG on (make run): no production errors, the server starts."""
    env = _env(
        tmp_path, DEBUG=None, SECRET_KEY=None, PAYMENT_PROVIDER=None, ALLOWED_HOSTS=None
    )
    assert _load_wsgi(env).returncode == 0


def test_payment_callbacks_follow_site_url_unless_set(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.PAYMENT_HOST, s.PAYMENT_USES_SSL)"
    )
    env = _env(tmp_path, SITE_URL="https://learn.example.org")
    assert _run(["-c", code], env).stdout.split() == ["learn.example.org", "True"]
    env = _env(tmp_path, PAYMENT_HOST="pay.example.org", PAYMENT_USES_SSL="0")
    assert _run(["-c", code], env).stdout.split() == ["pay.example.org", "False"]


def test_make_run_on_another_port_mails_links_to_that_port(tmp_path):
    """`PORT=8105 make run` without SITE_URL: emails named 127.0.0.1:8000 (the
    sign-up mail's site, every link the worker builds) while the site was on
    8105."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SITE_URL, s.PAYMENT_HOST)"
    )
    env = _env(tmp_path, DEBUG=None, SITE_URL=None, PORT="8105")
    result = _run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "http://127.0.0.1:8105",
        "127.0.0.1:8105",
    ]
    env = _env(tmp_path, DEBUG=None, SITE_URL="https://kp.example.com", PORT="8105")
    assert _run(["-c", code], env).stdout.split()[0] == "https://kp.example.com"


def test_testserver_is_allowed_only_by_test_settings(settings):
    from kpplatform import settings as production_module

    assert "testserver" not in production_module.ALLOWED_HOSTS
    assert "testserver" in settings.ALLOWED_HOSTS
