"""Tickets: seats held for a pending payment, kept, released, refunded; free
and members' tickets; replay passes.

Seats are counted under a row lock on the lecture (`lectures._lock`), always
taken before any ticket row of it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce.registry import OfferUnavailable
from core.pagecache import bump_viewer

from .. import notices
from ..models import LiveLecture, ReplayPass, Ticket
from .lectures import _lock, _refund_later, seats_taken, seats_taken_q

# --- tickets ------------------------------------------------------------------------------


def lecture_closed_reason(lecture: LiveLecture, *, now) -> str | None:
    """Why nobody can take a seat of `lecture` now (a message), or None.

    Seats are sold until the lecture ends: a latecomer may still join.
    """
    if lecture.is_cancelled:
        return _("This lecture was cancelled.")
    if lecture.ends_at <= now:
        return _("This lecture has ended.")
    return None


def _refusal_to_take_a_seat(lecture: LiveLecture, user, *, now) -> str | None:
    """Why `user` cannot take a seat of `lecture` now (a message), or None."""
    closed = lecture_closed_reason(lecture, now=now)
    if closed:
        return closed
    if lecture.creator_id == user.pk:
        return _("This is your own lecture: you do not need a ticket.")
    return None


def _release_stale_hold(lecture_id: int, user, *, now) -> None:
    """The user's own hold that ran out no longer blocks a new one."""
    Ticket.objects.filter(
        lecture_id=lecture_id,
        user=user,
        status=Ticket.Status.HELD,
        hold_expires_at__lte=now,
    ).update(status=Ticket.Status.RELEASED, ended_at=now)


def _sold_out_message() -> str:
    return _("Sold out: every seat of this lecture is taken.")


def ticket_hold(*, user, lecture_id: int, order_item, expires_at) -> Ticket:
    """Hold a seat for a pending order (commerce's `hold` hook).

    Runs inside order_create's transaction; raises OfferUnavailable when no
    seat is left, so that the order is never created.
    """
    now = timezone.now()
    lecture = _lock(lecture_id)
    refusal = _refusal_to_take_a_seat(lecture, user, now=now)
    if refusal:
        raise OfferUnavailable(refusal, "not_for_sale")
    _release_stale_hold(lecture.pk, user, now=now)
    mine = Ticket.objects.filter(
        lecture=lecture,
        user=user,
        status__in=[Ticket.Status.HELD, Ticket.Status.ACTIVE],
    ).first()
    if mine is not None:
        if mine.status == Ticket.Status.ACTIVE:
            raise OfferUnavailable(_("You already have a ticket."), "already_owned")
        raise OfferUnavailable(
            _(
                "You already have an unpaid order for this lecture: pay it or "
                "cancel it in My orders."
            ),
            "pending_order",
        )
    if seats_taken(lecture.pk, now=now) >= lecture.capacity:
        raise OfferUnavailable(_sold_out_message(), "sold_out")
    try:
        with transaction.atomic():
            return Ticket.objects.create(
                lecture=lecture,
                user=user,
                status=Ticket.Status.HELD,
                source=Ticket.Source.PURCHASE,
                order_item_id=order_item.pk,
                hold_expires_at=expires_at,
            )
    except IntegrityError:
        raise OfferUnavailable(
            _("You already have a ticket."), "already_owned"
        ) from None


def ticket_release(*, order_item) -> None:
    """The unpaid order closed: its seat goes back on sale (commerce's hook)."""
    Ticket.objects.filter(
        order_item_id=order_item.pk, status=Ticket.Status.HELD
    ).update(status=Ticket.Status.RELEASED, ended_at=timezone.now())


def ticket_confirm_hold(*, order_item) -> bool:
    """A payment is being captured: keep its seat for good, if there still is one.

    The hold may have run out while the buyer was paying. If nobody took the
    seat meanwhile (and the lecture is still on), it is theirs; if it was sold
    to someone else, False: commerce refunds the payment.
    """
    ticket = Ticket.objects.filter(order_item_id=order_item.pk).first()
    if ticket is None:
        return False
    now = timezone.now()
    lecture = _lock(ticket.lecture_id)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Ticket.Status.ACTIVE:
        return True
    if ticket.status not in (Ticket.Status.HELD, Ticket.Status.RELEASED):
        return False
    if _refusal_to_take_a_seat(lecture, ticket.user, now=now):
        return False
    still_held = ticket.status == Ticket.Status.HELD and (
        ticket.hold_expires_at is None or ticket.hold_expires_at > now
    )
    if not still_held:
        other = (
            Ticket.objects.filter(
                lecture=lecture,
                user_id=ticket.user_id,
                status__in=[Ticket.Status.HELD, Ticket.Status.ACTIVE],
            )
            .exclude(pk=ticket.pk)
            .filter(seats_taken_q(now))
            .exists()
        )
        if other or seats_taken(lecture.pk, now=now, exclude_ticket=ticket.pk) >= (
            lecture.capacity
        ):
            return False
        if ticket.status == Ticket.Status.RELEASED:
            # Another (expired) hold row of this user would clash with the
            # unique constraint: release it first.
            _release_stale_hold(lecture.pk, ticket.user, now=now)
    ticket.status = Ticket.Status.HELD
    ticket.hold_expires_at = None  # kept for good: the payment is captured
    ticket.ended_at = None
    ticket.save(update_fields=["status", "hold_expires_at", "ended_at"])
    return True


