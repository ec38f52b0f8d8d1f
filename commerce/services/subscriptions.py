"""Memberships: periods started, extended, revoked and expired."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from commerce import locks
from commerce.models import (
    OrderItem,
    Subscription,
    SubscriptionPlan,
)


@transaction.atomic
def subscription_start(
    *, user, plan: SubscriptionPlan, order_item: OrderItem | None
) -> Subscription:
    """Start (or extend) a membership; renewals start where the last period ends."""
    if order_item is not None:
        existing = Subscription.objects.filter(order_item=order_item).first()
        if existing is not None:
            return existing
    now = timezone.now()
    periods = locks.subscriptions_lock(user=user, plan=plan, now=now)
    last_end = max((p.ends_at for p in periods), default=now)
    starts_at = max(now, last_end)
    return Subscription.objects.create(
        user=user,
        plan=plan,
        creator_id=plan.creator_id,
        order_item=order_item,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=plan.days),
    )


@transaction.atomic
def subscription_revoke(*, order_item: OrderItem) -> None:
    Subscription.objects.filter(order_item=order_item, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def subscriptions_expire(*, now=None) -> int:
    """Mark finished periods expired (beat task); access already ends at ends_at."""
    now = now or timezone.now()
    return Subscription.objects.filter(is_expired=False, ends_at__lte=now).update(
        is_expired=True
    )
