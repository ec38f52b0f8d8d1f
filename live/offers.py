"""What live sells through commerce: lecture tickets, replays, consultations.

Tickets and consultation slots are limited stock: they register commerce's
`hold`, `release` and `confirm_hold` hooks, so that a seat or slot is held
while the buyer pays, given back when the order is cancelled or expires, and
a payment that arrives after the seat went to someone else is refunded.
Fulfilment changes live's rows through `live.services` only.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commerce import registry
from core.timezones import datetime_with_zone

from . import experts, services
from .models import (
    AnswerRead,
    Booking,
    LiveLecture,
    PaidQuestion,
    QuestionPolicy,
    Slot,
    Ticket,
)
from .services import questions as question_services


def _line(creator_id: int, title: str) -> tuple[registry.RevenueLine, ...]:
    return (registry.RevenueLine(creator_id, Decimal(1), title),)


# --- lecture tickets ------------------------------------------------------------


def resolve_lecture(offer_id: int) -> registry.Offer | None:
    lecture = LiveLecture.objects.filter(pk=offer_id).first()
    if lecture is None:
        return None
    closed = services.lecture_closed_reason(lecture, now=timezone.now())
    return registry.Offer(
        offer_type="lecture",
        offer_id=lecture.pk,
        title=lecture.title,
        price=lecture.price,
        creator_id=lecture.creator_id,
        category_id=lecture.category_id,
        revenue_lines=_line(lecture.creator_id, lecture.title),
        url=lecture.get_absolute_url(),
        # Seats are checked by the hold, under a lock, not here.
        is_available=closed is None and lecture.price > 0,
        unavailable_reason=closed or "",
    )


def fulfil_lecture(*, user, offer_id: int, order_item) -> None:
    services.ticket_fulfil(user=user, lecture_id=offer_id, order_item=order_item)


def revoke_lecture(*, user, offer_id: int, order_item) -> None:
    services.ticket_revoke(order_item=order_item)


def lecture_owned(*, user, offer_id: int) -> bool:
    return Ticket.objects.filter(
        lecture_id=offer_id, user=user, status=Ticket.Status.ACTIVE
    ).exists()


def lecture_progress(*, user, offer_id: int) -> int | None:
    """For commerce's refund policy: a lecture that has started is consumed."""
    starts_at = (
        LiveLecture.objects.filter(pk=offer_id)
        .values_list("starts_at", flat=True)
        .first()
    )
    if starts_at is None:
        return None
    return 100 if starts_at <= timezone.now() else 0


def hold_lecture(*, user, offer_id: int, order_item, expires_at) -> None:
    services.ticket_hold(
        user=user, lecture_id=offer_id, order_item=order_item, expires_at=expires_at
    )


# --- replays ------------------------------------------------------------------------------


def resolve_replay(offer_id: int) -> registry.Offer | None:
    lecture = LiveLecture.objects.filter(pk=offer_id).first()
    if lecture is None:
        return None

    def titled() -> str:
        return _("Replay: %(title)s") % {"title": lecture.title}

    title = titled()
    return registry.Offer(
        offer_type="replay",
        offer_id=lecture.pk,
        title=title,
        titled=titled,
        price=lecture.replay_price,
        creator_id=lecture.creator_id,
        category_id=lecture.category_id,
        revenue_lines=_line(lecture.creator_id, title),
        url=lecture.get_absolute_url(),
        is_available=bool(
            lecture.replay_for_sale
            and lecture.replay_file
            and lecture.replay_price > 0
            and lecture.status == LiveLecture.Status.SCHEDULED
        ),
    )


def fulfil_replay(*, user, offer_id: int, order_item) -> None:
    services.replay_pass_fulfil(user=user, lecture_id=offer_id, order_item=order_item)


def revoke_replay(*, user, offer_id: int, order_item) -> None:
    services.replay_pass_revoke(order_item=order_item)


def replay_owned(*, user, offer_id: int) -> bool:
    from .access import lecture_access

    lecture = LiveLecture.objects.filter(pk=offer_id).first()
    return bool(lecture and lecture_access(user, lecture).can_watch_replay)


