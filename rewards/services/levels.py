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


def _level_for(stats: dict, thresholds: dict[str, LevelThreshold]) -> str:
    """The highest level whose thresholds, and those of every level below, are met."""
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
    return level


@transaction.atomic
def creator_level_recompute(*, creator_id: int) -> CreatorLevel | None:
    """Put the creator at the highest level whose thresholds are all met."""
    if not User.objects.filter(pk=creator_id).exists():
        return None
    stats = creator_stats(creator_id)
    thresholds = {t.level: t for t in LevelThreshold.objects.all()}
    level = _level_for(stats, thresholds)
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


#: What `creator_stats` gives, as CreatorLevel fields.
STAT_FIELDS = ("published_courses", "learners", "average_rating", "quality_score")


def _creators_stats(creator_ids: list[int]) -> dict[int, dict]:
    """`creator_stats` of many creators in four grouped queries."""
    published = course_selectors.published_course_ids_by_creator(creator_ids)
    course_ids = [pk for ids in published.values() for pk in ids]
    ratings = course_selectors.rating_totals_by_course(course_ids)
    quality = dict(
        CourseQuality.objects.filter(course_id__in=course_ids).values_list(
            "course_id", "score"
        )
    )
    learners = learning_selectors.active_learner_ids_by_course(course_ids)
    q2 = Decimal("0.01")
    result = {}
    for creator_id in creator_ids:
        ids = published.get(creator_id, [])
        n = sum(ratings[pk]["n"] for pk in ids if pk in ratings)
        total = sum(ratings[pk]["total"] for pk in ids if pk in ratings)
        scores = [quality[pk] for pk in ids if pk in quality]
        average = total / n if n else 0
        mean_score = sum(scores, Decimal(0)) / len(scores) if scores else 0
        result[creator_id] = {
            "published_courses": len(ids),
            "learners": len(set().union(*(learners.get(pk, ()) for pk in ids))),
            "average_rating": Decimal(str(average)).quantize(q2),
            "quality_score": Decimal(str(mean_score)).quantize(q2),
        }
    return result


@transaction.atomic
def creator_levels_recompute(*, creator_ids) -> int:
    """`creator_level_recompute` of many creators in a few grouped queries and
    bulk writes (the demo seed's 400 creators were 5,600 queries): the same
    levels, figures and level-up notices. Returns how many were recomputed."""
    creator_ids = sorted(
        User.objects.filter(pk__in=list(creator_ids)).values_list("pk", flat=True)
    )
    if not creator_ids:
        return 0
    stats = _creators_stats(creator_ids)
    thresholds = {t.level: t for t in LevelThreshold.objects.all()}
    current = {
        row.user_id: row
        for row in CreatorLevel.objects.select_for_update().filter(
            user_id__in=creator_ids
        )
    }
    now = timezone.now()
    new, changed, promoted = [], [], []
    for creator_id in creator_ids:
        level = _level_for(stats[creator_id], thresholds)
        row = current.get(creator_id)
        if row is None:
            row = CreatorLevel(user_id=creator_id)
            new.append(row)
        else:
            changed.append(row)
        if LEVEL_ORDER.index(level) > row.rank:
            promoted.append((creator_id, level))
        for key, value in stats[creator_id].items():
            setattr(row, key, value)
        if level != row.level:
            row.level = level
            row.promoted_at = now
        row.computed_at = now
    CreatorLevel.objects.bulk_create(new, batch_size=1000)
    CreatorLevel.objects.bulk_update(
        changed,
        [*STAT_FIELDS, "level", "promoted_at", "computed_at"],
        batch_size=1000,
    )
    if promoted:

        def notify_later():
            from rewards.tasks import notify_level_up_task

            for user_id, level in promoted:
                notify_level_up_task.delay(user_id=user_id, level=level)

        transaction.on_commit(notify_later)
    return len(creator_ids)


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
