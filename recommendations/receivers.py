"""Receivers of domain events: quick, handing the work to tasks that take ids."""

from core import events
from core.tasks import enqueue


def on_course_viewed(sender, *, course_id, user_id=None, **kwargs):
    if user_id is None:
        return
    from .services import course_view_record

    # one HINCRBY on the Redis buffer (services.course_views), flushed by beat
    course_view_record(user_id=user_id, course_id=course_id)


def on_course_published(sender, *, course_id, **kwargs):
    from .tasks import refresh_related

    enqueue(refresh_related, course_id)


def on_enrollment_created(sender, *, course_id, user_id, **kwargs):
    from .tasks import record_enrollment

    enqueue(record_enrollment, user_id, course_id)


def connect() -> None:
    events.course_viewed.connect(on_course_viewed, dispatch_uid="recs_course_viewed")
    events.course_published.connect(
        on_course_published, dispatch_uid="recs_course_published"
    )
    events.enrollment_created.connect(
        on_enrollment_created, dispatch_uid="recs_enrollment_created"
    )
