"""Everything live tells people, sent through the notifications service.

Each function takes ids, reads what it needs and calls `notification_send`
once per recipient with a dedupe key, so that a retried caller tells nobody
twice. The kinds are registered in `notification_kinds.py`.
"""

from __future__ import annotations

import logging

from django.apps import apps

from .models import Booking, LiveLecture, PaidQuestion, Ticket

logger = logging.getLogger(__name__)


def available() -> bool:
    """Whether the notifications app is installed (it sends every notice)."""
    return apps.is_installed("notifications")


def _send(**kwargs) -> bool:
    if not available():
        logger.warning("notifications app missing: %s not sent", kwargs.get("kind"))
        return False
    from notifications.services import notification_send

    return notification_send(**kwargs) is not None


def _lecture_params(lecture: LiveLecture) -> dict:
    return {"title": lecture.title, "start": lecture.starts_at.isoformat()}


def ticket_issued(*, ticket_id: int) -> None:
    ticket = Ticket.objects.select_related("lecture", "user").get(pk=ticket_id)
    _send(
        recipient=ticket.user,
        kind="live_ticket_issued",
        target=ticket.lecture,
        params=_lecture_params(ticket.lecture),
        dedupe_key=f"live:ticket:{ticket.pk}:issued",
    )


def _holders(lecture_id: int):
    return (
        Ticket.objects.filter(lecture_id=lecture_id, status=Ticket.Status.ACTIVE)
        .select_related("user", "lecture")
        .order_by("pk")
        .iterator(chunk_size=500)
    )


def lecture_moved(*, lecture_id: int, old_start) -> None:
    lecture = LiveLecture.objects.get(pk=lecture_id)
    stamp = lecture.starts_at.strftime("%Y%m%d%H%M")
    for ticket in _holders(lecture_id):
        _send(
            recipient=ticket.user,
            kind="live_lecture_moved",
            target=lecture,
            params=_lecture_params(lecture),
            dedupe_key=f"live:ticket:{ticket.pk}:moved:{stamp}",
        )


def lecture_cancelled(*, ticket_id: int, refunded: bool) -> None:
    ticket = Ticket.objects.select_related("lecture", "user").get(pk=ticket_id)
    lecture = ticket.lecture
    _send(
        recipient=ticket.user,
        kind="live_lecture_cancelled" if refunded else "live_lecture_cancelled_free",
        target=lecture,
        params={"title": lecture.title, "reason": lecture.cancel_reason},
        dedupe_key=f"live:ticket:{ticket.pk}:cancelled",
    )


def replay_ready(*, lecture_id: int) -> None:
    lecture = LiveLecture.objects.get(pk=lecture_id)
    for ticket in _holders(lecture_id):
        _send(
            recipient=ticket.user,
            kind="live_replay_ready",
            target=lecture,
            params={"title": lecture.title},
            dedupe_key=f"live:ticket:{ticket.pk}:replay",
        )


def lecture_reminder(*, ticket: Ticket, which: str, key: str) -> bool:
    return _send(
        recipient=ticket.user,
        kind=f"live_lecture_reminder_{which}",
        target=ticket.lecture,
        params=_lecture_params(ticket.lecture),
        dedupe_key=key,
    )


def _booking(booking_id: int) -> Booking:
    return Booking.objects.select_related("slot__expert__user", "learner").get(
        pk=booking_id
    )


def _booking_params(booking: Booking) -> dict:
    return {"start": booking.slot.starts_at.isoformat()}


def booking_reminder(*, booking: Booking, recipient, which: str, key: str) -> bool:
    return _send(
        recipient=recipient,
        kind=f"live_booking_reminder_{which}",
        target=booking,
        params=_booking_params(booking),
        dedupe_key=key,
    )


