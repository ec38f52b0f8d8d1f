"""Bookings of consultation slots: held while the learner pays, confirmed or
declined by the expert, cancelled within each side's window, rated.

A slot has at most one live booking (held, awaiting confirmation, confirmed):
a partial unique constraint says so, and the slot row is locked while a
booking is made. Refunds run through commerce after the booking's change has
committed; the beat reconciliation retries whatever failed.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce.registry import OfferUnavailable
from core import events
from core.pagecache import bump_on_commit

from .. import experts, notices
from ..models import LIVE_BOOKING_STATES, Booking, ExpertProfile, Slot

logger = logging.getLogger(__name__)

#: core.pagecache group of the bookings lists kept per viewer (the API's):
#: bumped on every save or delete of a booking (apps.py) and by the writes
#: below that change bookings with UPDATE (`_bookings_changed`).
BOOKINGS_GROUP = "live:bookings"


def _bookings_changed() -> None:
    bump_on_commit(BOOKINGS_GROUP)


# --- booking through commerce (the offer's hooks) ------------------------------------------


def _expire_stale_hold(slot: Slot, *, now) -> None:
    """A hold whose time ran out no longer blocks the slot (slot row locked)."""
    if Booking.objects.filter(
        slot=slot, status=Booking.Status.HELD, hold_expires_at__lte=now
    ).update(status=Booking.Status.EXPIRED, ended_at=now):
        _bookings_changed()


def _refusal_to_book(slot: Slot, user, *, now) -> str | None:
    if slot.expert.user_id == user.pk:
        return _("You cannot book your own slot.")
    if slot.status != Slot.Status.OPEN:
        return _("This slot is no longer offered.")
    if slot.starts_at <= now:
        return _("This slot is in the past.")
    if not experts.is_certified(slot.expert.user):
        return _("This expert does not offer consultations at the moment.")
    return None


def booking_hold(*, user, slot_id: int, order_item, expires_at) -> Booking:
    """Hold a slot for a pending order (commerce's `hold` hook)."""
    now = timezone.now()
    slot = (
        Slot.objects.select_for_update(of=("self",))
        .select_related("expert__user")
        .get(pk=slot_id)
    )
    refusal = _refusal_to_book(slot, user, now=now)
    if refusal:
        raise OfferUnavailable(refusal, "not_for_sale")
    _expire_stale_hold(slot, now=now)
    taken = _("This slot was just booked by someone else. Choose another one.")
    if slot.bookings.filter(status__in=LIVE_BOOKING_STATES).exists():
        raise OfferUnavailable(taken, "sold_out")
    try:
        with transaction.atomic():
            return Booking.objects.create(
                slot=slot,
                learner=user,
                status=Booking.Status.HELD,
                order_item_id=order_item.pk,
                hold_expires_at=expires_at,
            )
    except IntegrityError:
        raise OfferUnavailable(taken, "sold_out") from None


def booking_release(*, order_item) -> None:
    if Booking.objects.filter(
        order_item_id=order_item.pk, status=Booking.Status.HELD
    ).update(status=Booking.Status.EXPIRED, ended_at=timezone.now()):
        _bookings_changed()


def booking_confirm_hold(*, order_item) -> bool:
    """Keep the slot for a captured payment, unless someone else has it now."""
    booking = Booking.objects.filter(order_item_id=order_item.pk).first()
    if booking is None:
        return False
    now = timezone.now()
    slot = (
        Slot.objects.select_for_update(of=("self",))
        .select_related("expert__user")
        .get(pk=booking.slot_id)
    )
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status in (Booking.Status.REQUESTED, Booking.Status.CONFIRMED):
        return True
    if booking.status not in (Booking.Status.HELD, Booking.Status.EXPIRED):
        return False
    if _refusal_to_book(slot, booking.learner, now=now):
        return False
    still_held = booking.status == Booking.Status.HELD and (
        booking.hold_expires_at is None or booking.hold_expires_at > now
    )
    if not still_held:
        others = slot.bookings.exclude(pk=booking.pk)
        if others.filter(status=Booking.Status.HELD, hold_expires_at__lte=now).update(
            status=Booking.Status.EXPIRED, ended_at=now
        ):
            _bookings_changed()
        if others.filter(status__in=LIVE_BOOKING_STATES).exists():
            return False
    booking.status = Booking.Status.HELD
    booking.hold_expires_at = None
    booking.ended_at = None
    booking.save(update_fields=["status", "hold_expires_at", "ended_at"])
    return True


def booking_fulfil(*, user, slot_id: int, order_item) -> Booking:
    """Paid: the expert is asked to confirm (idempotent)."""
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot")
        .get(order_item_id=order_item.pk)
    )
    if booking.status == Booking.Status.HELD:
        now = timezone.now()
        booking.status = Booking.Status.REQUESTED
        booking.hold_expires_at = None
        booking.requested_at = now
        booking.confirm_by = min(
            now + timedelta(hours=settings.LIVE_BOOKING_CONFIRM_HOURS),
            booking.slot.starts_at,
        )
        booking.save(
            update_fields=["status", "hold_expires_at", "requested_at", "confirm_by"]
        )
        booking_id = booking.pk
        transaction.on_commit(lambda: notices.booking_requested(booking_id=booking_id))
    return booking


