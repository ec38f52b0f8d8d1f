"""What live sells through commerce: lecture tickets, replays, consultations.

Tickets and consultation slots are limited stock: they register commerce's
`hold`, `release` and `confirm_hold` hooks, so that a seat or slot is held
while the buyer pays, given back when the order is cancelled or expires, and
a payment that arrives after the seat went to someone else is refunded.
Fulfilment changes live's rows through `live.services` only.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from commerce import registry

from . import experts, services
from .models import Booking, LiveLecture, Slot, Ticket


def _line(creator_id: int, title: str) -> tuple[registry.RevenueLine, ...]:
    return (registry.RevenueLine(creator_id, Decimal(1), title),)


# --- lecture tickets ------------------------------------------------------------


def resolve_lecture(offer_id: int) -> registry.Offer | None:
    lecture = LiveLecture.objects.filter(pk=offer_id).first()
    if lecture is None:
        return None
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
        is_available=(
            lecture.status == LiveLecture.Status.SCHEDULED
            and lecture.ends_at > timezone.now()
            and lecture.price > 0
        ),
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
    title = _("Replay: %(title)s") % {"title": lecture.title}
    return registry.Offer(
        offer_type="replay",
        offer_id=lecture.pk,
        title=title,
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
    when = formats.date_format(timezone.localtime(slot.starts_at), "DATETIME_FORMAT")
    title = _("Consultation with %(expert)s, %(when)s") % {
        "expert": expert.display_name,
        "when": when,
    }
    return registry.Offer(
        offer_type="consultation",
        offer_id=slot.pk,
        title=title,
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


registry.register_offer_type(
    "lecture",
    resolve=resolve_lecture,
    fulfil=fulfil_lecture,
    revoke=revoke_lecture,
    is_owned=lecture_owned,
    progress=lecture_progress,
    label="live lecture",
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
    label="lecture replay",
)
registry.register_offer_type(
    "consultation",
    resolve=resolve_consultation,
    fulfil=fulfil_consultation,
    revoke=revoke_consultation,
    is_owned=consultation_owned,
    progress=consultation_progress,
    label="consultation",
    hold=hold_consultation,
    release=services.booking_release,
    confirm_hold=services.booking_confirm_hold,
)
