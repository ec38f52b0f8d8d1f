"""Demo rewards: rules, badges, level thresholds, a challenge and a ledger.

The ledger is derived from what the earlier steps created (published courses,
reviews, completed enrolments, community votes and accepted answers, plus some
daily visits), written in bulk with the same unique keys the receivers use, so
a second run adds nothing and later real events never double count; the
balances and the leaderboards' totals are then rebuilt from the ledger.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import F, Sum
from django.utils import timezone

from demo.bulk import bulk_insert
from demo.seeding import SeedContext, SeedStep, load_data
from rewards import services
from rewards.models import (
    AntiGamingPolicy,
    Badge,
    Challenge,
    ChallengeParticipant,
    Event,
    LevelThreshold,
    PointBalance,
    PointEntry,
    PointRule,
    PointTotal,
    RedemptionRate,
)

# Rules, badges and level thresholds: demo/data/rewards.yaml.
_CONFIGURATION = load_data("rewards.yaml")


def seed_configuration(ctx: SeedContext) -> None:
    rules = _CONFIGURATION["point_rules"]
    badges = _CONFIGURATION["badges"]
    thresholds = _CONFIGURATION["level_thresholds"]
    for rule in rules:
        PointRule.objects.get_or_create(
            event=Event(rule["event"]),
            defaults={
                "points": rule["points"],
                "daily_cap": rule["daily_cap"],
                "description": rule["description"],
            },
        )
    for position, badge in enumerate(badges):
        Badge.objects.get_or_create(
            slug=badge["slug"],
            defaults={
                **{key: value for key, value in badge.items() if key != "slug"},
                "event": Event(badge["event"]) if badge["event"] else "",
                "position": position,
            },
        )
    for row in thresholds:
        rate = row["commission_rate"]
        LevelThreshold.objects.get_or_create(
            level=row["level"],
            defaults={
                "min_published_courses": row["min_published_courses"],
                "min_learners": row["min_learners"],
                "min_average_rating": Decimal(row["min_average_rating"]),
                "min_quality_score": Decimal(row["min_quality_score"]),
                "commission_rate": Decimal(rate) if rate else None,
            },
        )
    AntiGamingPolicy.current()
    RedemptionRate.current()
    ctx.log(f"  rules: {len(rules)}, badges: {len(badges)}, levels: {len(thresholds)}")


def _rows_from_domain(ctx: SeedContext, rules: dict[str, PointRule]) -> list[dict]:
    """Ledger rows for what already happened in the demo data."""
    rows: list[dict] = []
    Course = apps.get_model("courses", "Course")
    Review = apps.get_model("courses", "Review")
    Enrollment = apps.get_model("learning", "Enrollment")
    published = Course.objects.filter(status="published")
    for course_id, creator_id, category_id, at in published.values_list(
        "pk", "creator_id", "category_id", "published_at"
    ):
        rows.append(
            dict(
                event=Event.COURSE_PUBLISHED,
                user_id=creator_id,
                at=at,
                source_key=f"course:{course_id}",
                object_key=f"course:{course_id}",
                category_id=category_id,
            )
        )
    for review_id, user_id, category_id, at in Review.objects.filter(
        is_hidden=False
    ).values_list("pk", "user_id", "course__category_id", "created_at"):
        rows.append(
            dict(
                event=Event.REVIEW_WRITTEN,
                user_id=user_id,
                at=at,
                source_key=f"review:{review_id}",
                object_key=f"review:{review_id}",
                category_id=category_id,
            )
        )
    for enrollment_id, user_id, course_id, category_id, at in Enrollment.objects.filter(
        completed_at__isnull=False
    ).values_list("pk", "user_id", "course_id", "course__category_id", "completed_at"):
        rows.append(
            dict(
                event=Event.COURSE_COMPLETED,
                user_id=user_id,
                at=at,
                source_key=f"enrollment:{enrollment_id}",
                object_key=f"course:{course_id}",
                category_id=category_id,
            )
        )
    if apps.is_installed("community"):
        try:
            Vote = apps.get_model("community", "Vote")
            Post = apps.get_model("community", "Post")
        except LookupError:
            Vote = Post = None
        if Vote is not None:
            for vote_id, post_id, author_id, voter_id, thread_id, at in (
                Vote.objects.filter(value__gt=0)
                .exclude(post__author_id=F("user_id"))
                .values_list(
                    "pk",
                    "post_id",
                    "post__author_id",
                    "user_id",
                    "post__thread_id",
                    "created_at",
                )
            ):
                rows.append(
                    dict(
                        event=Event.POST_UPVOTED,
                        user_id=author_id,
                        at=at,
                        source_key=f"vote:{vote_id}",
                        object_key=f"post:{post_id}",
                        parent_key=f"thread:{thread_id}",
                        actor_id=voter_id,
                    )
                )
            for post_id, author_id, thread_id, at in Post.objects.filter(
                is_accepted=True
            ).values_list("pk", "author_id", "thread_id", "created_at"):
                rows.append(
                    dict(
                        event=Event.ANSWER_ACCEPTED,
                        user_id=author_id,
                        at=at,
                        source_key=f"post:{post_id}",
                        object_key=f"post:{post_id}",
                        parent_key=f"thread:{thread_id}",
                    )
                )
    if apps.is_installed("commerce"):
        # Course sales (the demo orders written in bulk send no events): the
        # seller's first sale and each item sold, with the receiver's keys;
        # refunded items earn nothing. Only courses: what later steps sell
        # (tickets, answers) earns through the receivers, so a second run
        # finds nothing new to add.
        OrderItem = apps.get_model("commerce", "OrderItem")
        sold = (
            OrderItem.objects.filter(
                offer_type="course", fulfilment__isnull=False, creator_id__isnull=False
            )
            .exclude(refunds__status="refunded")
            .exclude(creator_id=F("order__user_id"))
            .order_by("order__paid_at", "pk")
            .values_list(
                "pk", "creator_id", "order__user_id", "category_id", "order__paid_at"
            )
        )
        first_sold: set[int] = set()
        for item_id, creator_id, buyer_id, category_id, at in sold:
            common = dict(
                user_id=creator_id,
                at=at,
                object_key=f"order_item:{item_id}",
                actor_id=buyer_id,
                category_id=category_id,
            )
            if creator_id not in first_sold:
                first_sold.add(creator_id)
                rows.append(
                    dict(
                        event=Event.FIRST_SALE,
                        source_key=f"creator:{creator_id}",
                        **common,
                    )
                )
            rows.append(
                dict(
                    event=Event.ITEM_SOLD, source_key=f"order_item:{item_id}", **common
                )
            )
    # Daily visits of a third of the learners over the last two weeks.
    rng = ctx.rng("rewards.visits")
    today = timezone.localdate()
    learners = list(
        get_user_model()
        .objects.filter(email__startswith="learner", email__endswith="@demo.kp")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for user_id in learners[: max(1, len(learners) // 3)]:
        for offset in range(14):
            if rng.random() < 0.5:
                day = today - timedelta(days=offset)
                rows.append(
                    dict(
                        event=Event.DAILY_VISIT,
                        user_id=user_id,
                        at=timezone.now() - timedelta(days=offset),
                        source_key=f"day:{day.isoformat()}",
                    )
                )
    return [r for r in rows if r["event"] in rules and r["user_id"]]


def seed_ledger(ctx: SeedContext) -> None:
    rules = {rule.event: rule for rule in PointRule.objects.filter(is_active=True)}
    rows = _rows_from_domain(ctx, rules)
    entries = []
    zone = timezone.get_current_timezone()  # once: localdate() looks it up per call
    for row in rows:
        at = row.pop("at") or timezone.now()
        rule = rules[row.pop("event")]
        entries.append(
            PointEntry(
                kind=PointEntry.Kind.AWARD,
                rule=rule,
                points=rule.points,
                day=at.astimezone(zone).date(),
                **row,
            )
        )
    before = PointEntry.objects.count()
    bulk_insert(entries, batch_size=2000, ignore_conflicts=True)
    # Rewrite the cached balances from the ledger (the seed holds no lock, so it
    # recomputes instead of adding).
    sums = PointEntry.objects.values("user_id").annotate(total=Sum("points")).order_by()
    PointBalance.objects.bulk_create(
        [PointBalance(user_id=s["user_id"], points=s["total"]) for s in sums],
        batch_size=2000,
        update_conflicts=True,
        update_fields=["points"],
        unique_fields=["user"],
    )
    ctx.log(f"  point entries: {PointEntry.objects.count() - before} new")
    # The leaderboards' totals likewise: summed from the ledger in one pass and
    # copied in (the services' comparison by ranges of users, which a live
    # site needs, took minutes at the bench scale).
    totals = services.totals_from_ledger()
    PointTotal.objects.all().delete()
    bulk_insert(totals, batch_size=5000)
    ctx.log(f"  leaderboard totals: {len(totals)} rows")

    top = PointBalance.objects.order_by("-points").values_list("user_id", flat=True)[
        :300
    ]
    for user_id in ctx.progress(list(top), desc="badges"):
        services.badges_evaluate(user_id=user_id)


def seed_quality_levels_challenge(ctx: SeedContext) -> None:
    Course = apps.get_model("courses", "Course")
    course_ids = list(
        Course.objects.filter(status="published")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    services.courses_quality_recompute(course_ids=course_ids)
    creator_ids = sorted(set(Course.objects.values_list("creator_id", flat=True)))
    services.creator_levels_recompute(creator_ids=creator_ids)
    if not course_ids:
        return
    course = Course.objects.get(pk=course_ids[0])
    badge = Badge.objects.filter(slug="streak-21").first()
    challenge, created = Challenge.objects.get_or_create(
        title="21 天学习打卡",
        course=course,
        defaults={
            "description": "每天完成一节课，坚持 21 天，赢取「21 天坚持」徽章。",
            "created_by_id": course.creator_id,
            "starts_on": timezone.localdate() - timedelta(days=3),
            "days": 21,
            "lessons_per_day": 1,
            "badge": badge,
        },
    )
    if created:
        Enrollment = apps.get_model("learning", "Enrollment")
        rng = ctx.rng("rewards.challenge")
        learners = list(
            Enrollment.objects.filter(course=course)
            .order_by("pk")
            .values_list("user_id", flat=True)[:30]
        )
        participants = []
        for user_id in learners:
            streak = rng.randint(0, 3)
            participants.append(
                ChallengeParticipant(
                    challenge=challenge,
                    user_id=user_id,
                    check_ins=streak,
                    current_streak=streak,
                    best_streak=streak,
                    last_check_in=timezone.localdate() - timedelta(days=1)
                    if streak
                    else None,
                )
            )
        ChallengeParticipant.objects.bulk_create(participants, ignore_conflicts=True)
    ctx.log(
        f"  quality: {len(course_ids)} courses, levels: {len(creator_ids)} creators"
    )


SEED_STEPS = [
    SeedStep(order=60, name="rewards.configuration", run=seed_configuration),
    SeedStep(order=60, name="rewards.ledger", run=seed_ledger),
    SeedStep(
        order=61, name="rewards.quality_levels", run=seed_quality_levels_challenge
    ),
]