def booking_requested(*, booking_id: int) -> None:
    booking = _booking(booking_id)
    _send(
        recipient=booking.slot.expert.user,
        kind="live_booking_requested",
        target=booking,
        actor=booking.learner,
        params=_booking_params(booking),
        dedupe_key=f"live:booking:{booking.pk}:requested",
    )


def booking_confirmed(*, booking_id: int) -> None:
    booking = _booking(booking_id)
    _send(
        recipient=booking.learner,
        kind="live_booking_confirmed",
        target=booking,
        actor=booking.slot.expert.user,
        params=_booking_params(booking),
        dedupe_key=f"live:booking:{booking.pk}:confirmed",
    )


def booking_declined(*, booking_id: int) -> None:
    booking = _booking(booking_id)
    _send(
        recipient=booking.learner,
        kind="live_booking_declined",
        target=booking,
        actor=booking.slot.expert.user,
        params=_booking_params(booking),
        dedupe_key=f"live:booking:{booking.pk}:declined",
    )


def booking_unanswered(*, booking_id: int) -> None:
    booking = _booking(booking_id)
    params = _booking_params(booking)
    _send(
        recipient=booking.learner,
        kind="live_booking_unanswered",
        target=booking,
        params=params,
        dedupe_key=f"live:booking:{booking.pk}:unanswered",
    )
    _send(
        recipient=booking.slot.expert.user,
        kind="live_booking_unanswered_expert",
        target=booking,
        params=params,
        dedupe_key=f"live:booking:{booking.pk}:unanswered:expert",
    )


def booking_cancelled(*, booking_id: int, actor_id: int) -> None:
    booking = _booking(booking_id)
    expert = booking.slot.expert.user
    actor = booking.learner if actor_id == booking.learner_id else expert
    for recipient in (booking.learner, expert):
        if recipient.pk == actor_id:
            continue
        _send(
            recipient=recipient,
            kind="live_booking_cancelled",
            target=booking,
            actor=actor,
            params=_booking_params(booking),
            dedupe_key=f"live:booking:{booking.pk}:cancelled:{recipient.pk}",
        )


# --- paid questions ---------------------------------------------------------------------


def _question(question_id: int) -> PaidQuestion:
    return PaidQuestion.objects.select_related("expert__user", "asker").get(
        pk=question_id
    )


def _question_params(question: PaidQuestion) -> dict:
    return {"excerpt": question.body[:60]}


def question_asked(*, question_id: int) -> None:
    question = _question(question_id)
    params = _question_params(question)
    params["answer_by"] = question.answer_by.isoformat() if question.answer_by else ""
    _send(
        recipient=question.expert.user,
        kind="live_question_asked",
        target=question,
        actor=question.asker,
        params=params,
        dedupe_key=f"live:question:{question.pk}:asked",
    )


def question_answered(*, question_id: int) -> None:
    question = _question(question_id)
    _send(
        recipient=question.asker,
        kind="live_question_answered",
        target=question,
        actor=question.expert.user,
        params=_question_params(question),
        dedupe_key=f"live:question:{question.pk}:answered",
    )


def question_expired(*, question_id: int) -> None:
    question = _question(question_id)
    for recipient, kind in (
        (question.asker, "live_question_refunded"),
        (question.expert.user, "live_question_expired_expert"),
    ):
        _send(
            recipient=recipient,
            kind=kind,
            target=question,
            params=_question_params(question),
            dedupe_key=f"live:question:{question.pk}:expired:{recipient.pk}",
        )


def question_refunded(*, question_id: int) -> None:
    question = _question(question_id)
    _send(
        recipient=question.asker,
        kind="live_question_refunded",
        target=question,
        params=_question_params(question),
        dedupe_key=f"live:question:{question.pk}:refunded",
    )


def question_public(*, question_id: int) -> None:
    question = _question(question_id)
    _send(
        recipient=question.expert.user,
        kind="live_question_public",
        target=question,
        actor=question.asker,
        params=_question_params(question),
        dedupe_key=f"live:question:{question.pk}:public",
    )