def booking_revoke(*, order_item) -> None:
    """The booking's money went back: it is over, if it was not already."""
    now = timezone.now()
    Booking.objects.filter(order_item_id=order_item.pk).update(refunded=True)
    Booking.objects.filter(
        order_item_id=order_item.pk, status__in=LIVE_BOOKING_STATES
    ).update(
        status=Booking.Status.CANCELLED,
        cancelled_by=Booking.CancelledBy.STAFF,
        ended_at=now,
    )
    _bookings_changed()


@transaction.atomic
def booking_start(*, learner, slot: Slot, note: str = ""):
    """Book `slot`: an order that holds it while the learner pays.

    Returns the order (already paid when the slot is free of charge). Raises
    CommerceError with the buyer's message when the slot is gone.
    """
    from commerce.services import order_create

    order = order_create(user=learner, offers=[("consultation", slot.pk)])
    note = (note or "").strip()[:2000]
    if note:
        item_ids = list(order.items.values_list("pk", flat=True))
        Booking.objects.filter(order_item_id__in=item_ids, learner=learner).update(
            note=note
        )
        _bookings_changed()
    return order


# --- after payment ------------------------------------------------------------------------------


def _booking_for_update(booking_id: int) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot__expert__user", "learner")
        .get(pk=booking_id)
    )


@transaction.atomic
def booking_note_update(*, booking: Booking, learner, note: str) -> Booking:
    booking = _booking_for_update(booking.pk)
    if booking.learner_id != learner.pk:
        raise PermissionDenied(_("This booking is not yours."))
    if not booking.is_live:
        raise ValidationError(_("This booking is over."))
    booking.note = (note or "").strip()[:2000]
    booking.save(update_fields=["note"])
    return booking


@transaction.atomic
def booking_confirm(*, booking: Booking, expert_user) -> Booking:
    booking = _booking_for_update(booking.pk)
    if booking.slot.expert.user_id != expert_user.pk:
        raise PermissionDenied(_("Only the expert can confirm this booking."))
    if booking.status == Booking.Status.CONFIRMED:
        return booking
    if booking.status != Booking.Status.REQUESTED:
        raise ValidationError(_("This booking is not waiting for confirmation."))
    now = timezone.now()
    if booking.confirm_by and booking.confirm_by <= now:
        raise ValidationError(
            _("The time to confirm has passed; the learner is being refunded.")
        )
    booking.status = Booking.Status.CONFIRMED
    booking.confirmed_at = now
    booking.save(update_fields=["status", "confirmed_at"])
    booking_id = booking.pk
    transaction.on_commit(lambda: notices.booking_confirmed(booking_id=booking_id))
    return booking


def _end(booking: Booking, *, status: str, by: str = "", reason: str = "") -> None:
    booking.status = status
    booking.ended_at = timezone.now()
    booking.cancelled_by = by
    booking.end_reason = (reason or "")[:300]
    booking.save(update_fields=["status", "ended_at", "cancelled_by", "end_reason"])
    booking_id = booking.pk
    transaction.on_commit(lambda: booking_refund(booking_id=booking_id), robust=True)


