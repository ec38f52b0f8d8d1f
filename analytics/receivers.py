"""Domain events become analytics events: one quick `event_record` each.

The domain apps send these signals after commit (see core's events module);
analytics never imports their models to record them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from core import events

from .models import Event
from .recording import event_record

K = Event.Kind


def _course_of(offer_type: str, offer_id) -> int | None:
    return int(offer_id) if offer_type == "course" and offer_id else None


def _amount(value) -> str:
    try:
        return str(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return "0"


def on_daily_visit(sender, *, user_id, **kwargs):
    event_record(kind=K.VISIT, user_id=user_id)


def on_course_viewed(sender, *, course_id, user_id=None, **kwargs):
    event_record(kind=K.COURSE_VIEW, user_id=user_id, course_id=course_id)


def on_lesson_viewed(sender, *, lesson_id, course_id, user_id=None, **kwargs):
    event_record(
        kind=K.LESSON_VIEW, user_id=user_id, course_id=course_id, lesson_id=lesson_id
    )


def on_thread_viewed(sender, *, thread_id, user_id=None, **kwargs):
    event_record(kind=K.THREAD_VIEW, user_id=user_id, object_id=thread_id)


def on_course_wishlisted(sender, *, course_id, user_id, **kwargs):
    event_record(kind=K.WISHLIST, user_id=user_id, course_id=course_id)


def on_review_created(sender, *, review_id, course_id, user_id, rating, **kwargs):
    event_record(
        kind=K.REVIEW,
        user_id=user_id,
        course_id=course_id,
        object_id=review_id,
        value=rating,
    )


def on_enrollment_created(sender, *, enrollment_id, course_id, user_id, **kwargs):
    event_record(
        kind=K.ENROLMENT,
        user_id=user_id,
        course_id=course_id,
        object_id=enrollment_id,
        data={"source": kwargs.get("source", "")},
    )


def on_enrollment_revoked(sender, *, enrollment_id, course_id, user_id, **kwargs):
    event_record(
        kind=K.ENROLMENT_REVOKED,
        user_id=user_id,
        course_id=course_id,
        object_id=enrollment_id,
        data={"reason": str(kwargs.get("reason", ""))[:100]},
    )


def on_lesson_started(sender, *, lesson_id, course_id, user_id, **kwargs):
    event_record(
        kind=K.LESSON_START, user_id=user_id, course_id=course_id, lesson_id=lesson_id
    )


def on_lesson_completed(sender, *, lesson_id, course_id, user_id, **kwargs):
    event_record(
        kind=K.LESSON_COMPLETE,
        user_id=user_id,
        course_id=course_id,
        lesson_id=lesson_id,
    )


def on_enrollment_progressed(
    sender, *, enrollment_id, course_id, user_id, percent, previous_percent, **kwargs
):
    event_record(
        kind=K.COURSE_PROGRESS,
        user_id=user_id,
        course_id=course_id,
        object_id=enrollment_id,
        value=percent,
        data={"from": previous_percent},
    )


def on_course_completed(sender, *, enrollment_id, course_id, user_id, **kwargs):
    event_record(
        kind=K.COURSE_COMPLETE,
        user_id=user_id,
        course_id=course_id,
        object_id=enrollment_id,
    )


def on_quiz_attempted(sender, *, quiz_id, course_id, user_id, score, passed, **kwargs):
    event_record(
        kind=K.QUIZ_ATTEMPT,
        user_id=user_id,
        course_id=course_id,
        lesson_id=kwargs.get("lesson_id"),
        object_id=quiz_id,
        value=score,
        data={"passed": bool(passed)},
    )


def on_submission_created(
    sender, *, submission_id, assignment_id, course_id, user_id, **kwargs
):
    event_record(
        kind=K.SUBMISSION,
        user_id=user_id,
        course_id=course_id,
        lesson_id=kwargs.get("lesson_id"),
        object_id=assignment_id,
        data={"submission": submission_id},
    )


def on_submission_graded(
    sender, *, assignment_id, course_id, user_id, score, max_score, **kwargs
):
    percent = round(100 * score / max_score, 1) if max_score else None
    event_record(
        kind=K.SUBMISSION_GRADED,
        user_id=user_id,
        course_id=course_id,
        object_id=assignment_id,
        value=percent,
        data={"submission": kwargs.get("submission_id")},
    )


def on_item_sold(sender, *, order_item_id, user_id, offer_type, offer_id, **kwargs):
    event_record(
        kind=K.PURCHASE,
        user_id=user_id,
        course_id=_course_of(offer_type, offer_id),
        object_id=order_item_id,
        data={
            "offer_type": offer_type,
            "offer_id": offer_id,
            "amount": _amount(kwargs.get("amount")),
        },
    )


def on_item_refunded(sender, *, order_item_id, user_id, offer_type, offer_id, **kwargs):
    event_record(
        kind=K.REFUND,
        user_id=user_id,
        course_id=_course_of(offer_type, offer_id),
        object_id=order_item_id,
        data={
            "offer_type": offer_type,
            "offer_id": offer_id,
            "amount": _amount(kwargs.get("amount")),
        },
    )


def on_thread_created(sender, *, thread_id, author_id, kind, **kwargs):
    event_record(
        kind=K.THREAD_CREATE,
        user_id=author_id,
        object_id=thread_id,
        data={"kind": kind, "space": kwargs.get("space_id")},
    )


def on_post_created(sender, *, post_id, thread_id, author_id, kind, **kwargs):
    event_record(
        kind=K.POST_CREATE,
        user_id=author_id,
        object_id=thread_id,
        data={"post": post_id, "kind": kind},
    )


def on_post_voted(sender, *, post_id, voter_id, value, **kwargs):
    event_record(kind=K.VOTE, user_id=voter_id, object_id=post_id, value=value)


def on_answer_accepted(sender, *, post_id, thread_id, accepted_by_id, **kwargs):
    event_record(
        kind=K.ANSWER_ACCEPT,
        user_id=accepted_by_id,
        object_id=thread_id,
        data={"post": post_id, "author": kwargs.get("author_id")},
    )


def on_post_reported(sender, *, post_id, reporter_id, **kwargs):
    event_record(
        kind=K.REPORT,
        user_id=reporter_id,
        object_id=post_id,
        data={"reason": str(kwargs.get("reason", ""))[:32]},
    )


def on_search_performed(sender, *, query, results, scope, user_id=None, **kwargs):
    event_record(
        kind=K.SEARCH,
        user_id=user_id,
        value=results,
        data={"q": str(query)[:200], "scope": scope},
    )


def on_recommendations_shown(sender, *, user_id, course_ids, surface, **kwargs):
    event_record(
        kind=K.REC_IMPRESSION,
        user_id=user_id,
        value=len(course_ids),
        data={"courses": list(course_ids)[:50], "surface": surface},
    )


def on_recommendation_clicked(sender, *, user_id, course_id, **kwargs):
    event_record(
        kind=K.REC_CLICK,
        user_id=user_id,
        course_id=course_id,
        data={"surface": kwargs.get("surface", "")},
    )


#: signal name in the events module → receiver.
RECEIVERS = {
    "daily_visit": on_daily_visit,
    "course_viewed": on_course_viewed,
    "lesson_viewed": on_lesson_viewed,
    "thread_viewed": on_thread_viewed,
    "course_wishlisted": on_course_wishlisted,
    "review_created": on_review_created,
    "enrollment_created": on_enrollment_created,
    "enrollment_revoked": on_enrollment_revoked,
    "lesson_started": on_lesson_started,
    "lesson_completed": on_lesson_completed,
    "enrollment_progressed": on_enrollment_progressed,
    "course_completed": on_course_completed,
    "quiz_attempted": on_quiz_attempted,
    "submission_created": on_submission_created,
    "submission_graded": on_submission_graded,
    "item_sold": on_item_sold,
    "item_refunded": on_item_refunded,
    "thread_created": on_thread_created,
    "post_created": on_post_created,
    "post_voted": on_post_voted,
    "answer_accepted": on_answer_accepted,
    "post_reported": on_post_reported,
    "search_performed": on_search_performed,
    "recommendations_shown": on_recommendations_shown,
    "recommendation_clicked": on_recommendation_clicked,
}


def connect() -> None:
    for name, receiver in RECEIVERS.items():
        getattr(events, name).connect(receiver, dispatch_uid=f"analytics_{name}")
