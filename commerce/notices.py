"""Buyers are told what happened to their orders and money (in-app and email).

Called inside the service's transaction: the notification commits with the
change it reports, and its dedupe key makes a retried or repeated call tell
nobody twice.
"""

from __future__ import annotations

from notifications.services import notification_send

from .models import Order, OrderItem, Refund


def order_paid_notify(*, order: Order) -> None:
    if order.total <= 0:
        return  # a free order is not a payment
    notification_send(
        recipient=order.user,
        kind="order_paid",
        target=order,
        params={
            "number": order.number,
            "amount": str(order.total),
            "currency": order.currency,
        },
        dedupe_key=f"commerce.order:{order.pk}:paid",
    )


def order_expired_notify(*, order: Order) -> None:
    notification_send(
        recipient=order.user,
        kind="order_expired",
        target=order,
        params={"number": order.number},
        dedupe_key=f"commerce.order:{order.pk}:expired",
    )


def refund_decided_notify(*, order: Order, refund: Refund, item: OrderItem) -> None:
    if refund.status == Refund.Status.REFUNDED:
        kind, params = (
            "refund_approved",
            {"amount": str(refund.amount), "currency": order.currency},
        )
    elif refund.status == Refund.Status.DENIED:
        kind, params = "refund_denied", {"note": refund.decision_note or "—"}
    else:
        return
    notification_send(
        recipient=order.user,
        kind=kind,
        target=refund,
        # The item's title in each language it has, so that the buyer reads it
        # in theirs when shown (kinds' display), not in the one bought in.
        params={
            "number": order.number,
            "item": item.title,
            "item_titles": item.titles,
            **params,
        },
        dedupe_key=f"commerce.refund:{refund.pk}:{refund.status}",
    )
