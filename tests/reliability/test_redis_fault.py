"""Redis stopped during a run (issue 11, faults): pages keep serving, queuing
a task does not hang and loses nothing, /healthz/ says 503 and recovers.

A redis-server of the test's own on a free port is the cache and the broker;
it is stopped and started again here (never the machine's shared Redis).
"""

from __future__ import annotations

import time

import pytest
from celery import current_app
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from core.models import TaskOutbox
from core.tasks import outbox_drain
from tests.factories import CourseFactory, UserFactory
from tests.reliability.services import RedisServer

pytestmark = pytest.mark.django_db(transaction=True)
SLOW = 10.0  # seconds a request may take with Redis gone (timeouts are 1-2 s)


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def on_redis(settings, redis_server):
    """Cache and broker on the private Redis, tasks sent for real (not eager)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    settings.CELERY_BROKER_URL = redis_server.url
    conf = current_app.conf
    saved = {
        "broker_url": conf.broker_url,
        "task_always_eager": conf.task_always_eager,
        "broker_transport_options": conf.broker_transport_options,
    }
    conf.broker_url = redis_server.url
    conf.task_always_eager = False
    conf.broker_transport_options = {"socket_connect_timeout": 2, "socket_timeout": 2}
    current_app._pool = None
    current_app.amqp._producer_pool = None
    caches["default"].clear()
    yield redis_server
    conf.update(saved)
    current_app._pool = None
    current_app.amqp._producer_pool = None
    for alias in list(caches):
        caches[alias].close()


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _health(client) -> int:
    return client.get(reverse("healthz")).status_code


def _wait_for_health(client, status: int, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    got = _health(client)
    while got != status and time.monotonic() < deadline:
        time.sleep(0.5)
        got = _health(client)
    return got


def test_redis_down_pages_serve_tasks_wait_in_the_outbox_health_recovers(on_redis):
    course = CourseFactory()
    user = UserFactory()
    client = Client()
    client.force_login(user)
    assert _health(client) == 200
    assert client.get(course.get_absolute_url()).status_code == 200

    on_redis.stop()

    # Pages still serve, signed in (sessions fall back to the database).
    for url in ("/", reverse("courses:catalogue"), course.get_absolute_url()):
        response, took = _timed(lambda url=url: client.get(url))
        assert response.status_code == 200, url
        assert took < SLOW, f"{url} took {took:.1f}s with Redis down"
    # A write that queues a task answers at once and keeps the task.
    # (enrolling queues the recommendation and reward tasks).
    response, took = _timed(
        lambda: client.post(reverse("learning:enroll", kwargs={"slug": course.slug}))
    )
    assert response.status_code == 302
    assert took < SLOW, f"the write took {took:.1f}s with Redis down"
    assert user.enrollments.filter(course=course).exists()
    assert TaskOutbox.objects.exists(), "the queued tasks were lost"
    assert _health(client) == 503

    on_redis.start()

    assert _wait_for_health(client, 200) == 200
    pending = TaskOutbox.objects.count()
    published = outbox_drain(grace_seconds=0)
    assert published == pending
    assert not TaskOutbox.objects.exists()
    assert on_redis.client().llen("celery") >= published


def test_a_task_queued_while_redis_is_down_is_delivered_once_it_is_back(on_redis):
    from django.db import transaction

    from core.tasks import enqueue

    on_redis.stop()
    started = time.monotonic()
    with transaction.atomic():
        enqueue(outbox_drain, grace_seconds=3600)
    assert time.monotonic() - started < SLOW
    assert TaskOutbox.objects.count() == 1
    on_redis.start()
    assert outbox_drain(grace_seconds=0) == 1
    assert on_redis.client().llen("celery") == 1
    assert not TaskOutbox.objects.exists()
