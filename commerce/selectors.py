"""Reads of the commerce app shared by pages, the API and other apps."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Order, OrderItem, Refund, Subscription


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


def membership_covers(*, user_id: int | None, creator_id: int | None) -> bool:
    """Whether an active membership period of `user_id` covers `creator_id`'s work.

    A site-wide plan covers every creator; a creator's column covers that
    creator. One query.
    """
    if not user_id:
        return False
    now = timezone.now()
    scope = Q(creator_id__isnull=True)
    if creator_id:
        scope |= Q(creator_id=creator_id)
    return (
        Subscription.objects.filter(
            user_id=user_id,
            starts_at__lte=now,
            ends_at__gt=now,
            revoked_at__isnull=True,
        )
        .filter(scope)
        .exists()
    )
