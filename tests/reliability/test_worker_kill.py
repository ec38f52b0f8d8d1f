"""A Celery worker killed with SIGKILL in the middle of a task (issue 11, faults):
the next worker completes the work exactly once.

Real processes: a redis-server of the test's own is the broker, `celery
worker` (prefork, as the Procfile runs it) works on the test database. The
worker is `tests.reliability.fault_worker`, the project's app with one pause
point (see there): the task stops at a known point, the test kills the whole
worker (main process and pool, SIGKILL), checks that the message is still
unacknowledged in Redis (acks_late), starts another worker and waits for it.

The broker gives an unacknowledged message of a vanished worker to another
one after the visibility timeout (CELERY_VISIBILITY_TIMEOUT, 70 minutes by
default, a few seconds here); a pool process killed alone (the OOM killer's
usual victim) is requeued at once by its worker (reject_on_worker_lost).
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

import pytest
from celery import Celery
from django.db.models import Count
from payments import PaymentStatus

from commerce import services as shop
from commerce.models import CreatorEarning, Fulfilment, Order, OrderItem, Payment
from commerce.selectors import ledger_totals
from learning.models import Enrollment
from tests.commerce.factories import PaidCourseFactory
from tests.factories import CategoryFactory, CourseFactory, CreatorFactory, UserFactory
from tests.reliability.services import (
    RedisServer,
    celery_worker,
    production_env,
    wait_until,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
VISIBILITY = 4  # seconds before Redis gives an unacknowledged task to another worker
BOOT = 120  # seconds a worker may take to start and reach the pause (2 busy cores)


@pytest.fixture
def broker(transactional_db):
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def workers(broker, tmp_path):
    """Start workers (the first pausing at `pause`); all stopped at the end."""
    started = []

    def start(pause: str = ""):
        extra = {
            "FAULT_FLAG_DIR": str(tmp_path),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        }
        if pause:
            extra["FAULT_PAUSE_AT"] = pause
        env = production_env(tmp_path, redis_url=broker.url, **extra)
        worker = celery_worker(
            env,
            tmp_path / f"worker-{len(started)}.log",
            app="tests.reliability.fault_worker",
        )
        worker.start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _send(broker, name: str, *args) -> None:
    # Not the current app: a Celery() made here would otherwise become
    # `current_app` for this thread, and every later test's shared tasks would
    # publish to this broker after it has stopped.
    producer = Celery(broker=broker.url, set_as_current=False)
    try:
        producer.send_task(name, args=list(args))
    finally:
        producer.close()


def _reached(tmp_path, point: str, worker) -> None:
    flag = tmp_path / f"{point}.reached"
    assert wait_until(lambda: flag.exists() or not worker.alive(), BOOT), (
        f"the task never reached {point}:\n{worker.output()}"
    )
    assert flag.exists(), f"the worker died before {point}:\n{worker.output()}"


def _unacked(broker) -> list[str]:
    """Task names held unacknowledged by the broker (kombu's `unacked` hash)."""
    names = []
    for raw in broker.client().hvals("unacked"):
        message = json.loads(raw)[0]  # [payload, exchange, routing key]
        names.append(message["headers"]["task"])
    return names


def _crashed_checkouts(n: int):
    """Orders whose payment the provider confirmed but which were never
    captured (the web process died between the two): the reconciliation's job."""
    creator = CreatorFactory()
    orders = []
    for price in ("19.99", "33.33", "128.00")[:n]:
        course = PaidCourseFactory(creator=creator, price=Decimal(price))
        buyer = UserFactory()
        order = shop.order_create(user=buyer, offers=[("course", course.pk)])
        payment = shop.payment_create(order=order, user=buyer)
        Payment.objects.filter(pk=payment.pk).update(
            status=PaymentStatus.CONFIRMED, captured_amount=payment.total
        )
        orders.append(order)
    return orders


def test_reconciliation_killed_midway_completes_once_on_the_next_worker(
    broker, workers, tmp_path
):
    orders = _crashed_checkouts(3)
    first = workers(pause="capture")
    _send(broker, "commerce.tasks.reconcile_orders_task")
    _reached(tmp_path, "capture", first)
    # Midway: one order captured and fulfilled, the others not yet.
    assert Order.objects.filter(state=Order.State.PAID).count() == 1
    assert Order.objects.filter(state=Order.State.PENDING).count() == 2

    first.kill()
    assert "commerce.tasks.reconcile_orders_task" in _unacked(broker), (
        "the killed worker's task was acknowledged before it finished: lost"
    )

    second = workers()
    assert wait_until(
        lambda: (
            Order.objects.filter(state=Order.State.PAID).count() == 3
            and Fulfilment.objects.count() == 3
        ),
        BOOT,
    ), f"the next worker did not finish the reconciliation:\n{second.output()}"
    assert wait_until(
        lambda: "commerce.tasks.reconcile_orders_task" not in _unacked(broker), 30
    ), "the task was never acknowledged"

    # Exactly once: one capture, one delivery, one sale in the books per item.
    for order in orders:
        order.refresh_from_db()
        assert order.state == Order.State.PAID
        assert order.paid_payment_id is not None
    items = OrderItem.objects.filter(order__in=orders)
    assert items.count() == 3
    assert Fulfilment.objects.filter(order_item__in=items).count() == 3
    sales = Counter(
        CreatorEarning.objects.filter(kind="sale").values_list(
            "order_item_id", flat=True
        )
    )
    assert sales == Counter({item.pk: 1 for item in items})
    seats = Enrollment.objects.values("user", "course").annotate(n=Count("id"))
    assert {row["n"] for row in seats} == {1}
    assert Enrollment.objects.count() == 3
    books = ledger_totals()
    assert books["payments"] == Decimal("181.32")
    assert (
        books["payments"] - books["refunds"]
        == books["earnings"] + books["commission"] + books["escrow_held"]
    )
    assert not Payment.objects.filter(status=PaymentStatus.REFUNDED).exists()


@pytest.fixture
def yesterday(settings):
    """Learners, courses and yesterday's run, active and served."""
    from recommendations import services as recs

    settings.RECOMMENDATIONS_EVALUATE_RUNS = False
    prog = CategoryFactory(slug="programming")
    biz = CategoryFactory(slug="business")
    py = [CourseFactory(category=prog, title=f"Python {n}") for n in range(5)]
    mba = [CourseFactory(category=biz, title=f"Marketing {n}") for n in range(5)]
    learners = []
    for n in range(16):
        user = UserFactory(with_profile=True)
        for course in (py if n % 2 else mba)[: 2 + n % 3]:
            Enrollment.objects.create(user=user, course=course, source="free")
        learners.append(user)
    run = recs.model_run_create(algorithm="ease")
    run = recs.model_run_execute(run_id=run.pk)
    assert run.status == run.Status.SUCCEEDED, run.error
    return run, learners


def _served(learner) -> list[int]:
    from recommendations.selectors import recommendations_for

    return [s.course.pk for s in recommendations_for(learner, limit=8)]


def test_retrain_killed_before_the_swap_serves_yesterday_then_swaps_once(
    broker, workers, tmp_path, yesterday
):
    from recommendations import services as recs
    from recommendations.models import (
        ActiveRun,
        ModelRun,
        Recommendation,
        RelatedCourse,
        RetrainLock,
    )

    old_run, learners = yesterday
    old_rows = Recommendation.objects.filter(run=old_run).count()
    # Today's data differs: a new course half of the learners took.
    extra = CourseFactory(category=learners[0].enrollments.first().course.category)
    for learner in learners[:8]:
        Enrollment.objects.create(user=learner, course=extra, source="free")
    before = {learner.pk: _served(learner) for learner in learners}
    assert any(before.values())

    run = recs.model_run_create(algorithm="ease")
    first = workers(pause="swap")
    _send(broker, "recommendations.execute_run", run.pk)
    _reached(tmp_path, "swap", first)
    # Every row of the new run is written; readers still get yesterday's.
    assert Recommendation.objects.filter(run=run).exists()
    assert ActiveRun.objects.get(algorithm="ease").run_id == old_run.pk
    assert {learner.pk: _served(learner) for learner in learners} == before

    first.kill()
    assert "recommendations.execute_run" in _unacked(broker)
    # The dead worker's run still holds the lock; yesterday's list is served.
    assert ActiveRun.objects.get(algorithm="ease").run_id == old_run.pk
    assert {learner.pk: _served(learner) for learner in learners} == before

    second = workers()
    assert wait_until(
        lambda: ModelRun.objects.get(pk=run.pk).status != ModelRun.Status.RUNNING,
        BOOT,
        interval=0.3,
    ), f"the next worker did not finish the run:\n{second.output()}"
    run.refresh_from_db()
    assert run.status == ModelRun.Status.SUCCEEDED, run.error
    # Swapped in once: one active run, nothing running, the lock free.
    assert list(ActiveRun.objects.values_list("algorithm", "run_id")) == [
        ("ease", run.pk)
    ]
    assert not ModelRun.objects.filter(status=ModelRun.Status.RUNNING).exists()
    assert RetrainLock.objects.get().run_id is None
    # Never half written: exactly the rows the run counted, each once.
    rows = Recommendation.objects.filter(run=run)
    assert rows.count() == run.n_recommendations > 0
    assert rows.values("user", "course").distinct().count() == rows.count()
    related = RelatedCourse.objects.filter(run=run)
    assert related.values("course", "related").distinct().count() == related.count()
    # Yesterday's rows are kept (pruning keeps the last runs), today's served.
    assert Recommendation.objects.filter(run=old_run).count() == old_rows
    assert any(extra.pk in _served(learner) for learner in learners[8:]), (
        "the new run is not the one served"
    )


@pytest.mark.parametrize("algorithm", ["ease", "svd_implicit"])
def test_a_run_resumed_after_its_worker_died_starts_from_a_clean_slate(
    yesterday, algorithm
):
    """What the redelivered task does, without the processes: a run left
    "running" with every row written (lists, related courses and a rating
    model's parameters) runs again to success, each row once."""
    from recommendations import services as recs
    from recommendations.models import (
        ModelRun,
        RatingFactor,
        Recommendation,
        RetrainLock,
    )

    run = recs.model_run_create(algorithm=algorithm)
    run = recs.model_run_execute(run_id=run.pk)
    assert run.status == ModelRun.Status.SUCCEEDED, run.error
    written = Recommendation.objects.filter(run=run).count()
    factors = RatingFactor.objects.filter(run=run).count()
    # The worker died just before the swap: rows there, run "running", lock held.
    ModelRun.objects.filter(pk=run.pk).update(status=ModelRun.Status.RUNNING)
    RetrainLock.objects.filter(name="retrain").update(run=run)

    run = recs.model_run_execute(run_id=run.pk)

    assert run.status == ModelRun.Status.SUCCEEDED, run.error
    assert Recommendation.objects.filter(run=run).count() == written
    assert RatingFactor.objects.filter(run=run).count() == factors
