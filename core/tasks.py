"""Sending Celery tasks without hanging a request or losing the task.

`enqueue(task, **kwargs)` is how the apps queue work from a service:

- the task is written to the `TaskOutbox` table in the caller's transaction
  (a rolled-back transaction sends nothing);
- after commit it is published with short broker timeouts (settings:
  CELERY_BROKER_CONNECTION_TIMEOUT, CELERY_TASK_PUBLISH_RETRY_POLICY) and the
  row deleted; if the broker is down the row stays and the request goes on;
- `outbox_drain` (beat, every minute, in the worker) publishes what is left.

A task may thus be sent twice (published, then the delete failed): only
idempotent tasks go through the outbox, and they declare `**IDEMPOTENT`
(acks_late with reject_on_worker_lost, so a task whose worker was killed runs
again on the next one). `enqueue(..., durable=False)` is for best-effort work
triggered by a GET (which must not write a row): published with the same
timeouts, dropped with a warning when the broker is down.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app, shared_task
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import TaskOutbox

logger = logging.getLogger(__name__)

# Options of a task that is safe to run twice.
IDEMPOTENT = {"acks_late": True, "reject_on_worker_lost": True}
# Rows younger than this are still being published by their request.
DRAIN_GRACE = timedelta(seconds=30)
DRAIN_BATCH = 500


def _publish(name: str, args: list, kwargs: dict) -> None:
    current_app.send_task(name, args=args, kwargs=kwargs)


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def enqueue(task, *args, durable: bool = True, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` after the current transaction commits."""
    name = task.name
    if _eager():
        # Tests and the embedded setup run tasks in-process: keep their
        # exceptions visible instead of parking them in the outbox.
        transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))
        return
    if not durable:
        transaction.on_commit(lambda: _publish_best_effort(name, list(args), kwargs))
        return
    row = TaskOutbox.objects.create(task=name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: _publish_row(row.pk, name, list(args), kwargs))


def _publish_best_effort(name: str, args: list, kwargs: dict) -> None:
    try:
        _publish(name, args, kwargs)
    except Exception as error:  # the broker is down: this work is optional
        logger.warning("Dropped %s: broker unavailable (%s)", name, error)


def _publish_row(row_id: int, name: str, args: list, kwargs: dict) -> bool:
    try:
        _publish(name, args, kwargs)
    except Exception as error:  # any broker error: the outbox keeps the task
        logger.warning("Kept %s in the outbox: broker unavailable (%s)", name, error)
        try:
            TaskOutbox.objects.filter(pk=row_id).update(
                attempts=F("attempts") + 1, last_error=str(error)[:300]
            )
        except Exception:  # the database may be down too: the row is there
            logger.exception("Could not record the failed publish of %s", name)
        return False
    try:
        TaskOutbox.objects.filter(pk=row_id).delete()
    except Exception:  # sent; a second send later is harmless (idempotent)
        logger.exception("Published %s but could not clear its outbox row", name)
    return True


def outbox_pending() -> int:
    return TaskOutbox.objects.count()


@shared_task(ignore_result=True, **IDEMPOTENT)
def outbox_drain(*, grace_seconds: float | None = None) -> int:
    """Publish tasks left in the outbox (broker was down); returns how many."""
    grace = DRAIN_GRACE if grace_seconds is None else timedelta(seconds=grace_seconds)
    cutoff = timezone.now() - grace
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                TaskOutbox.objects.select_for_update(skip_locked=True)
                .filter(created_at__lte=cutoff)
                .order_by("pk")[:DRAIN_BATCH]
            )
            if not rows:
                return sent
            published = []
            for row in rows:
                try:
                    _publish(row.task, row.args, row.kwargs)
                except Exception as error:
                    logger.warning("Outbox drain stopped: %s", error)
                    TaskOutbox.objects.filter(pk__in=published).delete()
                    TaskOutbox.objects.filter(pk=row.pk).update(
                        attempts=F("attempts") + 1, last_error=str(error)[:300]
                    )
                    return sent + len(published)
                published.append(row.pk)
            TaskOutbox.objects.filter(pk__in=published).delete()
            sent += len(published)
