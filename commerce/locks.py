"""Row locks of commerce: the one place that takes them, always in one order.

Two transactions that lock the same rows in the same order wait for each other
instead of deadlocking. Every commerce service locks through these functions,
inside its `transaction.atomic` block, in this order (a service may skip any):

    1. the order                      (`order_lock`, `order_lock_for_*`)
    2. its items                      (`order_items_lock`)
    3. a refund of one of its items   (`order_lock_for_refund`)
    4. a payment of the order         (`payment_lock`, `order_lock_for_payment`)
    5. a coupon                       (`coupon_lock`)
    6. a creator, then a payout       (`creator_lock`, `payout_lock`)
    7. a member's periods of a plan   (`subscriptions_lock`)

A refund, payment or item is reached through its order: the order id is read
without a lock, then the order is locked, then the row itself.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import (
    Coupon,
    Order,
    OrderItem,
    Payment,
    Payout,
    Refund,
    Subscription,
)


def order_lock(order_id: int, *, with_user: bool = False) -> Order:
    """Lock one order row (1)."""
    orders = Order.objects.select_for_update()
    if with_user:
        orders = orders.select_related("user")
    return orders.get(pk=order_id)


def order_lock_for_item(order_item_id: int) -> Order:
    """Lock the order of an item (1); the item itself is read after."""
    order_id = OrderItem.objects.values_list("order_id", flat=True).get(
        pk=order_item_id
    )
    return order_lock(order_id)


def order_items_lock(order: Order) -> list[OrderItem]:
    """Lock every item of a locked order (2), by primary key."""
    return list(
        OrderItem.objects.select_for_update().filter(order=order).order_by("pk")
    )


def order_lock_for_refund(refund_id: int) -> tuple[Order, Refund]:
    """Lock the order of a refund (1), then the refund (3)."""
    order_id = Refund.objects.values_list("order_item__order_id", flat=True).get(
        pk=refund_id
    )
    order = order_lock(order_id, with_user=True)
    return order, refund_lock(refund_id)


def refund_lock(refund_id: int) -> Refund:
    """Lock a refund row (3); a refund decided alone needs no order lock."""
    return Refund.objects.select_for_update().get(pk=refund_id)


def order_lock_for_payment(payment_id: int) -> tuple[Order, Payment]:
    """Lock the order of a payment (1), then the payment (4).

    Concurrent callbacks for one order run one after the other.
    """
    order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
    order = order_lock(order_id)
    return order, payment_lock(payment_id)


def payment_lock(payment_id: int) -> Payment:
    """Lock a payment row (4); its order is locked first by the caller."""
    return Payment.objects.select_for_update().get(pk=payment_id)


def coupon_lock(code: str) -> Coupon | None:
    """Lock the coupon with this code (5), or None when there is none."""
    return Coupon.objects.select_for_update().filter(code__iexact=code).first()


def creator_lock(creator_id: int) -> None:
    """Lock a creator's user row (6): two payout requests cannot overdraw."""
    get_user_model().objects.select_for_update().get(pk=creator_id)


def payout_lock(payout_id: int) -> Payout:
    """Lock a payout row (6)."""
    return Payout.objects.select_for_update().get(pk=payout_id)


def subscriptions_lock(*, user, plan, now) -> QuerySet[Subscription]:
    """The member's running periods of a plan, locked when evaluated (7)."""
    return Subscription.objects.select_for_update().filter(
        user=user, plan=plan, revoked_at__isnull=True, ends_at__gt=now
    )