def replay_progress(*, user, offer_id: int) -> int | None:
    # Watching is not tracked: the refund window alone decides.
    return None


# --- consultations ---------------------------------------------------------------------------


def resolve_consultation(offer_id: int) -> registry.Offer | None:
    slot = Slot.objects.filter(pk=offer_id).select_related("expert__user").first()
    if slot is None:
        return None
    expert = slot.expert.user

    def titled() -> str:
        # Named like every other live time: "…, 2 Dec 2026, 12:00 (Beijing time)".
        return _("Consultation with %(expert)s, %(when)s") % {
            "expert": expert.display_name,
            "when": datetime_with_zone(slot.starts_at),
        }

    title = titled()
    return registry.Offer(
        offer_type="consultation",
        offer_id=slot.pk,
        title=title,
        titled=titled,
        price=slot.price,
        creator_id=expert.pk,
        revenue_lines=_line(expert.pk, title),
        url=slot.expert.get_absolute_url(),
        is_available=bool(
            slot.status == Slot.Status.OPEN
            and slot.starts_at > timezone.now()
            and experts.is_certified(expert)
        ),
    )


def fulfil_consultation(*, user, offer_id: int, order_item) -> None:
    services.booking_fulfil(user=user, slot_id=offer_id, order_item=order_item)


def revoke_consultation(*, user, offer_id: int, order_item) -> None:
    services.booking_revoke(order_item=order_item)


def consultation_owned(*, user, offer_id: int) -> bool:
    return Booking.objects.filter(
        slot_id=offer_id,
        learner=user,
        status__in=[Booking.Status.REQUESTED, Booking.Status.CONFIRMED],
    ).exists()


def consultation_progress(*, user, offer_id: int) -> int | None:
    starts_at = (
        Slot.objects.filter(pk=offer_id).values_list("starts_at", flat=True).first()
    )
    if starts_at is None:
        return None
    return 100 if starts_at <= timezone.now() else 0


def hold_consultation(*, user, offer_id: int, order_item, expires_at) -> None:
    services.booking_hold(
        user=user, slot_id=offer_id, order_item=order_item, expires_at=expires_at
    )


# --- paid questions (escrow) and pay-to-read ---------------------------------------------


def resolve_question(offer_id: int) -> registry.Offer | None:
    question = (
        PaidQuestion.objects.filter(pk=offer_id).select_related("expert__user").first()
    )
    if question is None:
        return None
    expert = question.expert.user

    def titled() -> str:
        return _("Question to %(expert)s") % {"expert": expert.display_name}

    title = titled()
    return registry.Offer(
        offer_type="question",
        offer_id=question.pk,
        title=title,
        titled=titled,
        price=question.price,
        creator_id=expert.pk,
        revenue_lines=_line(expert.pk, title),
        url=question.get_absolute_url(),
        is_available=bool(
            question.status == PaidQuestion.Status.UNPAID
            and question.price > 0
            and experts.is_certified(expert)
        ),
    )


def fulfil_question(*, user, offer_id: int, order_item) -> None:
    question_services.question_fulfil(question_id=offer_id, order_item=order_item)


def revoke_question(*, user, offer_id: int, order_item) -> None:
    question_services.question_revoke(order_item=order_item)


def question_owned(*, user, offer_id: int) -> bool:
    # A question is bought once: after payment it is no longer for sale.
    return (
        PaidQuestion.objects.filter(pk=offer_id)
        .exclude(status__in=[PaidQuestion.Status.UNPAID, PaidQuestion.Status.CANCELLED])
        .exists()
    )


def question_progress(*, user, offer_id: int) -> int | None:
    """An answered question is consumed: disputes go to staff, not refunds."""
    answered = PaidQuestion.objects.filter(
        pk=offer_id, answered_at__isnull=False
    ).exists()
    return 100 if answered else 0


