"""Celery tasks of notifications: thin, take ids, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_email(*, email_id: int) -> bool:
    """Send one outbox email; a claimed or sent row is left alone (at most once)."""
    return services.email_deliver(email_id=email_id)


@shared_task(acks_late=True)
def drain_outbox() -> int:
    """Send emails whose queued task was lost (the broker was down)."""
    return services.outbox_drain()


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
    reject_on_worker_lost=True,
)
def send_digest(*, user_id: int) -> int:
    return services.digest_send(user_id=user_id)


@shared_task(acks_late=True)
def send_digests() -> int:
    """Queue one digest per person with notifications waiting for one."""
    user_ids = services.digest_recipients()
    for user_id in user_ids:
        send_digest.delay(user_id=user_id)
    return len(user_ids)
