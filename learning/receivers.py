"""What learning does when other apps announce something (core.events)."""

from core import events


def _membership_ended(sender, *, user_id: int, **kwargs) -> None:
    from .services import enrollments_membership_lapse

    enrollments_membership_lapse(user_id=user_id)


def _column_post_published(sender, *, post_id: int, **kwargs) -> None:
    from .tasks import column_post_notify

    column_post_notify.delay(post_id=post_id)


def connect() -> None:
    events.column_post_published.connect(
        _column_post_published, dispatch_uid="learning.column_post_published"
    )
    events.membership_ended.connect(
        _membership_ended, dispatch_uid="learning.membership_ended"
    )
