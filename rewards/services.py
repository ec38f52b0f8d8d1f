"""Every write of the rewards app.

Ledger writes follow one pattern: lock the user's `PointBalance` row
(`select_for_update`, several users in pk order), check, append the entry, add
its points to the cached balance with an F() expression, all in one
transaction. The lock serialises everything that depends on a user's ledger
(daily caps, the new-account cap, redemptions); the unique constraints on
`PointEntry` back every "only once" in case a writer skips the lock.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, Sum
from django.db.models import F as Fx
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_money
from core.tasks import enqueue
from learning.access import can_open_course
from learning.services import enrollment_join_free
from notifications.services import notification_send

from . import integrations
from .models import (
    LEVEL_ORDER,
    RUBRIC,
    AntiGamingPolicy,
    Badge,
    BadgeAward,
    Challenge,
    ChallengeParticipant,
    CheckIn,
    CourseQuality,
    CreatorLevel,
    Event,
    ExpertApplication,
    ExpertAttachment,
    Level,
    LevelThreshold,
    PointAdjustment,
    PointBalance,
    PointEntry,
    PointRule,
    QualityReview,
    Redemption,
    RedemptionRate,
    Suspension,
)

logger = logging.getLogger(__name__)
User = get_user_model()

# Events where the actor and the beneficiary must differ (no self-votes).
SELF_EXCLUDED = {Event.POST_UPVOTED, Event.ANSWER_ACCEPTED, Event.THREAD_FEATURED}
NEW_ACCOUNTS_BUCKET = "new_accounts"
EARNED_KINDS = (PointEntry.Kind.AWARD, PointEntry.Kind.REVERSAL)


def badge_cache_key(user_id: int) -> str:
    return f"rewards:badges:{user_id}"


# --- Ledger -----------------------------------------------------------------


def _lock_balances(user_ids) -> dict[int, PointBalance]:
    """Create missing balance rows, then lock them all in pk order."""
    ids = sorted(set(user_ids))
    PointBalance.objects.bulk_create(
        [PointBalance(user_id=i) for i in ids], ignore_conflicts=True
    )
    return {
        b.user_id: b
        for b in PointBalance.objects.select_for_update()
        .filter(user_id__in=ids)
        .order_by("pk")
    }


def _append(**fields) -> PointEntry:
    """Append one entry and move the cached balance; the caller holds the lock."""
    fields.setdefault("day", timezone.localdate())
    entry = PointEntry.objects.create(**fields)
    PointBalance.objects.filter(user_id=entry.user_id).update(
        points=Fx("points") + entry.points
    )
    return entry


def _is_new(user, policy: AntiGamingPolicy) -> bool:
    return user.date_joined >= timezone.now() - timedelta(days=policy.new_account_days)


def _is_suspended(user_id: int) -> bool:
    now = timezone.now()
    return Suspension.objects.filter(
        Q(until__isnull=True) | Q(until__gt=now), user_id=user_id
    ).exists()


@transaction.atomic
def points_award(
    *,
    event: str,
    user_id: int,
    source_key: str,
    object_key: str = "",
    parent_key: str = "",
    actor_id: int | None = None,
    category_id: int | None = None,
) -> PointEntry | None:
    """Award the points of `event`'s rule to `user_id` for `source_key`, once.

    Returns the entry (the existing one when called again) or None when nothing
    is earned: no active rule, a self-vote, a suspended account, the daily cap
    or the new-account cap reached.
    """
    rule = PointRule.objects.filter(event=event, is_active=True).first()
    if rule is None or user_id is None:
        return None
    if actor_id is not None and actor_id == user_id and event in SELF_EXCLUDED:
        return None
    if _is_suspended(user_id) or (actor_id is not None and _is_suspended(actor_id)):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None

    _lock_balances([user_id])
    existing = PointEntry.objects.filter(
        rule=rule, source_key=source_key, user_id=user_id, kind=PointEntry.Kind.AWARD
    ).first()
    if existing is not None:
        return existing

    points = rule.points
    today = timezone.localdate()
    if rule.daily_cap is not None:
        earned_today = (
            PointEntry.objects.filter(
                user_id=user_id, rule=rule, day=today, kind=PointEntry.Kind.AWARD
            ).aggregate(total=Sum("points"))["total"]
            or 0
        )
        points = min(points, rule.daily_cap - earned_today)

    bucket = ""
    if event == Event.POST_UPVOTED and actor_id is not None:
        policy = AntiGamingPolicy.current()
        actor = User.objects.filter(pk=actor_id).only("date_joined").first()
        if actor is not None and _is_new(actor, policy) and _is_new(user, policy):
            # Fresh accounts voting for each other (rings) earn at most the cap.
            bucket = NEW_ACCOUNTS_BUCKET
            from_new = (
                PointEntry.objects.filter(
                    user_id=user_id, limited_bucket=bucket
                ).aggregate(total=Sum("points"))["total"]
                or 0
            )
            points = min(points, policy.new_account_vote_cap - from_new)

    if points <= 0:
        return None
    try:
        with transaction.atomic():
            entry = _append(
                user_id=user_id,
                kind=PointEntry.Kind.AWARD,
                rule=rule,
                points=points,
                source_key=source_key,
                object_key=object_key,
                parent_key=parent_key,
                actor_id=actor_id,
                category_id=category_id,
                limited_bucket=bucket,
                day=today,
            )
    except IntegrityError:
        # Another writer got there first (only without the lock): keep theirs.
        return PointEntry.objects.get(
            rule=rule,
            source_key=source_key,
            user_id=user_id,
            kind=PointEntry.Kind.AWARD,
        )
    _evaluate_badges_later(user_id)
    return entry


def _evaluate_badges_later(user_id: int) -> None:
    from .tasks import badges_evaluate_task

    enqueue(badges_evaluate_task, user_id=user_id)


@transaction.atomic
def points_reverse(*, awards: Q, reason: str) -> list[PointEntry]:
    """Write one reversing entry for every award matching `awards` not yet reversed."""
    base = PointEntry.objects.filter(awards, kind=PointEntry.Kind.AWARD)
    user_ids = list(
        base.filter(reversal__isnull=True)
        .order_by("user_id")  # not the default ordering: one row a person
        .values_list("user_id", flat=True)
        .distinct()
    )
    if not user_ids:
        return []
    _lock_balances(user_ids)
    # Re-read under the lock: a concurrent reversal may have run meanwhile.
    to_reverse = list(base.filter(reversal__isnull=True).order_by("pk"))
    written = []
    for award in to_reverse:
        written.append(
            _append(
                user_id=award.user_id,
                kind=PointEntry.Kind.REVERSAL,
                rule=award.rule,
                points=-award.points,
                source_key=award.source_key,
                object_key=award.object_key,
                parent_key=award.parent_key,
                actor_id=award.actor_id,
                category_id=award.category_id,
                limited_bucket=award.limited_bucket,
                reversal_of=award,
                reason=reason[:300],
            )
        )
    return written


def points_reverse_source(*, source_key: str, reason: str, rule_events=None):
    awards = Q(source_key=source_key)
    if rule_events:
        awards &= Q(rule__event__in=rule_events)
    return points_reverse(awards=awards, reason=reason)


def points_reverse_object(*, object_key: str, reason: str):
    return points_reverse(
        awards=Q(object_key=object_key) | Q(parent_key=object_key), reason=reason
    )


@transaction.atomic
def suspension_record(
    *, user_id: int, until=None, reason: str = ""
) -> tuple[Suspension, list[PointEntry]]:
    """Remember the suspension and reverse the points from the account's actions.

    Reversed: what the account earned, and what others earned from its
    actions (its votes, accepts).
    """
    suspension, _created = Suspension.objects.update_or_create(
        user_id=user_id, defaults={"until": until, "reason": reason[:300]}
    )
    reversed_entries = points_reverse(
        awards=Q(user_id=user_id) | Q(actor_id=user_id),
        reason=_("Account suspended: %(reason)s") % {"reason": reason},
    )
    return suspension, reversed_entries


@transaction.atomic
def points_adjust(*, user, points: int, reason: str, by) -> PointAdjustment:
    """A manual correction by staff; the reason is required and recorded."""
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Give a reason for the adjustment; it is recorded.")
    if not points:
        errors["points"] = _("Enter a number of points other than zero.")
    if errors:
        raise ValidationError(errors)
    _lock_balances([user.pk])
    entry = _append(
        user_id=user.pk,
        kind=PointEntry.Kind.ADJUSTMENT,
        points=points,
        source_key=f"adjustment:{uuid.uuid4().hex}",
        reason=reason[:300],
        created_by=by,
    )
    return PointAdjustment.objects.create(
        user=user, points=points, reason=reason[:300], created_by=by, entry=entry
    )


# --- Redemption -------------------------------------------------------------


def redemption_amount(points: int, rate: RedemptionRate) -> Decimal:
    return (Decimal(points) / Decimal(rate.points_per_unit)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@transaction.atomic
def redemption_create(*, user, points: int) -> Redemption:
    """Spend points on a coupon; the coupon is issued after commit by a task.

    The balance row is locked before it is read, so two redemptions at once
    cannot both spend the same points.
    """
    rate = RedemptionRate.current()
    if not rate.is_active:
        raise ValidationError(_("Redemptions are closed at the moment."))
    if points is None or points < rate.min_points:
        raise ValidationError(
            _("Redeem at least %(min)s points.") % {"min": rate.min_points}
        )
    if points > rate.max_points:
        raise ValidationError(
            _("Redeem at most %(max)s points at a time.") % {"max": rate.max_points}
        )
    balance = _lock_balances([user.pk])[user.pk]
    if points > balance.points:
        raise ValidationError(
            _("You have %(balance)s points; you cannot redeem %(points)s.")
            % {"balance": balance.points, "points": points}
        )
    amount = redemption_amount(points, rate)
    if amount <= 0:
        raise ValidationError(_("That is too few points for a coupon."))
    redemption = Redemption.objects.create(user=user, points=points, amount=amount)
    _append(
        user_id=user.pk,
        kind=PointEntry.Kind.REDEMPTION,
        points=-points,
        source_key=f"redemption:{redemption.pk}",
        reason=_("Coupon worth %(amount)s") % {"amount": format_money(amount)},
    )
    valid_days = rate.coupon_valid_days

    def issue_later():
        from .tasks import redemption_fulfil_task

        enqueue(
            redemption_fulfil_task, redemption_id=redemption.pk, valid_days=valid_days
        )

    issue_later()
    return redemption


@transaction.atomic
def redemption_fulfil(*, redemption_id: int, valid_days: int = 30) -> Redemption:
    """Issue the coupon of a pending redemption (idempotent)."""
    redemption = (
        Redemption.objects.select_for_update()
        .select_related("user")
        .get(pk=redemption_id)
    )
    if redemption.status != Redemption.Status.PENDING:
        return redemption
    if not integrations.coupons_available():
        # commerce is not there yet: stay pending; the beat task retries.
        return redemption
    coupon = integrations.coupon_issue(
        user=redemption.user,
        amount=redemption.amount,
        reason=_("Points redemption #%(id)s") % {"id": redemption.pk},
        valid_days=valid_days,
    )
    redemption.status = Redemption.Status.ISSUED
    redemption.coupon_id = getattr(coupon, "pk", None)
    redemption.coupon_code = str(getattr(coupon, "code", ""))[:64]
    redemption.issued_at = timezone.now()
    redemption.save(update_fields=["status", "coupon_id", "coupon_code", "issued_at"])
    return redemption


@transaction.atomic
def redemption_fail(*, redemption_id: int, error: str) -> Redemption:
    """Give the points back of a redemption whose coupon could not be issued."""
    redemption = Redemption.objects.select_for_update().get(pk=redemption_id)
    if redemption.status != Redemption.Status.PENDING:
        return redemption
    _lock_balances([redemption.user_id])
    _append(
        user_id=redemption.user_id,
        kind=PointEntry.Kind.REFUND,
        points=redemption.points,
        source_key=f"redemption:{redemption.pk}",
        reason=error[:300],
    )
    redemption.status = Redemption.Status.FAILED
    redemption.error = error[:300]
    redemption.save(update_fields=["status", "error"])
    return redemption


# --- Badges -------------------------------------------------------------------


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
        from .tasks import notify_badge_task

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


# --- Content quality ----------------------------------------------------------


def bayesian_average(
    total: Decimal, weight: Decimal, *, prior_mean: Decimal, prior_weight: Decimal
) -> Decimal:
    """(C·m + Σx) / (C + n): few ratings stay near the prior, many speak for themselves."""
    return (prior_weight * prior_mean + total) / (prior_weight + weight)


COMPLETION_PRIOR = Decimal("0.5")


@transaction.atomic
def course_quality_recompute(*, course_id: int) -> CourseQuality | None:
    """Recompute a course's quality score from ratings, expert reviews, completion."""
    from courses.models import Course, Review
    from learning.models import Enrollment

    if not Course.objects.filter(pk=course_id).exists():
        return None
    prior_mean = Decimal(settings.REWARDS_QUALITY_PRIOR_MEAN)
    prior_weight = Decimal(settings.REWARDS_QUALITY_PRIOR_WEIGHT)
    expert_weight = Decimal(settings.REWARDS_EXPERT_REVIEW_WEIGHT)
    share = Decimal(settings.REWARDS_COMPLETION_SHARE)

    ratings = Review.objects.filter(course_id=course_id, is_hidden=False).aggregate(
        n=Count("id"), total=Sum("rating")
    )
    n_ratings = ratings["n"] or 0
    rating_total = Decimal(ratings["total"] or 0)
    expert_means = [
        sum(Decimal(row[f]) for f in RUBRIC) / len(RUBRIC)
        for row in QualityReview.objects.filter(course_id=course_id).values(*RUBRIC)
    ]
    weight = Decimal(n_ratings) + expert_weight * len(expert_means)
    total = rating_total + expert_weight * sum(expert_means, Decimal(0))
    rating_component = bayesian_average(
        total, weight, prior_mean=prior_mean, prior_weight=prior_weight
    )

    enrolled = Enrollment.objects.filter(course_id=course_id).aggregate(
        n=Count("id"), done=Count("id", filter=Q(completed_at__isnull=False))
    )
    completion = (prior_weight * COMPLETION_PRIOR + Decimal(enrolled["done"])) / (
        prior_weight + Decimal(enrolled["n"])
    )
    # Completion maps onto the same 1–5 scale as ratings.
    score = (1 - share) * rating_component + share * (1 + 4 * completion)
    q = Decimal("0.001")
    quality, _created = CourseQuality.objects.update_or_create(
        course_id=course_id,
        defaults={
            "score": score.quantize(q),
            "rating_component": rating_component.quantize(q),
            "completion_rate": completion.quantize(q),
            "learner_ratings": n_ratings,
            "expert_reviews": len(expert_means),
            "enrollments": enrolled["n"],
        },
    )
    return quality


