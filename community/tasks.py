"""Celery tasks of the community: thin, take ids, safe to retry or run twice."""

from celery import shared_task

from . import services, similarity


@shared_task(
    autoretry_for=(Exception,), retry_backoff=True, max_retries=3, acks_late=True
)
def fanout_post_notifications(*, post_id: int) -> int:
    return services.post_notify(post_id=post_id)


@shared_task(acks_late=True)
def rebuild_similarity_index() -> int:
    """Refit the TF-IDF index of similar questions (after new threads and by beat)."""
    return similarity.rebuild_now()