def ticket_fulfil(*, user, lecture_id: int, order_item) -> Ticket:
    """The order is paid: the held ticket becomes active (idempotent)."""
    ticket = Ticket.objects.select_for_update().get(order_item_id=order_item.pk)
    if ticket.status == Ticket.Status.HELD:
        ticket.status = Ticket.Status.ACTIVE
        ticket.hold_expires_at = None
        ticket.activated_at = timezone.now()
        ticket.save(update_fields=["status", "hold_expires_at", "activated_at"])
        lecture = LiveLecture.objects.only("status").get(pk=lecture_id)
        if lecture.is_cancelled:
            # Paid while the lecture was being cancelled: refund it too.
            transaction.on_commit(lambda: _refund_later(lecture_id))
        ticket_id = ticket.pk
        transaction.on_commit(lambda: notices.ticket_issued(ticket_id=ticket_id))
    return ticket


def ticket_revoke(*, order_item) -> None:
    """The item was refunded: the seat is given back (idempotent)."""
    tickets = Ticket.objects.filter(
        order_item_id=order_item.pk,
        status__in=[Ticket.Status.ACTIVE, Ticket.Status.HELD],
    )
    holders = list(tickets.values_list("user_id", flat=True))
    if tickets.update(status=Ticket.Status.REFUNDED, ended_at=timezone.now()):
        bump_viewer(*holders)  # an UPDATE: their kept ticket list (API)


@transaction.atomic
def ticket_claim(*, user, lecture: LiveLecture) -> Ticket:
    """A free ticket, or a member's: a seat without an order."""
    from ..access import lecture_access

    now = timezone.now()
    lecture = _lock(lecture.pk)
    refusal = _refusal_to_take_a_seat(lecture, user, now=now)
    if refusal:
        raise ValidationError(refusal)
    if lecture.is_free:
        source = Ticket.Source.FREE
    elif lecture.members_included and lecture_access(user, lecture, now=now).is_member:
        source = Ticket.Source.MEMBERSHIP
    else:
        raise ValidationError(_("This lecture is not free: buy a ticket."))
    _release_stale_hold(lecture.pk, user, now=now)
    if Ticket.objects.filter(
        lecture=lecture,
        user=user,
        status__in=[Ticket.Status.HELD, Ticket.Status.ACTIVE],
    ).exists():
        raise ValidationError(_("You already have a ticket."))
    if seats_taken(lecture.pk, now=now) >= lecture.capacity:
        raise ValidationError(_sold_out_message())
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                lecture=lecture,
                user=user,
                status=Ticket.Status.ACTIVE,
                source=source,
                activated_at=now,
            )
    except IntegrityError:
        raise ValidationError(_("You already have a ticket.")) from None
    ticket_id = ticket.pk
    transaction.on_commit(lambda: notices.ticket_issued(ticket_id=ticket_id))
    return ticket


def ticket_refund_after_move(*, user, ticket: Ticket) -> Ticket:
    """A holder of a moved lecture gives the seat back, with the money."""
    from commerce.services import CommerceError, refund_automatic

    with transaction.atomic():
        ticket = Ticket.objects.select_related("lecture").get(pk=ticket.pk)
        lecture = ticket.lecture
        if ticket.user_id != user.pk:
            raise PermissionDenied(_("This ticket is not yours."))
        if ticket.status != Ticket.Status.ACTIVE:
            raise ValidationError(_("This ticket is no longer active."))
        if not lecture.moved_at or (
            ticket.activated_at and ticket.activated_at > lecture.moved_at
        ):
            raise ValidationError(
                _("Only tickets bought before the lecture was moved can be refunded.")
            )
        if lecture.has_started:
            raise ValidationError(_("The lecture has started."))
    if ticket.order_item_id:
        try:
            refund_automatic(
                order_item_id=ticket.order_item_id,
                reason=f"lecture {lecture.pk} moved",
            )
        except CommerceError as exc:
            raise ValidationError(exc.message) from None
    with transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk, status=Ticket.Status.ACTIVE).update(
            status=Ticket.Status.CANCELLED, ended_at=timezone.now()
        )
        bump_viewer(ticket.user_id)  # an UPDATE: their kept ticket list (API)
    ticket.refresh_from_db()
    return ticket


# --- replay passes ---------------------------------------------------------------------------


def replay_pass_fulfil(*, user, lecture_id: int, order_item) -> ReplayPass:
    replay_pass, _created = ReplayPass.objects.get_or_create(
        order_item_id=order_item.pk, defaults={"lecture_id": lecture_id, "user": user}
    )
    return replay_pass


def replay_pass_revoke(*, order_item) -> None:
    ReplayPass.objects.filter(
        order_item_id=order_item.pk, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
