"""Escrow: money paid for an escrow offer (a paid question) held until released.

`order_fulfil` writes an `EscrowHold` instead of earnings for an offer type
registered with `escrow=True`. The selling app calls `escrow_release` when the
work was accepted (the earnings are written then) or refunds the item
(`refund_automatic`), which marks the hold refunded.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from commerce import locks
from commerce.models import EscrowHold, Order, OrderItem

from .payouts import _earnings_record


def escrow_hold(*, item: OrderItem) -> EscrowHold:
    """Hold a delivered escrow item's price (inside `order_fulfil`)."""
    return EscrowHold.objects.create(order_item=item, amount=item.price)


def escrow_refunded(*, item: OrderItem, now) -> None:
    """The item was refunded: its held money went back (inside the refund)."""
    EscrowHold.objects.filter(order_item=item, status=EscrowHold.Status.HELD).update(
        status=EscrowHold.Status.REFUNDED, settled_at=now
    )


@transaction.atomic
def escrow_release(*, order_item_id: int) -> bool:
    """The held money of an escrow item becomes the creator's earning.

    Idempotent: True only the first time; False when nothing is held (already
    released, refunded, or never paid). Locks the order (1), then the hold.
    """
    order = locks.order_lock_for_item(order_item_id)
    hold = (
        EscrowHold.objects.select_for_update()
        .filter(order_item_id=order_item_id)
        .first()
    )
    if hold is None or hold.status != EscrowHold.Status.HELD:
        return False
    if order.state not in (Order.State.PAID, Order.State.PARTIALLY_REFUNDED):
        return False
    now = timezone.now()
    hold.status = EscrowHold.Status.RELEASED
    hold.settled_at = now
    hold.save(update_fields=["status", "settled_at"])
    item = OrderItem.objects.get(pk=order_item_id)
    # The refund window runs from the release: the buyer accepted the work then.
    _earnings_record(item=item, paid_at=now)
    return True
