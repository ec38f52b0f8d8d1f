"""Telling a column's subscribers about a new post."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from courses.models import ColumnPost


def column_post_notify(*, post_id: int) -> int:
    """Notify every active subscriber once (the dedupe key makes reruns harmless)."""
    from commerce.selectors import column_subscriber_ids
    from notifications.services import notification_send

    post = (
        ColumnPost.objects.select_related("column__creator").filter(pk=post_id).first()
    )
    if post is None or not post.is_published or not post.column.is_published:
        return 0
    ids = column_subscriber_ids(column_id=post.column_id)
    told = 0
    for reader in get_user_model().objects.filter(pk__in=ids, is_active=True):
        sent = notification_send(
            recipient=reader,
            kind="column_post",
            target=post,
            actor=post.column.creator,
            params={"column": post.column.title, "post": post.title},
            dedupe_key=f"column-post:{post.pk}",
        )
        told += sent is not None
    return told
