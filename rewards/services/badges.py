"""Badges: awarded once, automatically when a criterion is met or by staff."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from notifications.services import notification_send
from rewards.models import (
    Badge,
    BadgeAward,
    PointEntry,
)

from .ledger import _is_suspended

EARNED_KINDS = (PointEntry.Kind.AWARD, PointEntry.Kind.REVERSAL)


def badge_cache_key(user_id: int) -> str:
    return f"rewards:badges:{user_id}"


def badge_award(
    *, user_id: int, badge: Badge, reason: str = "", by=None
) -> BadgeAward | None:
    """Give `badge` to the user once; returns the new award or None if held."""
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(
                user_id=user_id, badge=badge, reason=reason[:200], awarded_by=by
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: cache.delete(badge_cache_key(user_id)))

    def notify_later():
        from rewards.tasks import notify_badge_task

        notify_badge_task.delay(award_id=award.pk)

    transaction.on_commit(notify_later)
    return award


def _badge_reached(badge: Badge, user_id: int, now) -> bool:
    entries = PointEntry.objects.filter(user_id=user_id)
    if badge.period_days:
        entries = entries.filter(
            created_at__gte=now - timedelta(days=badge.period_days)
        )
    if badge.criterion == Badge.Criterion.EVENT_COUNT:
        count = entries.filter(
            kind=PointEntry.Kind.AWARD, rule__event=badge.event, reversal__isnull=True
        ).count()
        return count >= badge.threshold
    if badge.criterion == Badge.Criterion.POINTS:
        total = (
            entries.filter(kind__in=EARNED_KINDS).aggregate(total=Sum("points"))[
                "total"
            ]
            or 0
        )
        return total >= badge.threshold
    return False


@transaction.atomic
def badges_evaluate(*, user_id: int) -> list[BadgeAward]:
    """Award every automatic badge whose criterion the user now meets."""
    if _is_suspended(user_id):
        return []
    held = set(
        BadgeAward.objects.filter(user_id=user_id).values_list("badge_id", flat=True)
    )
    now = timezone.now()
    awarded = []
    for badge in Badge.objects.filter(
        is_active=True,
        criterion__in=[Badge.Criterion.EVENT_COUNT, Badge.Criterion.POINTS],
    ).exclude(pk__in=held):
        if _badge_reached(badge, user_id, now):
            award = badge_award(user_id=user_id, badge=badge, reason="criterion met")
            if award is not None:
                awarded.append(award)
    return awarded


def badge_award_notify(*, award_id: int) -> bool:
    """Tell the holder about a badge award, once per award."""
    award = (
        BadgeAward.objects.select_related("badge", "user").filter(pk=award_id).first()
    )
    if award is None:
        return False
    notification_send(
        recipient=award.user,
        kind="badge",
        target=award.badge,
        params={"badge_zh": award.badge.name_zh, "badge_en": award.badge.name_en},
        url=reverse("rewards:badges"),
        dedupe_key=f"rewards.badge_award:{award.pk}",
    )
    return True