@transaction.atomic
def booking_decline(*, booking: Booking, expert_user, reason: str = "") -> Booking:
    """The expert says no: the learner is refunded at once."""
    booking = _booking_for_update(booking.pk)
    if booking.slot.expert.user_id != expert_user.pk:
        raise PermissionDenied(_("Only the expert can decline this booking."))
    if booking.status != Booking.Status.REQUESTED:
        raise ValidationError(_("This booking is not waiting for confirmation."))
    _end(booking, status=Booking.Status.DECLINED, reason=reason)
    booking_id = booking.pk
    transaction.on_commit(lambda: notices.booking_declined(booking_id=booking_id))
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, actor, reason: str = "") -> Booking:
    """Cancel within the window of the side that cancels; always refunded."""
    booking = _booking_for_update(booking.pk)
    slot = booking.slot
    is_learner = booking.learner_id == actor.pk
    is_expert = slot.expert.user_id == actor.pk
    if not (is_learner or is_expert or actor.is_staff):
        raise PermissionDenied(_("This booking is not yours."))
    if booking.status not in (Booking.Status.REQUESTED, Booking.Status.CONFIRMED):
        raise ValidationError(_("Only a paid, upcoming booking can be cancelled."))
    now = timezone.now()
    if slot.starts_at <= now:
        raise ValidationError(
            _("The session has started; it can no longer be cancelled.")
        )
    if is_learner:
        hours, by = settings.LIVE_LEARNER_CANCEL_HOURS, Booking.CancelledBy.LEARNER
    elif is_expert:
        hours, by = settings.LIVE_EXPERT_CANCEL_HOURS, Booking.CancelledBy.EXPERT
    else:
        hours, by = 0, Booking.CancelledBy.STAFF
    if slot.starts_at - now < timedelta(hours=hours):
        raise ValidationError(
            _(
                "Bookings can be cancelled up to %(hours)s hours before the start. "
                "Contact support if something came up."
            )
            % {"hours": hours}
        )
    _end(booking, status=Booking.Status.CANCELLED, by=by, reason=reason)
    booking_id, actor_id = booking.pk, actor.pk
    transaction.on_commit(
        lambda: notices.booking_cancelled(booking_id=booking_id, actor_id=actor_id)
    )
    return booking


def booking_refund(*, booking_id: int) -> bool:
    """Give a booking's money back (declined, unanswered, cancelled); idempotent.

    A failure is logged and left to the beat reconciliation.
    """
    from commerce.services import CommerceError, refund_automatic

    booking = Booking.objects.get(pk=booking_id)
    if booking.refunded or booking.is_live or not booking.order_item_id:
        return False
    if booking.status not in (
        Booking.Status.DECLINED,
        Booking.Status.UNANSWERED,
        Booking.Status.CANCELLED,
    ):
        return False
    try:
        refund = refund_automatic(
            order_item_id=booking.order_item_id,
            reason=f"consultation {booking.pk} {booking.status}",
        )
    except CommerceError:
        logger.exception("refund of booking %s failed; will retry", booking_id)
        return False
    # Free bookings have nothing to refund: mark them settled all the same.
    Booking.objects.filter(pk=booking_id).update(refunded=True)
    _bookings_changed()
    return refund is not None


def bookings_expire_unconfirmed(*, now=None) -> int:
    """Paid bookings the expert did not confirm in time: refunded (beat)."""
    now = now or timezone.now()
    ids = list(
        Booking.objects.filter(status=Booking.Status.REQUESTED, confirm_by__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    expired = 0
    for booking_id in ids:
        with transaction.atomic():
            booking = _booking_for_update(booking_id)
            if booking.status != Booking.Status.REQUESTED:
                continue
            _end(
                booking,
                status=Booking.Status.UNANSWERED,
                reason="not confirmed in time",
            )
            transaction.on_commit(
                lambda b=booking_id: notices.booking_unanswered(booking_id=b)
            )
            expired += 1
    return expired


def bookings_refund_due() -> int:
    """Retry the refunds that an error left undone (beat)."""
    ids = list(
        Booking.objects.filter(
            refunded=False,
            order_item_id__isnull=False,
            status__in=[
                Booking.Status.DECLINED,
                Booking.Status.UNANSWERED,
                Booking.Status.CANCELLED,
            ],
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    return sum(booking_refund(booking_id=pk) for pk in ids)


@transaction.atomic
def booking_rate(
    *, booking: Booking, learner, rating: int, comment: str = ""
) -> Booking:
    """The learner rates a session that took place, once."""
    booking = _booking_for_update(booking.pk)
    if booking.learner_id != learner.pk:
        raise PermissionDenied(_("Only the learner of this session can rate it."))
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose 1 to 5 stars.")})
    if (
        booking.status != Booking.Status.CONFIRMED
        or booking.slot.ends_at > timezone.now()
    ):
        raise ValidationError(_("You can rate a session once it has taken place."))
    if booking.rated_at is not None:
        raise ValidationError(_("You have already rated this session."))
    booking.rating = rating
    booking.rating_comment = (comment or "").strip()[:2000]
    booking.rated_at = timezone.now()
    booking.save(update_fields=["rating", "rating_comment", "rated_at"])
    ExpertProfile.objects.filter(pk=booking.slot.expert_id).update(
        rating_count=F("rating_count") + 1, rating_sum=F("rating_sum") + rating
    )
    events.send_on_commit(
        events.consultation_rated,
        sender=Booking,
        booking_id=booking.pk,
        expert_id=booking.slot.expert.user_id,
        learner_id=learner.pk,
        rating=rating,
    )
    return booking
