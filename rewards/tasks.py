"""Thin Celery tasks: they take ids and call a service; all are safe to rerun."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from core.tasks import IDEMPOTENT
from notifications.services import notification_send

from . import services
from .models import BadgeAward, PointEntry, Redemption

logger = logging.getLogger(__name__)
RETRY = {
    "autoretry_for": (ConnectionError, TimeoutError),
    "retry_backoff": True,
    "max_retries": 5,
}
# Awards are idempotent (one ledger entry per rule and source, unique keys):
# run again after a lost worker. Notifications are not (see notify_*).
AWARD = {**RETRY, **IDEMPOTENT}


@shared_task(**AWARD)
def points_award_task(
    *,
    event: str,
    user_id: int,
    source_key: str,
    object_key: str = "",
    parent_key: str = "",
    actor_id: int | None = None,
    category_id: int | None = None,
    course_id: int | None = None,
) -> int | None:
    if course_id is not None and category_id is None:
        from courses.models import Course

        category_id = (
            Course.objects.filter(pk=course_id)
            .values_list("category_id", flat=True)
            .first()
        )
    entry = services.points_award(
        event=event,
        user_id=user_id,
        source_key=source_key,
        object_key=object_key,
        parent_key=parent_key,
        actor_id=actor_id,
        category_id=category_id,
    )
    return entry.pk if entry else None


@shared_task(**AWARD)
def points_reverse_task(
    *,
    source_key: str = "",
    object_key: str = "",
    reason: str = "",
    rule_events: list[str] | None = None,
) -> int:
    if source_key:
        return len(
            services.points_reverse_source(
                source_key=source_key, reason=reason, rule_events=rule_events
            )
        )
    if object_key:
        return len(services.points_reverse_object(object_key=object_key, reason=reason))
    return 0


@shared_task(**AWARD)
def suspension_record_task(*, user_id: int, until: str | None, reason: str = ""):
    from django.utils.dateparse import parse_datetime

    until_at = parse_datetime(until) if until else None
    _suspension, reversed_entries = services.suspension_record(
        user_id=user_id, until=until_at, reason=reason
    )
    return len(reversed_entries)


@shared_task(**AWARD)
def badges_evaluate_task(*, user_id: int) -> int:
    return len(services.badges_evaluate(user_id=user_id))


@shared_task
def badges_evaluate_recent_task(days: int = 2) -> int:
    """Beat: evaluate badges of everyone whose ledger moved lately (periods expire too)."""
    since = timezone.now() - timedelta(days=days)
    # order_by() first: with the model's default ordering DISTINCT would keep
    # one row per entry, and queue one task per entry instead of per person.
    user_ids = (
        PointEntry.objects.filter(created_at__gte=since)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    count = 0
    for user_id in user_ids.iterator():
        badges_evaluate_task.delay(user_id=user_id)
        count += 1
    return count


@shared_task(**AWARD)
def course_quality_recompute_task(*, course_id: int) -> str | None:
    quality = services.course_quality_recompute(course_id=course_id)
    return str(quality.score) if quality else None


@shared_task(**IDEMPOTENT)
def course_quality_recompute_all_task() -> int:
    from courses.models import Course

    ids = Course.objects.filter(status=Course.Status.PUBLISHED).values_list(
        "pk", flat=True
    )
    count = 0
    for course_id in ids.iterator():
        services.course_quality_recompute(course_id=course_id)
        count += 1
    return count


@shared_task(**AWARD)
def creator_level_recompute_task(*, creator_id: int) -> str | None:
    level = services.creator_level_recompute(creator_id=creator_id)
    return level.level if level else None


@shared_task(**IDEMPOTENT)
def creator_levels_recompute_all_task() -> int:
    """Nightly: every creator with a course (after quality is recomputed)."""
    from courses.models import Course

    creator_ids = (
        Course.objects.order_by("creator_id")  # not the default: one row a creator
        .values_list("creator_id", flat=True)
        .distinct()
    )
    count = 0
    for creator_id in creator_ids.iterator():
        services.creator_level_recompute(creator_id=creator_id)
        count += 1
    return count


@shared_task(**AWARD)
def challenge_check_in_task(*, user_id: int, course_id: int, lesson_id: int) -> int:
    return len(
        services.challenge_check_in(
            user_id=user_id, course_id=course_id, lesson_id=lesson_id
        )
    )


@shared_task(bind=True, max_retries=8, retry_backoff=True)
def redemption_fulfil_task(self, *, redemption_id: int, valid_days: int = 30):
    try:
        redemption = services.redemption_fulfil(
            redemption_id=redemption_id, valid_days=valid_days
        )
    except Exception as error:
        if self.request.retries >= self.max_retries:
            services.redemption_fail(redemption_id=redemption_id, error=str(error))
            return "failed"
        raise self.retry(exc=error, countdown=60) from error
    return redemption.status


@shared_task
def redemptions_retry_pending_task() -> int:
    """Beat: issue coupons of redemptions still pending (e.g. commerce was down)."""
    from .models import RedemptionRate

    valid_days = RedemptionRate.current().coupon_valid_days
    ids = Redemption.objects.filter(status=Redemption.Status.PENDING).values_list(
        "pk", flat=True
    )
    count = 0
    for redemption_id in ids.iterator():
        redemption_fulfil_task.delay(redemption_id=redemption_id, valid_days=valid_days)
        count += 1
    return count


@shared_task(**RETRY)
def notify_level_up_task(*, user_id: int, level: str) -> bool:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return False
    # One per level and day: a retried task does not tell (or email) twice.
    notification_send(
        recipient=user,
        kind="level_up",
        params={"level": level},
        url=reverse("rewards:my_points"),
        dedupe_key=f"rewards.level:{level}:{timezone.localdate().isoformat()}",
    )
    return True


@shared_task(**RETRY)
def notify_badge_task(*, award_id: int) -> bool:
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