def resolve_answer(offer_id: int) -> registry.Offer | None:
    question = (
        PaidQuestion.objects.filter(pk=offer_id).select_related("expert__user").first()
    )
    if question is None:
        return None
    policy = QuestionPolicy.current()
    expert = question.expert.user

    def titled() -> str:
        return _("Read the answer of %(expert)s") % {"expert": expert.display_name}

    title = titled()
    share = Decimal(policy.asker_share)
    lines = tuple(
        line
        for line in (
            registry.RevenueLine(expert.pk, Decimal(1) - share, title),
            registry.RevenueLine(question.asker_id, share, title),
        )
        if line.weight > 0
    )
    return registry.Offer(
        offer_type="answer",
        offer_id=question.pk,
        title=title,
        titled=titled,
        price=policy.read_price,
        creator_id=expert.pk,
        revenue_lines=lines,
        url=question.get_absolute_url(),
        is_available=bool(
            question.is_public and question.status == PaidQuestion.Status.ACCEPTED
        ),
    )


def fulfil_answer(*, user, offer_id: int, order_item) -> None:
    question_services.answer_read_fulfil(order_item=order_item)


def revoke_answer(*, user, offer_id: int, order_item) -> None:
    question_services.answer_read_revoke(order_item=order_item)


def answer_owned(*, user, offer_id: int) -> bool:
    question = PaidQuestion.objects.filter(pk=offer_id).select_related("expert").first()
    return bool(question and question_services.can_read_answer(user, question))


def answer_progress(*, user, offer_id: int) -> int | None:
    # Read at once: paying shows the whole answer.
    return (
        100
        if AnswerRead.objects.filter(question_id=offer_id, user=user).exists()
        else 0
    )


def hold_answer(*, user, offer_id: int, order_item, expires_at) -> None:
    question_services.answer_read_hold(
        user=user, question_id=offer_id, order_item=order_item, expires_at=expires_at
    )


def hold_question(*, user, offer_id: int, order_item, expires_at) -> None:
    question_services.question_hold(
        user=user, question_id=offer_id, order_item=order_item, expires_at=expires_at
    )


registry.register_offer_type(
    "question",
    resolve=resolve_question,
    fulfil=fulfil_question,
    revoke=revoke_question,
    is_owned=question_owned,
    progress=question_progress,
    label=gettext_lazy("Paid question"),
    bought_at=("live:my_questions", gettext_lazy("Go to my questions")),
    hold=hold_question,
    release=question_services.question_release_unpaid,
    confirm_hold=question_services.question_confirm_hold,
    escrow=True,
)
registry.register_offer_type(
    "answer",
    resolve=resolve_answer,
    fulfil=fulfil_answer,
    revoke=revoke_answer,
    is_owned=answer_owned,
    progress=answer_progress,
    label=gettext_lazy("Pay-to-read answer"),
    bought_at=("live:my_questions", gettext_lazy("Go to my questions")),
    hold=hold_answer,
    release=question_services.answer_read_release,
    confirm_hold=question_services.answer_read_confirm_hold,
)
registry.register_offer_type(
    "lecture",
    resolve=resolve_lecture,
    fulfil=fulfil_lecture,
    revoke=revoke_lecture,
    is_owned=lecture_owned,
    progress=lecture_progress,
    label=gettext_lazy("Live lecture ticket"),
    bought_at=("live:my_schedule", gettext_lazy("Go to my schedule")),
    hold=hold_lecture,
    release=services.ticket_release,
    confirm_hold=services.ticket_confirm_hold,
)
registry.register_offer_type(
    "replay",
    resolve=resolve_replay,
    fulfil=fulfil_replay,
    revoke=revoke_replay,
    is_owned=replay_owned,
    progress=replay_progress,
    label=gettext_lazy("Lecture replay"),
)
registry.register_offer_type(
    "consultation",
    resolve=resolve_consultation,
    fulfil=fulfil_consultation,
    revoke=revoke_consultation,
    is_owned=consultation_owned,
    progress=consultation_progress,
    label=gettext_lazy("Consultation"),
    bought_at=("live:my_schedule", gettext_lazy("Go to my schedule")),
    hold=hold_consultation,
    release=services.booking_release,
    confirm_hold=services.booking_confirm_hold,
)
# Certified experts earn from consultations and questions: they see their
# revenue page (commerce's studio) even when they are not creators.
registry.register_earner_check(experts.is_certified)
