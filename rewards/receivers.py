"""Receivers of the domain events (core/events.py).

Each one is quick: it maps the event's ids to a task and queues it after the
current transaction commits. The tasks are idempotent (unique ledger keys), so
a signal delivered twice awards once.
"""

from __future__ import annotations

from core import events
from core.tasks import enqueue

from . import tasks
from .models import Event


def _later(task, **kwargs) -> None:
    enqueue(task, **kwargs)


def _award(event: str, **kwargs) -> None:
    _later(tasks.points_award_task, event=event, **kwargs)


def on_answer_accepted(sender, *, post_id, thread_id, author_id, accepted_by_id, **kw):
    _award(
        Event.ANSWER_ACCEPTED,
        user_id=author_id,
        source_key=f"post:{post_id}",
        object_key=f"post:{post_id}",
        parent_key=f"thread:{thread_id}",
        actor_id=accepted_by_id,
    )


def on_answer_unaccepted(sender, *, post_id, **kw):
    _later(
        tasks.points_reverse_task,
        source_key=f"post:{post_id}",
        reason="answer no longer accepted",
        rule_events=[Event.ANSWER_ACCEPTED],
    )


def on_post_voted(sender, *, vote_id, post_id, author_id, voter_id, value, **kw):
    if value is None or int(value) <= 0:
        # A downvote earns nothing; an upvote turned into a downvote (same
        # vote id) loses what the upvote earned.
        _later(
            tasks.points_reverse_task,
            source_key=f"vote:{vote_id}",
            reason="vote changed to a downvote",
        )
        return
    _award(
        Event.POST_UPVOTED,
        user_id=author_id,
        source_key=f"vote:{vote_id}",
        object_key=f"post:{post_id}",
        parent_key=f"thread:{kw['thread_id']}" if kw.get("thread_id") else "",
        actor_id=voter_id,
    )


def on_vote_withdrawn(sender, *, vote_id, **kw):
    _later(
        tasks.points_reverse_task, source_key=f"vote:{vote_id}", reason="vote withdrawn"
    )


def on_thread_featured(sender, *, thread_id, author_id, featured_by_id, **kw):
    _award(
        Event.THREAD_FEATURED,
        user_id=author_id,
        source_key=f"thread:{thread_id}",
        object_key=f"thread:{thread_id}",
        actor_id=featured_by_id,
    )


def on_post_removed(sender, *, post_id, thread_id, **kw):
    key = f"post:{post_id}" if post_id else f"thread:{thread_id}"
    _later(tasks.points_reverse_task, object_key=key, reason="removed")


def on_user_suspended(sender, *, user_id, until=None, reason="", **kw):
    _later(
        tasks.suspension_record_task,
        user_id=user_id,
        until=str(until) if until else None,
        reason=reason or "",
    )


def on_user_suspension_lifted(sender, *, user_id, until=None, **kw):
    _later(
        tasks.suspension_end_task,
        user_id=user_id,
        until=str(until) if until else None,
    )


def on_lesson_completed(sender, *, lesson_id, course_id, user_id, **kw):
    _award(
        Event.LESSON_COMPLETED,
        user_id=user_id,
        source_key=f"lesson:{lesson_id}",
        object_key=f"course:{course_id}",
        course_id=course_id,
    )
    _later(
        tasks.challenge_check_in_task,
        user_id=user_id,
        course_id=course_id,
        lesson_id=lesson_id,
    )


def on_course_completed(sender, *, enrollment_id, course_id, user_id, **kw):
    _award(
        Event.COURSE_COMPLETED,
        user_id=user_id,
        source_key=f"enrollment:{enrollment_id}",
        object_key=f"course:{course_id}",
        course_id=course_id,
    )
    _later(tasks.course_quality_recompute_task, course_id=course_id)


