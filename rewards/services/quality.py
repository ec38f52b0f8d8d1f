"""Content quality: expert rubric reviews and each course's quality score."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.tasks import enqueue
from courses import selectors as course_selectors
from learning import selectors as learning_selectors
from rewards.models import (
    RUBRIC,
    CourseQuality,
    Event,
    QualityReview,
)


def bayesian_average(
    total: Decimal, weight: Decimal, *, prior_mean: Decimal, prior_weight: Decimal
) -> Decimal:
    """(C·m + Σx) / (C + n): few ratings stay near the prior, many speak for themselves."""
    return (prior_weight * prior_mean + total) / (prior_weight + weight)


COMPLETION_PRIOR = Decimal("0.5")


def _quality_fields(
    *, n_ratings: int, rating_total, expert_means: list[Decimal], enrolled: dict
) -> dict:
    """The stored figures of a course's quality, from its counts."""
    prior_mean = Decimal(settings.REWARDS_QUALITY_PRIOR_MEAN)
    prior_weight = Decimal(settings.REWARDS_QUALITY_PRIOR_WEIGHT)
    expert_weight = Decimal(settings.REWARDS_EXPERT_REVIEW_WEIGHT)
    share = Decimal(settings.REWARDS_COMPLETION_SHARE)

    n_ratings = n_ratings or 0
    rating_total = Decimal(rating_total or 0)
    weight = Decimal(n_ratings) + expert_weight * len(expert_means)
    total = rating_total + expert_weight * sum(expert_means, Decimal(0))
    rating_component = bayesian_average(
        total, weight, prior_mean=prior_mean, prior_weight=prior_weight
    )
    completion = (prior_weight * COMPLETION_PRIOR + Decimal(enrolled["done"])) / (
        prior_weight + Decimal(enrolled["n"])
    )
    # Completion maps onto the same 1–5 scale as ratings.
    score = (1 - share) * rating_component + share * (1 + 4 * completion)
    q = Decimal("0.001")
    return {
        "score": score.quantize(q),
        "rating_component": rating_component.quantize(q),
        "completion_rate": completion.quantize(q),
        "learner_ratings": n_ratings,
        "expert_reviews": len(expert_means),
        "enrollments": enrolled["n"],
    }


def _expert_mean(row: dict) -> Decimal:
    return sum(Decimal(row[f]) for f in RUBRIC) / len(RUBRIC)


@transaction.atomic
def course_quality_recompute(*, course_id: int) -> CourseQuality | None:
    """Recompute a course's quality score from ratings, expert reviews, completion."""
    if not course_selectors.course_exists(course_id):
        return None
    ratings = course_selectors.rating_totals([course_id])
    expert_means = [
        _expert_mean(row)
        for row in QualityReview.objects.filter(course_id=course_id).values(*RUBRIC)
    ]
    fields = _quality_fields(
        n_ratings=ratings["n"],
        rating_total=ratings["total"],
        expert_means=expert_means,
        enrolled=learning_selectors.completion_counts(course_id),
    )
    quality, _created = CourseQuality.objects.update_or_create(
        course_id=course_id, defaults=fields
    )
    return quality


@transaction.atomic
def courses_quality_recompute(*, course_ids: list[int]) -> int:
    """`course_quality_recompute` of many courses in a few grouped queries and
    one bulk upsert (bulk loads such as the demo data); returns how many."""
    course_ids = list(course_ids)
    ratings = course_selectors.rating_totals_by_course(course_ids)
    enrolled = learning_selectors.completion_counts_by_course(course_ids)
    experts: dict[int, list[Decimal]] = {}
    for row in QualityReview.objects.filter(course_id__in=course_ids).values(
        "course_id", *RUBRIC
    ):
        experts.setdefault(row["course_id"], []).append(_expert_mean(row))
    rows = []
    for course_id in course_ids:
        rating = ratings.get(course_id, {"n": 0, "total": 0})
        fields = _quality_fields(
            n_ratings=rating["n"],
            rating_total=rating["total"],
            expert_means=experts.get(course_id, []),
            enrolled=enrolled.get(course_id, {"n": 0, "done": 0}),
        )
        rows.append(CourseQuality(course_id=course_id, **fields))
    CourseQuality.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["course"],
        update_fields=[
            "score",
            "rating_component",
            "completion_rate",
            "learner_ratings",
            "expert_reviews",
            "enrollments",
            "computed_at",
        ],
    )
    return len(rows)


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
    from rewards.selectors import is_certified_expert

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
        from rewards.tasks import course_quality_recompute_task, points_award_task

        enqueue(course_quality_recompute_task, course_id=course_id)
        enqueue(
            points_award_task,
            event=Event.QUALITY_REVIEW_WRITTEN,
            user_id=expert_id,
            source_key=f"quality_review:{review.pk}",
            object_key=f"course:{course_id}",
            category_id=category_id,
        )
        from rewards.tasks import creator_level_recompute_task

        enqueue(creator_level_recompute_task, creator_id=creator_id)

    later()
    return review
