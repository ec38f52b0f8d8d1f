"""Reads of the commerce app shared by pages, the API and other apps."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Order, OrderItem, Refund


def live_items_covering(*, user_id: int, course_id: int) -> list[OrderItem]:
    """Fulfilled, not revoked items of `user_id` that give `course_id`."""
    items = OrderItem.objects.filter(
        order__user_id=user_id,
        fulfilment__isnull=False,
        fulfilment__revoked_at__isnull=True,
    ).only("pk", "course_ids")
    return [item for item in items if course_id in (item.course_ids or [])]


def orders_of(*, user) -> QuerySet[Order]:
    return (
        Order.objects.filter(user=user)
        .prefetch_related(
            Prefetch(
                "items",
                queryset=OrderItem.objects.select_related("fulfilment"),
            )
        )
        .order_by("-created_at", "-id")
    )


def order_for(*, user, number: str) -> Order | None:
    return (
        Order.objects.filter(user=user, number=number)
        .select_related("coupon", "paid_payment")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=OrderItem.objects.select_related(
                    "fulfilment"
                ).prefetch_related(
                    Prefetch(
                        "refunds", queryset=Refund.objects.order_by("-requested_at")
                    )
                ),
            )
        )
        .first()
    )
