"""Reads of the rewards app, used by pages, slots, the API and other apps."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from .models import (
    LEVEL_ORDER,
    Badge,
    BadgeAward,
    ChallengeParticipant,
    CourseQuality,
    CreatorLevel,
    ExpertApplication,
    LearnerLevel,
    LevelThreshold,
    PointBalance,
    PointEntry,
    PointTotal,
    Redemption,
    RedemptionRate,
)
from .periods import ALL_TIME, PERIODS, current_start, site_zone

User = get_user_model()
EARNED_KINDS = (PointEntry.Kind.AWARD, PointEntry.Kind.REVERSAL)
BADGE_CACHE_SECONDS = 300


def balance_of(user_id: int) -> int:
    """The cached balance (kept equal to the ledger sum by the services)."""
    row = PointBalance.objects.filter(user_id=user_id).values_list("points", flat=True)
    return next(iter(row), 0)


def ledger_sum(user_id: int) -> int:
    """The balance from the ledger itself (the truth the cache must match)."""
    return (
        PointEntry.objects.filter(user_id=user_id).aggregate(total=Sum("points"))[
            "total"
        ]
        or 0
    )


def user_entries(user_id: int, *, limit: int = 50):
    return (
        PointEntry.objects.filter(user_id=user_id)
        .select_related("rule")
        .order_by("-created_at", "-id")[:limit]
    )


def is_certified_expert(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return ExpertApplication.objects.filter(
        user_id=user.pk, status=ExpertApplication.Status.APPROVED
    ).exists()


def certified_experts_queryset():
    """User ids of every certified expert (a subquery for other apps' lists)."""
    return ExpertApplication.objects.filter(
        status=ExpertApplication.Status.APPROVED
    ).values_list("user_id", flat=True)


def certified_expert_ids(user_ids) -> set[int]:
    return set(
        ExpertApplication.objects.filter(
            user_id__in=list(user_ids), status=ExpertApplication.Status.APPROVED
        ).values_list("user_id", flat=True)
    )


# --- Badges -----------------------------------------------------------------


def _badge_rows(user_ids) -> dict[int, list[dict]]:
    rows: dict[int, list[dict]] = {i: [] for i in user_ids}
    awards = (
        BadgeAward.objects.filter(user_id__in=list(user_ids), badge__is_active=True)
        .select_related("badge")
        .order_by("badge__position", "badge__slug")
    )
    for award in awards:
        b = award.badge
        rows[award.user_id].append(
            {
                "slug": b.slug,
                "icon": b.icon,
                "color": b.color,
                "name_zh": b.name_zh,
                "name_en": b.name_en,
            }
        )
    return rows


def badges_for_users(user_ids) -> dict[int, list[dict]]:
    """Badges of many users in at most one query (the rest from the cache)."""
    user_ids = [i for i in dict.fromkeys(user_ids) if i is not None]
    keys = {i: f"rewards:badges:{i}" for i in user_ids}
    cached = cache.get_many(list(keys.values()))
    found = {i: cached[k] for i, k in keys.items() if k in cached}
    missing = [i for i in user_ids if i not in found]
    if missing:
        fresh = _badge_rows(missing)
        cache.set_many(
            {keys[i]: rows for i, rows in fresh.items()}, timeout=BADGE_CACHE_SECONDS
        )
        found.update(fresh)
    return found


def attach_badges(users) -> None:
    """Prefetch badges for a list of users, for `{% user_badges user %}` in a loop."""
    users = [u for u in users if u is not None]
    rows = badges_for_users([u.pk for u in users])
    for u in users:
        u._rewards_badges = rows.get(u.pk, [])


def badge_catalogue():
    """Every active badge with how many people hold it."""
    from django.db.models import Count

    return Badge.objects.filter(is_active=True).annotate(holders=Count("awards"))


# --- Levels and quality -------------------------------------------------------


def creator_level_of(user_id: int) -> CreatorLevel | None:
    return CreatorLevel.objects.filter(user_id=user_id).first()


def commission_rate_for(creator_id: int) -> Decimal | None:
    """The commission perk of the creator's level (commerce's provider)."""
    level = CreatorLevel.objects.filter(user_id=creator_id).values_list(
        "level", flat=True
    )
    level = next(iter(level), None)
    if level is None:
        return None
    return (
        LevelThreshold.objects.filter(level=level)
        .values_list("commission_rate", flat=True)
        .first()
    )


def course_quality_scores(course_ids) -> dict[int, Decimal]:
    """Quality score (0–5) per course id, for the catalogue and recommendations."""
    return dict(
        CourseQuality.objects.filter(course_id__in=list(course_ids)).values_list(
            "course_id", "score"
        )
    )


def course_rewards_info(course) -> dict:
    """What the course page slot shows: the creator's level and the quality score."""
    level = CreatorLevel.objects.filter(user_id=course.creator_id).first()
    quality = CourseQuality.objects.filter(course_id=course.pk).first()
    return {"level": level, "quality": quality}


def profile_summary(user) -> dict:
    badges = list(
        BadgeAward.objects.filter(user=user, badge__is_active=True)
        .select_related("badge")
        .order_by("badge__position", "badge__slug")
    )
    return {
        "balance": balance_of(user.pk),
        "badges": badges,
        "level": CreatorLevel.objects.filter(user_id=user.pk).first(),
        "learner_level": learner_levels_for([user.pk]).get(user.pk),
        "is_expert": is_certified_expert(user),
    }


# --- Leaderboards -------------------------------------------------------------


def period_start(period: str, now=None):
    """When the period began (Monday 00:00, the 1st 00:00 in the site's time
    zone), or None for all time."""
    if period not in ("week", "month"):
        return None
    start = current_start(period, now)
    return timezone.make_aware(datetime.combine(start, time.min), site_zone())


def leaderboard(*, period: str = "week", category_id: int | None = None, limit=20):
    """Top users by points earned in the period (reversals count, spending does not).

    Read from the totals kept with the ledger (`PointTotal`, one row per
    user in the period's bucket and the category's scope) through the index
    ordered by total: `limit` rows whatever the size of the ledger. Periods
    start on Monday and on the 1st in the site's time zone.
    """
    if period not in PERIODS:
        period = "week"
    rows = list(
        PointTotal.objects.filter(
            period=period,
            starts_on=current_start(period),
            scope=category_id or 0,
            points__gt=0,
        )
        .order_by("-points", "user_id")
        .values_list("user_id", "points")[:limit]
    )
    users = User.objects.select_related("profile").in_bulk([u for u, _p in rows])
    result = []
    for rank, (user_id, points) in enumerate(rows, start=1):
        user = users.get(user_id)
        if user is not None:
            result.append({"rank": rank, "user": user, "points": points})
    return result


def leaderboard_from_ledger(
    *, period: str = "week", category_id: int | None = None, limit=20, now=None
) -> list[tuple[int, int]]:
    """(user id, points) of the top earners summed from the ledger itself:
    the reference the kept totals must match (tests, investigations). Reads
    every earned entry of the period."""
    entries = PointEntry.objects.filter(kind__in=EARNED_KINDS)
    since = period_start(period, now)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    if category_id:
        entries = entries.filter(
            Q(category_id=category_id) | Q(category__parent_id=category_id)
        )
    return list(
        entries.values("user_id")
        .annotate(total=Sum("points"))
        .filter(total__gt=0)
        .order_by("-total", "user_id")
        .values_list("user_id", "total")[:limit]
    )


def top_creators(*, limit: int = 10):
    rank = Case(
        *[When(level=lvl, then=Value(i)) for i, lvl in enumerate(LEVEL_ORDER)],
        output_field=IntegerField(),
    )
    return list(
        CreatorLevel.objects.select_related("user__profile")
        .annotate(level_rank=rank)
        .order_by("-level_rank", "-learners", "-average_rating", "user_id")[:limit]
    )


def challenge_leaderboard(challenge, *, limit: int = 50):
    return list(
        ChallengeParticipant.objects.filter(challenge=challenge)
        .select_related("user__profile")
        .order_by("-check_ins", "-best_streak", "joined_at")[:limit]
    )


HOME_CACHE_KEY = "rewards:home:week"


def weekly_top(*, limit: int = 5) -> list[dict]:
    """This week's top earners as plain data, cached for the home page."""
    rows = cache.get(HOME_CACHE_KEY)
    if rows is None:
        rows = [
            {
                "user_id": r["user"].pk,
                "name": r["user"].display_name,
                "points": r["points"],
            }
            for r in leaderboard(period="week", limit=limit)
        ]
        cache.set(HOME_CACHE_KEY, rows, timeout=300)
    return rows


# --- For batch jobs (beat tasks) ------------------------------------------------


def redemption_rate() -> RedemptionRate:
    """The exchange rate; its defaults, unsaved, until staff save one.

    A read never writes: `RedemptionRate.current()` (which creates the row)
    is for services.
    """
    return RedemptionRate.objects.filter(pk=1).first() or RedemptionRate(pk=1)


def users_with_points_since(since):
    """Ids of users whose ledger moved since `since` (lazy, for iteration)."""
    return (
        PointEntry.objects.filter(created_at__gte=since)
        # Not the default ordering: DISTINCT would keep one row per entry.
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )


def pending_redemption_ids():
    """Ids of redemptions still waiting for their coupon (lazy)."""
    return Redemption.objects.filter(status=Redemption.Status.PENDING).values_list(
        "pk", flat=True
    )


def expert_applications_pending_count() -> int:
    """Expert certification applications waiting for staff."""
    return ExpertApplication.objects.filter(
        status=ExpertApplication.Status.PENDING
    ).count()


# --- Learner levels ---------------------------------------------------------------

LEARNER_LEVELS_CACHE_KEY = "rewards:learner_levels"


def learner_levels() -> list[dict]:
    """The levels staff set, lowest first (cached; the admin clears it)."""
    levels = cache.get(LEARNER_LEVELS_CACHE_KEY)
    if levels is None:
        levels = list(
            LearnerLevel.objects.order_by("min_points").values(
                "min_points", "name_zh", "name_en", "color"
            )
        )
        cache.set(LEARNER_LEVELS_CACHE_KEY, levels, timeout=300)
    return levels


def earned_points(user_ids) -> dict[int, int]:
    """Points each user earned in all (awards and reversals): one query, one
    row a user (their all-time total kept with the ledger, not their entries)."""
    rows = PointTotal.objects.filter(
        user_id__in=list(user_ids),
        period=PointTotal.Period.ALL,
        starts_on=ALL_TIME,
        scope=0,
    ).values_list("user_id", "points")
    return {user_id: max(0, points) for user_id, points in rows}


def learner_level_for_points(points: int, levels: list[dict]) -> dict | None:
    """The level reached with `points`, with the next one and what is missing."""
    current, following = None, None
    for level in levels:
        if level["min_points"] <= points:
            current = level
        elif following is None:
            following = level
    if current is None:
        return None
    return {
        **current,
        "points": points,
        "next": following,
        "missing": following["min_points"] - points if following else 0,
    }


def learner_levels_for(user_ids) -> dict[int, dict]:
    """Each user's learner level (users below the first level are left out)."""
    user_ids = [i for i in dict.fromkeys(user_ids) if i is not None]
    levels = learner_levels()
    if not user_ids or not levels:
        return {}
    points = earned_points(user_ids)
    result = {}
    for user_id in user_ids:
        level = learner_level_for_points(points.get(user_id, 0), levels)
        if level is not None:
            result[user_id] = level
    return result


def people_levels(viewer, people) -> None:
    """core.cards annotator ("person"): each user's learner level, one query.

    Sets `person.learner_level` (the dict of `learner_levels_for`, or None) on
    every instance, and adds the level's name in the reader's language to
    `person.person_labels` (what JSON lists such as @mention suggestions show).
    The thresholds come from the cached level table.
    """
    from django.conf import settings
    from django.utils.translation import get_language

    people = [p for p in people if getattr(p, "pk", None)]
    levels = learner_levels_for([p.pk for p in people])
    english = (get_language() or settings.LANGUAGE_CODE).startswith("en")
    for person in people:
        level = levels.get(person.pk)
        person.learner_level = level
        labels = getattr(person, "person_labels", None)
        if labels is None:
            labels = person.person_labels = []
        if level:
            labels.append(level["name_en"] if english else level["name_zh"])


def authors_levels(viewer, objects) -> None:
    """core.cards annotator ("author"): `people_levels` over the objects' authors."""
    people_levels(viewer, [getattr(o, "author", None) for o in objects])


def course_quality_subquery():
    """The quality score of the course `OuterRef("pk")`, for courses' sorts."""
    from django.db.models import OuterRef, Subquery

    return Subquery(
        CourseQuality.objects.filter(course_id=OuterRef("pk")).values("score")[:1]
    )
