"""Creator levels: the highest level whose thresholds a creator meets."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Avg
from django.urls import reverse
from django.utils import timezone

from courses import selectors as course_selectors
from learning import selectors as learning_selectors
from notifications.services import notification_send
from rewards.models import (
    LEVEL_ORDER,
    CourseQuality,
    CreatorLevel,
    Level,
    LevelThreshold,
)

User = get_user_model()


def _reaches(threshold: LevelThreshold, stats: dict) -> bool:
    return (
        stats["published_courses"] >= threshold.min_published_courses
        and stats["learners"] >= threshold.min_learners
        and stats["average_rating"] >= threshold.min_average_rating
        and stats["quality_score"] >= threshold.min_quality_score
    )


def creator_stats(creator_id: int) -> dict:
    """What the level thresholds look at, read through the owners' selectors."""
    published = course_selectors.creator_published_course_ids(creator_id)
    q2 = Decimal("0.01")
    rating = course_selectors.rating_totals(published)["average"]
    quality = CourseQuality.objects.filter(course_id__in=published).aggregate(
        avg=Avg("score")
    )["avg"]
    return {
        "published_courses": len(published),
        "learners": learning_selectors.active_learner_count(published),
        "average_rating": Decimal(str(rating or 0)).quantize(q2),
        "quality_score": Decimal(str(quality or 0)).quantize(q2),
    }


@transaction.atomic
def creator_level_recompute(*, creator_id: int) -> CreatorLevel | None:
    """Put the creator at the highest level whose thresholds are all met."""
    if not User.objects.filter(pk=creator_id).exists():
        return None
    stats = creator_stats(creator_id)
    thresholds = {t.level: t for t in LevelThreshold.objects.all()}
    level = Level.BEGINNER
    for candidate in LEVEL_ORDER:
        threshold = thresholds.get(candidate)
        if threshold is None:
            if candidate == Level.BEGINNER:
                continue
            break
        if not _reaches(threshold, stats):
            break
        level = candidate
    CreatorLevel.objects.get_or_create(user_id=creator_id)
    current = CreatorLevel.objects.select_for_update().get(user_id=creator_id)
    promoted = LEVEL_ORDER.index(level) > current.rank
    for key, value in stats.items():
        setattr(current, key, value)
    if level != current.level:
        current.level = level
        current.promoted_at = timezone.now()
    current.save()
    if promoted:

        def notify_later():
            from rewards.tasks import notify_level_up_task

            notify_level_up_task.delay(user_id=creator_id, level=level)

        transaction.on_commit(notify_later)
    return current


def level_up_notify(*, user_id: int, level: str) -> bool:
    """Tell a creator about a new level, once per level and day."""
    user = User.objects.filter(pk=user_id).first()
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
