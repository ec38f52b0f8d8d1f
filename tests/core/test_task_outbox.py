"""Queuing a task never hangs a request and never loses the task (celery#4556).

The broker here is a socket that accepts connections and never answers (a
Redis that hangs) or a closed port (a Redis that is down); the settings'
timeouts must make `enqueue` give up within seconds, keep the task in the
outbox, and `outbox_drain` must send it once the broker is back.
Fault tests with a real Redis server stopped and started: tests/reliability.
"""

import socket
import threading
import time

import pytest
from celery import current_app
from django.db import transaction

from core import tasks as core_tasks
from core.models import TaskOutbox
from core.tasks import IDEMPOTENT, enqueue, outbox_drain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def silent_broker():
    """A TCP server that accepts and never replies: publish must time out."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.fixture
def closed_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def broker(settings):
    """Switch the Celery app to a broker URL, non-eager, and back afterwards."""
    conf = current_app.conf
    saved = {
        "broker_url": conf.broker_url,
        "task_always_eager": conf.task_always_eager,
        "broker_transport_options": conf.broker_transport_options,
    }

    def use(url: str):
        conf.broker_url = url
        conf.task_always_eager = False
        conf.broker_transport_options = {
            "socket_connect_timeout": 2,
            "socket_timeout": 2,
        }
        current_app._pool = None
        current_app.amqp._producer_pool = None

    yield use
    conf.update(saved)
    current_app._pool = None
    current_app.amqp._producer_pool = None


def _enqueue_in_a_request() -> float:
    started = time.monotonic()
    with transaction.atomic():
        enqueue(core_tasks.outbox_drain, grace_seconds=3600)
    return time.monotonic() - started


def test_the_production_settings_bound_the_broker(settings):
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 5
    assert settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] <= 2
    assert settings.CELERY_TASK_ACKS_LATE is False


@pytest.mark.parametrize("kind", ["silent", "closed"])
def test_a_dead_broker_does_not_hang_and_the_task_is_kept(
    broker, silent_broker, closed_port, kind
):
    broker(silent_broker if kind == "silent" else closed_port)
    elapsed = _enqueue_in_a_request()
    assert elapsed < 15, f"enqueue waited {elapsed:.1f}s for a dead broker"
    row = TaskOutbox.objects.get()
    assert row.task == "core.tasks.outbox_drain"
    assert row.attempts == 1 and row.last_error


def test_the_outbox_is_sent_when_the_broker_is_back(broker, closed_port):
    broker(closed_port)
    _enqueue_in_a_request()
    assert TaskOutbox.objects.count() == 1
    broker("memory://")
    with current_app.connection_for_write() as connection:
        queue = connection.SimpleQueue("celery")
        queue.clear()
        assert outbox_drain(grace_seconds=0) == 1
        message = queue.get(timeout=5)
        assert message.headers["task"] == "core.tasks.outbox_drain"
        message.ack()
        queue.close()
    assert not TaskOutbox.objects.exists()


def test_a_healthy_broker_leaves_no_row(broker):
    broker("memory://")
    _enqueue_in_a_request()
    assert not TaskOutbox.objects.exists()


def test_a_rolled_back_transaction_sends_nothing(broker):
    broker("memory://")
    sent = []
    original = core_tasks._publish
    core_tasks._publish = lambda *a: sent.append(a)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue(core_tasks.outbox_drain)
            raise RuntimeError("rollback")
    finally:
        core_tasks._publish = original
    assert sent == [] and not TaskOutbox.objects.exists()


def test_best_effort_work_writes_no_row(broker, closed_port):
    broker(closed_port)
    with transaction.atomic():
        enqueue(core_tasks.outbox_drain, durable=False)
    assert not TaskOutbox.objects.exists()


def test_idempotent_tasks_are_acked_late_and_requeued_when_the_worker_dies():
    from commerce.tasks import order_fulfil_task, reconcile_orders_task
    from recommendations.tasks import execute_run
    from rewards.tasks import badges_evaluate_task, points_award_task

    for task in (
        reconcile_orders_task,
        order_fulfil_task,
        points_award_task,
        badges_evaluate_task,
        execute_run,
        outbox_drain,
    ):
        assert task.acks_late and task.reject_on_worker_lost, task.name
    assert IDEMPOTENT == {"acks_late": True, "reject_on_worker_lost": True}


def test_notification_tasks_are_not_acked_late():
    from rewards.tasks import notify_badge_task

    assert not notify_badge_task.acks_late
