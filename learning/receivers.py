"""What learning does when other apps announce something (core.events)."""

from core import events


def _membership_ended(sender, *, user_id: int, **kwargs) -> None:
    from .services import enrollments_membership_lapse

    enrollments_membership_lapse(user_id=user_id)


def connect() -> None:
    events.membership_ended.connect(
        _membership_ended, dispatch_uid="learning.membership_ended"
    )
