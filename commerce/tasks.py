"""Thin Celery tasks of commerce: each calls a service and is safe to rerun."""

from __future__ import annotations

import logging

from celery import shared_task

from core.tasks import IDEMPOTENT

from . import services

logger = logging.getLogger(__name__)


class ReconciliationIncomplete(Exception):
    """Some orders could not be repaired yet; the others were."""


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    **IDEMPOTENT,
)
def reconcile_orders_task() -> dict[str, int]:
    """Capture confirmed payments and fulfil paid items that a crash left behind.

    Every order is repaired on its own, so one that keeps failing never holds
    up the others. When some failed, the task fails after the batch and is
    retried with backoff (e.g. the database blipped); every step underneath is
    idempotent, so a retry never doubles anything.
    """
    result = services.reconcile_orders()
    if result["failed"]:
        raise ReconciliationIncomplete(f"reconciliation incomplete: {result}")
    if any(result.values()):
        logger.warning("reconciliation repaired %s", result)
    return result


@shared_task(
    autoretry_for=(Exception,), retry_backoff=True, max_retries=5, **IDEMPOTENT
)
def order_fulfil_task(*, order_id: int) -> list[int]:
    return services.order_fulfil(order_id=order_id)


@shared_task
def orders_expire_task() -> int:
    return services.orders_expire()


@shared_task
def earnings_release_task() -> int:
    return services.earnings_release()


@shared_task
def subscriptions_expire_task() -> int:
    return services.subscriptions_expire()


@shared_task
def subscriptions_expiry_notify_task() -> int:
    return services.subscriptions_expiry_notify()
