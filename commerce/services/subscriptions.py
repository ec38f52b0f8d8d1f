"""Memberships: periods started, extended, revoked and expired."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from commerce import locks
from commerce.models import (
    OrderItem,
    Subscription,
    SubscriptionPlan,
)
from core import events


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


def _announce_end(subscription: Subscription) -> None:
    events.send_on_commit(
        events.membership_ended,
        sender=Subscription,
        subscription_id=subscription.pk,
        user_id=subscription.user_id,
        creator_id=subscription.creator_id,
        column_id=getattr(subscription.plan, "column_id", None),
    )


@transaction.atomic
def subscription_revoke(*, order_item: OrderItem) -> None:
    periods = list(
        Subscription.objects.select_for_update()
        .filter(order_item=order_item, revoked_at__isnull=True)
        .select_related("plan")
    )
    now = timezone.now()
    for period in periods:
        period.revoked_at = now
        period.save(update_fields=["revoked_at"])
        _announce_end(period)


def _renewed(subscription: Subscription) -> bool:
    """Another live period of the same plan follows (or overlaps) this one."""
    return (
        Subscription.objects.filter(
            user_id=subscription.user_id,
            plan_id=subscription.plan_id,
            revoked_at__isnull=True,
            ends_at__gt=subscription.ends_at,
        )
        .exclude(pk=subscription.pk)
        .exists()
    )


@transaction.atomic
def subscriptions_expire(*, now=None) -> int:
    """Mark finished periods expired (beat task); access already ends at ends_at.

    The member is told once (unless a renewal follows) that the membership
    ended and that their progress is kept; learning locks what it opened.
    """
    from notifications.services import notification_send

    now = now or timezone.now()
    ended = list(
        Subscription.objects.select_for_update(skip_locked=True)
        .filter(is_expired=False, ends_at__lte=now)
        .select_related("plan", "user")
        .order_by("pk")
    )
    for period in ended:
        period.is_expired = True
        period.save(update_fields=["is_expired"])
        if period.revoked_at is not None:
            continue
        _announce_end(period)
        if not _renewed(period):
            notification_send(
                recipient=period.user,
                kind="membership_ended",
                params={"plan": period.plan.name},
                url=reverse("commerce:plans"),
                dedupe_key=f"membership-ended:{period.pk}",
            )
    return len(ended)


def subscriptions_expiry_notify(*, now=None) -> int:
    """Tell members, MEMBERSHIP_EXPIRY_NOTICE_DAYS ahead, that a period ends.

    Once per period (the notification's dedupe key); nobody is told when a
    renewal already follows. Returns how many were told.
    """
    from notifications.services import notification_send

    now = now or timezone.now()
    horizon = now + timedelta(days=settings.MEMBERSHIP_EXPIRY_NOTICE_DAYS)
    renewal = Subscription.objects.filter(
        user_id=OuterRef("user_id"),
        plan_id=OuterRef("plan_id"),
        revoked_at__isnull=True,
        ends_at__gt=OuterRef("ends_at"),
    )
    ending = (
        Subscription.objects.filter(
            starts_at__lte=now,
            ends_at__gt=now,
            ends_at__lte=horizon,
            revoked_at__isnull=True,
        )
        .exclude(Exists(renewal))
        .select_related("plan", "user")
        .order_by("pk")
    )
    told = 0
    for period in ending:
        sent = notification_send(
            recipient=period.user,
            kind="membership_expiring",
            params={
                "plan": period.plan.name,
                "date": timezone.localdate(period.ends_at).isoformat(),
            },
            url=reverse("commerce:plans"),
            dedupe_key=f"membership-expiring:{period.pk}",
        )
        told += sent is not None
    return told
