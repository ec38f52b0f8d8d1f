"""Receivers of domain events: quick, handing the work to tasks that take ids."""

from django.db import transaction

from core import events


def on_course_viewed(sender, *, course_id, user_id=None, **kwargs):
    if user_id is None:
        return
    from .services import course_view_record

    # one UPDATE (an INSERT the first time): cheap enough to do in-line
    course_view_record(user_id=user_id, course_id=course_id)


def on_course_published(sender, *, course_id, **kwargs):
    from .tasks import refresh_related

    transaction.on_commit(lambda: refresh_related.delay(course_id))


def on_enrollment_created(sender, *, course_id, user_id, **kwargs):
    from .tasks import record_enrollment

    transaction.on_commit(lambda: record_enrollment.delay(user_id, course_id))


def connect() -> None:
    events.course_viewed.connect(on_course_viewed, dispatch_uid="recs_course_viewed")
    events.course_published.connect(
        on_course_published, dispatch_uid="recs_course_published"
    )
    events.enrollment_created.connect(
        on_enrollment_created, dispatch_uid="recs_enrollment_created"
    )
