"""Celery tasks of the community: thin, take ids, safe to retry or run twice."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from . import services, similarity
from .models import Notification


@shared_task(
    autoretry_for=(Exception,), retry_backoff=True, max_retries=3, acks_late=True
)
def fanout_post_notifications(*, post_id: int) -> int:
    return services.post_notify(post_id=post_id)


@shared_task(acks_late=True)
def rebuild_similarity_index() -> int:
    """Refit the TF-IDF index of similar questions (after new threads and by beat)."""
    return similarity.rebuild_now()


@shared_task(
    autoretry_for=(Exception,), retry_backoff=True, max_retries=3, acks_late=True
)
def send_notification_digest(*, user_id: int) -> int:
    return services.notification_digest_send(user_id=user_id)


@shared_task(acks_late=True)
def send_notification_digests() -> int:
    """Queue one digest per user with unread, un-emailed notifications."""
    User = get_user_model()
    pending = Notification.objects.filter(
        user=OuterRef("pk"), emailed_at__isnull=True, read_at__isnull=True
    )
    user_ids = list(
        User.objects.filter(Exists(pending), is_active=True).values_list(
            "pk", flat=True
        )
    )
    for user_id in user_ids:
        send_notification_digest.delay(user_id=user_id)
    return len(user_ids)