# --- Creator levels -------------------------------------------------------------


def _reaches(threshold: LevelThreshold, stats: dict) -> bool:
    return (
        stats["published_courses"] >= threshold.min_published_courses
        and stats["learners"] >= threshold.min_learners
        and stats["average_rating"] >= threshold.min_average_rating
        and stats["quality_score"] >= threshold.min_quality_score
    )


def creator_stats(creator_id: int) -> dict:
    from courses.models import Course, Review
    from learning.models import Enrollment

    published = Course.objects.filter(
        creator_id=creator_id, status=Course.Status.PUBLISHED
    )
    q2 = Decimal("0.01")
    rating = Review.objects.filter(course__in=published, is_hidden=False).aggregate(
        avg=Avg("rating")
    )["avg"]
    quality = CourseQuality.objects.filter(course__in=published).aggregate(
        avg=Avg("score")
    )["avg"]
    return {
        "published_courses": published.count(),
        "learners": Enrollment.objects.filter(course__in=published, is_active=True)
        .values("user_id")
        .distinct()
        .count(),
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
            from .tasks import notify_level_up_task

            notify_level_up_task.delay(user_id=creator_id, level=level)

        transaction.on_commit(notify_later)
    return current


# --- Expert certification -----------------------------------------------------


@transaction.atomic
def expert_application_submit(
    *, user, field, title: str, credentials: str, files=()
) -> ExpertApplication:
    """File an application with its attachments (already validated by the form)."""
    if ExpertApplication.objects.filter(
        user=user, status=ExpertApplication.Status.PENDING
    ).exists():
        raise ValidationError(_("You already have an application waiting for review."))
    application = ExpertApplication.objects.create(
        user=user, field=field, title=title, credentials=credentials
    )
    for upload in files:
        ExpertAttachment.objects.create(
            application=application,
            file=upload,
            original_name=upload.name[:200],
            size_bytes=upload.size,
        )
    return application


def _expert_badge() -> Badge | None:
    return (
        Badge.objects.filter(criterion=Badge.Criterion.EXPERT, is_active=True)
        .order_by("position", "pk")
        .first()
    )


@transaction.atomic
def expert_application_approve(*, application_id: int, by) -> ExpertApplication:
    application = ExpertApplication.objects.select_for_update().get(pk=application_id)
    if application.status != ExpertApplication.Status.PENDING:
        raise ValidationError(_("This application has already been decided."))
    application.status = ExpertApplication.Status.APPROVED
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_by", "decided_at"])
    badge = _expert_badge()
    if badge is not None:
        badge_award(
            user_id=application.user_id, badge=badge, reason="certified expert", by=by
        )
    return application


@transaction.atomic
def expert_application_reject(
    *, application_id: int, by, reason: str
) -> ExpertApplication:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the applicant a reason for the rejection."))
    application = ExpertApplication.objects.select_for_update().get(pk=application_id)
    if application.status != ExpertApplication.Status.PENDING:
        raise ValidationError(_("This application has already been decided."))
    application.status = ExpertApplication.Status.REJECTED
    application.decided_by = by
    application.decided_at = timezone.now()
    application.rejection_reason = reason
    application.save(
        update_fields=["status", "decided_by", "decided_at", "rejection_reason"]
    )
    notification_send(
        recipient=application.user,
        kind="expert_rejected",
        target=application,
        params={"reason": reason},
        actor=by,
    )
    return application


@transaction.atomic
def quality_review_save(
    *,
    expert,
    course,
    accuracy: int,
    depth: int,
    clarity: int,
    practicality: int,
    comment: str = "",
) -> QualityReview:
    """Create or update the expert's rubric review of a course."""
    from .selectors import is_certified_expert

    if not is_certified_expert(expert):
        raise ValidationError(_("Only certified experts can write quality reviews."))
    if course.creator_id == expert.pk:
        raise ValidationError(_("You cannot review your own course."))
    values = {
        "accuracy": accuracy,
        "depth": depth,
        "clarity": clarity,
        "practicality": practicality,
    }
    for name, value in values.items():
        if not (isinstance(value, int) and 1 <= value <= 5):
            raise ValidationError({name: _("Give a score from 1 to 5.")})
    review, created = QualityReview.objects.update_or_create(
        course=course, expert=expert, defaults={**values, "comment": comment}
    )
    course_id, creator_id, expert_id = course.pk, course.creator_id, expert.pk
    category_id = course.category_id

    def later():
        from .tasks import course_quality_recompute_task, points_award_task

        enqueue(course_quality_recompute_task, course_id=course_id)
        enqueue(
            points_award_task,
            event=Event.QUALITY_REVIEW_WRITTEN,
            user_id=expert_id,
            source_key=f"quality_review:{review.pk}",
            object_key=f"course:{course_id}",
            category_id=category_id,
        )
        from .tasks import creator_level_recompute_task

        enqueue(creator_level_recompute_task, creator_id=creator_id)

    later()
    return review


# --- Check-in challenges ----------------------------------------------------------


@transaction.atomic
def challenge_create(
    *,
    by,
    course,
    title: str,
    starts_on,
    days: int = 21,
    lessons_per_day: int = 1,
    description: str = "",
    badge: Badge | None = None,
) -> Challenge:
    if not (by.is_staff or course.creator_id == by.pk):
        raise ValidationError(
            _("Only the course's creator or staff can set up a challenge on it.")
        )
    if days < 1 or lessons_per_day < 1:
        raise ValidationError(_("A challenge lasts at least one day."))
    return Challenge.objects.create(
        title=title,
        description=description,
        course=course,
        created_by=by,
        starts_on=starts_on,
        days=days,
        lessons_per_day=lessons_per_day,
        badge=badge,
    )


@transaction.atomic
def challenge_join(*, user, challenge: Challenge) -> ChallengeParticipant:
    """Join a check-in challenge; only learners who can open its course may.

    Check-ins are completed lessons of the course: joining without access to
    it would be a challenge nobody could take part in. A free course is
    enrolled in on the way; a paid one must be bought first.
    """
    if not challenge.is_active or challenge.ends_on < timezone.localdate():
        raise ValidationError(_("This challenge is over."))
    course = challenge.course
    if not can_open_course(user, course):
        if not course.is_free:
            raise ValidationError(
                _(
                    "This challenge is for learners of “%(course)s”, a paid "
                    "course: buy the course to join."
                )
                % {"course": course.title},
                code="no_access",
            )
        # A free course: joining its challenge enrols the learner in it.
        enrollment_join_free(user=user, course=course)
    participant, _created = ChallengeParticipant.objects.get_or_create(
        challenge=challenge, user=user
    )
    return participant


@transaction.atomic
def challenge_check_in(
    *, user_id: int, course_id: int, lesson_id: int, day=None
) -> list[CheckIn]:
    """Count a completed lesson towards today's check-in of every running challenge."""
    day = day or timezone.localdate()
    participants = list(
        ChallengeParticipant.objects.select_for_update()
        .select_related("challenge")
        .filter(
            user_id=user_id,
            challenge__course_id=course_id,
            challenge__is_active=True,
            challenge__starts_on__lte=day,
            completed_at__isnull=True,
        )
        .order_by("pk")
    )
    done_today = []
    for participant in participants:
        challenge = participant.challenge
        if day > challenge.ends_on:
            continue
        check_in, _created = CheckIn.objects.get_or_create(
            participant=participant, day=day
        )
        if lesson_id in check_in.lesson_ids:
            continue
        check_in.lesson_ids = [*check_in.lesson_ids, lesson_id]
        if not check_in.done and len(check_in.lesson_ids) >= challenge.lessons_per_day:
            check_in.done = True
            if participant.last_check_in == day - timedelta(days=1):
                participant.current_streak += 1
            else:
                participant.current_streak = 1
            participant.best_streak = max(
                participant.best_streak, participant.current_streak
            )
            participant.check_ins += 1
            participant.last_check_in = day
            if participant.check_ins >= challenge.days:
                participant.completed_at = timezone.now()
                _challenge_finished(participant)
            participant.save()
            done_today.append(check_in)
        check_in.save(update_fields=["lesson_ids", "done"])
    return done_today


def _challenge_finished(participant: ChallengeParticipant) -> None:
    challenge = participant.challenge
    if challenge.badge_id:
        badge_award(
            user_id=participant.user_id,
            badge=challenge.badge,
            reason=f"challenge:{challenge.pk}",
        )
    user_id, challenge_id = participant.user_id, challenge.pk
    category_id = getattr(challenge.course, "category_id", None)

    def later():
        from .tasks import points_award_task

        enqueue(
            points_award_task,
            event=Event.CHALLENGE_COMPLETED,
            user_id=user_id,
            source_key=f"challenge:{challenge_id}",
            object_key=f"challenge:{challenge_id}",
            category_id=category_id,
        )

    later()
