"""Receivers of domain events from other apps (connected in CommunityConfig.ready)."""

from django.db import transaction

from core import events


def on_course_published(sender, *, course_id, **kwargs):
    from .services import course_published_handle

    with transaction.atomic():
        course_published_handle(course_id=course_id)


def connect() -> None:
    events.course_published.connect(
        on_course_published, dispatch_uid="community.course_published"
    )
