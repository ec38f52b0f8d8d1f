"""Refunds: asked by a buyer and decided by staff, or owed by the selling app."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from payments import PaymentError

from commerce import locks, notices, registry
from commerce.models import (
    Fulfilment,
    Order,
    OrderItem,
    Refund,
)
from core import events

from .common import PAID_STATES, CommerceError
from .escrow import escrow_refunded
from .payouts import _earnings_reverse


def refund_check(*, user, item: OrderItem) -> None:
    """Raise CommerceError when `item` may not be refunded to `user` now."""
    order = item.order
    if order.user_id != user.pk:
        raise CommerceError(_("This order is not yours."), "foreign")
    if order.state not in (Order.State.PAID, Order.State.PARTIALLY_REFUNDED):
        raise CommerceError(_("Only a paid order can be refunded."), "not_paid")
    if item.price <= 0:
        raise CommerceError(_("Nothing was paid for this item."), "free")
    deadline = order.paid_at + timedelta(days=settings.REFUND_WINDOW_DAYS)
    if timezone.now() > deadline:
        raise CommerceError(
            _("Refunds can be asked within %(days)s days of purchase.")
            % {"days": settings.REFUND_WINDOW_DAYS},
            "window_closed",
        )
    offer_type = registry.get_offer_type(item.offer_type)
    if offer_type.progress is not None:
        progress = offer_type.progress(user=user, offer_id=item.offer_id) or 0
        if progress > settings.REFUND_MAX_PROGRESS_PERCENT:
            raise CommerceError(
                _(
                    "You have completed %(progress)s%% of it; refunds are possible "
                    "up to %(limit)s%%."
                )
                % {"progress": progress, "limit": settings.REFUND_MAX_PROGRESS_PERCENT},
                "too_much_progress",
            )
    if item.refunds.filter(
        status__in=[Refund.Status.REQUESTED, Refund.Status.REFUNDED]
    ).exists():
        raise CommerceError(
            _("A refund for this item was already asked."), "already_asked"
        )


@transaction.atomic
def refund_request(*, user, order_item: OrderItem, reason: str = "") -> Refund:
    order = locks.order_lock(order_item.order_id)
    item = OrderItem.objects.select_related("order").get(pk=order_item.pk, order=order)
    refund_check(user=user, item=item)
    try:
        with transaction.atomic():
            return Refund.objects.create(
                order_item=item, user=user, amount=item.price, reason=reason[:2000]
            )
    except IntegrityError:
        raise CommerceError(
            _("A refund for this item was already asked."), "already_asked"
        ) from None


@transaction.atomic
def refund_approve(*, refund_id: int, staff) -> Refund:
    """Refund through the provider, revoke access, reverse the earnings."""
    order, refund = locks.order_lock_for_refund(refund_id)
    if refund.status != Refund.Status.REQUESTED:
        raise CommerceError(_("This refund was already decided."), "decided")
    item = OrderItem.objects.get(pk=refund.order_item_id)
    if order.paid_payment_id is not None:
        payment = locks.payment_lock(order.paid_payment_id)
        try:
            payment.refund(refund.amount)
        except (PaymentError, ValueError) as exc:
            raise CommerceError(
                _("The payment provider refused the refund: %(error)s")
                % {"error": exc},
                "provider",
            ) from exc
    now = timezone.now()
    refund.status = Refund.Status.REFUNDED
    refund.decided_by = staff
    refund.decided_at = now
    refund.save(update_fields=["status", "decided_by", "decided_at"])
    fulfilment = Fulfilment.objects.filter(order_item=item).first()
    if fulfilment is not None:
        registry.get_offer_type(item.offer_type).revoke(
            user=order.user, offer_id=item.offer_id, order_item=item
        )
        fulfilment.revoked_at = now
        fulfilment.save(update_fields=["revoked_at"])
    _earnings_reverse(item=item, now=now)
    escrow_refunded(item=item, now=now)
    refunded_items = set(
        Refund.objects.filter(
            order_item__order=order, status=Refund.Status.REFUNDED
        ).values_list("order_item_id", flat=True)
    )
    all_items = set(order.items.values_list("pk", flat=True))
    order.state = (
        Order.State.REFUNDED
        if refunded_items >= all_items
        else Order.State.PARTIALLY_REFUNDED
    )
    order.save(update_fields=["state"])
    events.send_on_commit(
        events.item_refunded,
        sender=OrderItem,
        order_item_id=item.pk,
        order_id=order.pk,
        user_id=order.user_id,
        offer_type=item.offer_type,
        offer_id=item.offer_id,
        creator_id=item.creator_id,
        amount=str(refund.amount),
    )
    notices.refund_decided_notify(order=order, refund=refund, item=item)
    return refund


@transaction.atomic
def refund_deny(*, refund_id: int, staff, note: str = "") -> Refund:
    refund = locks.refund_lock(refund_id)
    if refund.status != Refund.Status.REQUESTED:
        raise CommerceError(_("This refund was already decided."), "decided")
    refund.status = Refund.Status.DENIED
    refund.decided_by = staff
    refund.decided_at = timezone.now()
    refund.decision_note = note[:500]
    refund.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    notices.refund_decided_notify(
        order=refund.order_item.order, refund=refund, item=refund.order_item
    )
    return refund


@transaction.atomic
def refund_automatic(*, order_item_id: int, reason: str) -> Refund | None:
    """Give a paid item's money back at once, without a request or staff.

    For refunds the selling app owes by its own rules (a lecture cancelled, a
    consultation declined or not confirmed in time): no refund window and no
    progress check. Idempotent: an item already refunded returns that refund,
    and a refund the buyer had asked for is approved. None when nothing was
    paid for the item. The provider refusing raises CommerceError (retry later).
    """
    order = locks.order_lock_for_item(order_item_id)
    item = OrderItem.objects.get(pk=order_item_id)
    if order.state not in PAID_STATES or item.price <= 0:
        return None
    refund = (
        item.refunds.filter(
            status__in=[Refund.Status.REQUESTED, Refund.Status.REFUNDED]
        )
        .order_by("pk")
        .first()
    )
    if refund is not None and refund.status == Refund.Status.REFUNDED:
        return refund
    if refund is None:
        refund = Refund.objects.create(
            order_item=item,
            user_id=order.user_id,
            amount=item.price,
            reason=reason[:2000],
        )
    return refund_approve(refund_id=refund.pk, staff=None)
