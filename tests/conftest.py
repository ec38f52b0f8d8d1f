"""Shared fixtures and the rules for tests that need real services.

Tests marked `postgres` need DATABASE_URL on PostgreSQL, `redis` need REDIS_URL,
`browser` need Debian's Chromium. Where a service is missing they are skipped
with the reason shown (`-ra`), except under CI=true, where they fail: CI must
never pass by skipping them.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run there unless told that this is safe (it is: one thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _redis_answers() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _missing(item: pytest.Item) -> str | None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return (
            "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp"
        )
    if item.get_closest_marker("redis") and not _redis_answers():
        return "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0"
    if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        return (
            "needs Chromium: apt-get install -y chromium chromium-driver "
            "(or set CHROMIUM_PATH)"
        )
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = _missing(item)
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI=true but the service is unreachable: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Uploads of one test never leak into another or into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROTECTED_MEDIA_ROOT = tmp_path / "protected"
    settings.SENDFILE_ROOT = str(settings.PROTECTED_MEDIA_ROOT)
    settings.STORAGES = {
        **settings.STORAGES,
        "protected": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": str(settings.PROTECTED_MEDIA_ROOT),
                "base_url": "/protected/",
            },
        },
    }


@pytest.fixture(autouse=True)
def _celery_conf_restored():
    """A test that points Celery at a broker of its own (the fault tests)
    must not leave the next tests publishing to a server that has stopped."""
    from celery import current_app

    app = current_app._get_current_object()
    conf = app.conf
    before = (conf.broker_url, conf.task_always_eager)
    yield
    if current_app._get_current_object() is not app:
        # `Celery(...)` made in a test becomes the thread's current app (its
        # default `set_as_current=True`): shared tasks would then publish to
        # that app's broker for the rest of the session.
        app.set_current()
    if (conf.broker_url, conf.task_always_eager) != before:
        conf.broker_url, conf.task_always_eager = before
        app._pool = None
        app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from core.pagecache import forget_local

    cache.clear()
    forget_local()
    yield
    cache.clear()
    forget_local()


@pytest.fixture
def chromium_path() -> str:
    return CHROMIUM if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM) else ""


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def creator(db):
    from tests.factories import CreatorFactory

    return CreatorFactory()


@pytest.fixture
def staff_user(db):
    from tests.factories import StaffFactory

    return StaffFactory()
