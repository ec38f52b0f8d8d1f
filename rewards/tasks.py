"""Thin Celery tasks: they take ids and call a service; all are safe to rerun."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from core.tasks import IDEMPOTENT
from courses import selectors as course_selectors

from . import selectors, services

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
        category_id = course_selectors.course_category_id(course_id)
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
def suspension_end_task(*, user_id: int, until: str | None = None) -> bool:
    from django.utils.dateparse import parse_datetime

    until_at = parse_datetime(until) if until else None
    return services.suspension_end(user_id=user_id, until=until_at) is not None


@shared_task(**AWARD)
def badges_evaluate_task(*, user_id: int) -> int:
    return len(services.badges_evaluate(user_id=user_id))


@shared_task
def badges_evaluate_recent_task(days: int = 2) -> int:
    """Beat: evaluate badges of everyone whose ledger moved lately (periods expire too)."""
    since = timezone.now() - timedelta(days=days)
    user_ids = selectors.users_with_points_since(since)
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
    ids = course_selectors.published_course_ids()
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
    creator_ids = course_selectors.creator_ids_with_courses()
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
    valid_days = selectors.redemption_rate().coupon_valid_days
    ids = selectors.pending_redemption_ids()
    count = 0
    for redemption_id in ids.iterator():
        redemption_fulfil_task.delay(redemption_id=redemption_id, valid_days=valid_days)
        count += 1
    return count


@shared_task(**RETRY)
def notify_level_up_task(*, user_id: int, level: str) -> bool:
    return services.level_up_notify(user_id=user_id, level=level)


@shared_task(**RETRY)
def notify_badge_task(*, award_id: int) -> bool:
    return services.badge_award_notify(award_id=award_id)


@shared_task(**IDEMPOTENT)
def points_totals_reconcile_task() -> int:
    """Nightly: compare the leaderboards' totals with the ledger, repair them
    (logged as a warning: something wrote the ledger without them) and drop
    buckets no page reads. Returns the number of rows that differed."""
    return services.totals_reconcile(repair=True).repaired
