"""Fulfilment: a paid order delivers each item once, through the handler the
selling app registered, and records the creators' earnings."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from commerce import locks, notices, registry
from commerce.models import (
    Fulfilment,
    Order,
    OrderItem,
    Payment,
    Refund,
)
from core import events

from .escrow import escrow_hold
from .payouts import _earnings_record

logger = logging.getLogger(__name__)


def _order_mark_paid(*, order: Order, payment: Payment | None, provider: str) -> None:
    order.state = Order.State.PAID
    order.paid_payment = payment
    order.paid_at = timezone.now()
    order.provider = provider
    order.closed_at = None
    order.save(
        update_fields=["state", "paid_payment", "paid_at", "provider", "closed_at"]
    )
    events.send_on_commit(
        events.order_paid,
        sender=Order,
        order_id=order.pk,
        user_id=order.user_id,
        total=str(order.total),
    )
    if payment is not None:
        notices.order_paid_notify(order=order)
    order_id = order.pk
    # Fulfil in a transaction of its own after the capture has committed: if
    # fulfilment fails, the payment is safely recorded and the reconciliation
    # task (beat) completes the order later.
    transaction.on_commit(lambda: _fulfil_after_commit(order_id), robust=True)


def _fulfil_after_commit(order_id: int) -> None:
    try:
        order_fulfil(order_id=order_id)
    except Exception:
        logger.exception(
            "fulfilment of order %s failed; reconciliation will retry", order_id
        )
        raise


@transaction.atomic
def order_fulfil(*, order_id: int) -> list[int]:
    """Deliver every paid item not delivered yet; returns the items fulfilled.

    Safe to call any number of times, concurrently: the order row is locked
    and a unique fulfilment row per item stands behind "exactly once".
    """
    order = locks.order_lock(order_id, with_user=True)
    if order.state not in (Order.State.PAID, Order.State.PARTIALLY_REFUNDED):
        return []
    items = list(
        order.items.filter(fulfilment__isnull=True)
        .exclude(refunds__status=Refund.Status.REFUNDED)
        .order_by("pk")
    )
    done = []
    for item in items:
        Fulfilment.objects.create(order_item=item)
        offer_type = registry.get_offer_type(item.offer_type)
        offer_type.fulfil(user=order.user, offer_id=item.offer_id, order_item=item)
        if offer_type.escrow:
            escrow_hold(item=item)
        else:
            _earnings_record(item=item, paid_at=order.paid_at)
        events.send_on_commit(
            events.item_sold,
            sender=OrderItem,
            order_item_id=item.pk,
            order_id=order.pk,
            user_id=order.user_id,
            offer_type=item.offer_type,
            offer_id=item.offer_id,
            creator_id=item.creator_id,
            amount=str(item.price),
        )
        done.append(item.pk)
    return done


@dataclass
class FulfilmentReport:
    """What a batch of fulfilments did: items delivered, orders that failed."""

    fulfilled: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # order number -> error


def orders_fulfil(*, order_ids: Iterable[int]) -> FulfilmentReport:
    """Fulfil each order in a transaction of its own.

    One order that cannot be delivered (a handler error, a broken row) is
    logged and reported; it never stops the others nor the caller (the
    reconciliation task, the admin action).
    """
    report = FulfilmentReport()
    for order_id in order_ids:
        try:
            report.fulfilled += len(order_fulfil(order_id=order_id))
        except Exception as exc:
            logger.exception("fulfilment of order %s failed", order_id)
            number = (
                Order.objects.filter(pk=order_id)
                .values_list("number", flat=True)
                .first()
            )
            report.failed[number or str(order_id)] = str(exc) or type(exc).__name__
    return report