def on_review_created(sender, *, review_id, course_id, user_id, **kw):
    _award(
        Event.REVIEW_WRITTEN,
        user_id=user_id,
        source_key=f"review:{review_id}",
        object_key=f"review:{review_id}",
        course_id=course_id,
    )
    _later(tasks.course_quality_recompute_task, course_id=course_id)


def on_review_removed(sender, *, review_id, course_id, **kw):
    _later(
        tasks.points_reverse_task,
        object_key=f"review:{review_id}",
        reason="review removed",
    )
    _later(tasks.course_quality_recompute_task, course_id=course_id)


def on_course_published(sender, *, course_id, creator_id, **kw):
    _award(
        Event.COURSE_PUBLISHED,
        user_id=creator_id,
        source_key=f"course:{course_id}",
        object_key=f"course:{course_id}",
        course_id=course_id,
    )
    _later(tasks.course_quality_recompute_task, course_id=course_id)
    _later(tasks.creator_level_recompute_task, creator_id=creator_id)


def on_item_sold(
    sender, *, order_item_id, user_id, offer_type, offer_id, creator_id, **kw
):
    if not creator_id or creator_id == user_id:
        return  # platform items earn no one points; buying your own earns nothing
    course_id = offer_id if offer_type == "course" else None
    common = {
        "user_id": creator_id,
        "object_key": f"order_item:{order_item_id}",
        "actor_id": user_id,
        "course_id": course_id,
    }
    _award(Event.FIRST_SALE, source_key=f"creator:{creator_id}", **common)
    _award(Event.ITEM_SOLD, source_key=f"order_item:{order_item_id}", **common)
    _later(tasks.creator_level_recompute_task, creator_id=creator_id)


def on_item_refunded(sender, *, order_item_id, creator_id=None, **kw):
    _later(
        tasks.points_reverse_task,
        object_key=f"order_item:{order_item_id}",
        reason="refunded",
    )
    if creator_id:
        _later(tasks.creator_level_recompute_task, creator_id=creator_id)


def on_consultation_rated(sender, *, booking_id, expert_id, learner_id, rating, **kw):
    """A well-rated consultation (4 or 5 stars) earns the expert points."""
    if int(rating) < 4:
        return
    _award(
        Event.CONSULTATION_RATED,
        user_id=expert_id,
        source_key=f"booking:{booking_id}",
        object_key=f"booking:{booking_id}",
        actor_id=learner_id,
    )


def on_paid_question_accepted(sender, *, question_id, expert_id, asker_id, **kw):
    """An answer the asker accepted (or did not object to) earns the expert points."""
    _award(
        Event.PAID_QUESTION_ACCEPTED,
        user_id=expert_id,
        source_key=f"paid_question:{question_id}",
        object_key=f"paid_question:{question_id}",
        actor_id=asker_id,
    )


def on_daily_visit(sender, *, user_id, date, **kw):
    _award(Event.DAILY_VISIT, user_id=user_id, source_key=f"day:{date}")


CONNECTIONS = [
    (events.answer_accepted, on_answer_accepted),
    (events.answer_unaccepted, on_answer_unaccepted),
    (events.post_voted, on_post_voted),
    (events.vote_withdrawn, on_vote_withdrawn),
    (events.thread_featured, on_thread_featured),
    (events.post_removed, on_post_removed),
    (events.user_suspended, on_user_suspended),
    (events.user_suspension_lifted, on_user_suspension_lifted),
    (events.lesson_completed, on_lesson_completed),
    (events.course_completed, on_course_completed),
    (events.review_created, on_review_created),
    (events.review_removed, on_review_removed),
    (events.course_published, on_course_published),
    (events.item_sold, on_item_sold),
    (events.item_refunded, on_item_refunded),
    (events.daily_visit, on_daily_visit),
    (events.consultation_rated, on_consultation_rated),
    (events.paid_question_accepted, on_paid_question_accepted),
]


def connect() -> None:
    for signal, receiver in CONNECTIONS:
        signal.connect(receiver, dispatch_uid=f"rewards.{receiver.__name__}")
