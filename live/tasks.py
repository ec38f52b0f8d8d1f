"""Thin Celery tasks of live: each takes ids, calls a service, is safe to rerun."""

from __future__ import annotations

from celery import shared_task

from . import selectors, services

RETRY = {
    "autoretry_for": (ConnectionError, TimeoutError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def lecture_tickets_refund_task(*, lecture_id: int) -> int:
    return services.lecture_tickets_refund(lecture_id=lecture_id)


@shared_task
def reminders_send_task() -> int:
    return services.reminders_send()


@shared_task
def bookings_expire_unconfirmed_task() -> int:
    return services.bookings_expire_unconfirmed()


@shared_task
def live_reconcile_task() -> dict[str, int]:
    """Finish refunds a failure left behind: cancelled lectures, ended bookings."""
    lecture_ids = selectors.cancelled_lecture_ids_with_tickets(limit=50)
    tickets = sum(services.lecture_tickets_refund(lecture_id=pk) for pk in lecture_ids)
    return {"tickets": tickets, "bookings": services.bookings_refund_due()}


@shared_task
def questions_expire_task() -> int:
    """Refund paid questions not answered in time."""
    return services.questions_expire()


@shared_task
def questions_settle_task() -> int:
    """Pay experts for answers nobody objected to in time."""
    return services.questions_settle()


@shared_task
def questions_reconcile_task() -> dict[str, int]:
    return services.questions_reconcile()
