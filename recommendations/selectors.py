"""Reads: what to show a learner, related courses, experiment assignment and results.

Every list filters by the *active* run of its algorithm, so a run being
written (or one that died half-way) is never seen. Query counts are
constant whatever the number of rows.
"""

from __future__ import annotations

import dataclasses
import hashlib

import numpy as np
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from core.pagecache import lookup, store
from courses.models import Category, Course

from .models import (
    ActiveRun,
    Dismissal,
    Experiment,
    ExperimentEvent,
    ModelRun,
    RatingFactor,
    Reason,
    Recommendation,
    RelatedCourse,
    Variant,
)
from .quality import (  # noqa: F401 (re-exported: the feed and tests use them here)
    DEFAULT_QUALITY_WEIGHT,
    quality_weight,
    rerank_by_quality,
)
from .services import default_algorithm


@dataclasses.dataclass
class Suggestion:
    course: Course
    reason_kind: str
    reason_course: Course | None = None
    reason_category: Category | None = None
    score: float = 0.0
    #: the stars the learner would give it (rating model), None when unsure
    predicted_rating: float | None = None

    @property
    def reason(self) -> str:
        if self.reason_kind == Reason.BECAUSE_YOU_TOOK and self.reason_course:
            return _("Because you took %(title)s") % {"title": self.reason_course.title}
        if self.reason_kind == Reason.POPULAR_IN and self.reason_category:
            return _("Popular in %(category)s") % {
                "category": self.reason_category.name
            }
        if self.reason_category is not None:
            return _("Popular in %(category)s") % {
                "category": self.reason_category.name
            }
        return _("Popular on the platform")


@dataclasses.dataclass
class Assignment:
    experiment: Experiment
    variant: Variant


def _bucket(key: str) -> float:
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def variant_for(
    experiment: Experiment, variants: list[Variant], user_id: int
) -> Variant:
    """Deterministic: the same user always lands in the same variant of an experiment."""
    total = sum(v.weight for v in variants)
    point = _bucket(f"{experiment.slug}:{user_id}") * total
    running = 0
    for variant in variants:
        running += variant.weight
        if point < running:
            return variant
    return variants[-1]


def active_assignment(user) -> Assignment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    experiment = (
        Experiment.objects.filter(is_active=True).prefetch_related("variants").first()
    )
    if experiment is None:
        return None
    variants = [v for v in experiment.variants.all() if v.weight > 0]
    if not variants:
        return None
    return Assignment(experiment, variant_for(experiment, variants, user.pk))


def active_run_id(algorithm: str | None = None) -> int | None:
    """The serving run of `algorithm`, else of the default, else of the
    newest previous default that has one (until the new default's first run)."""
    from .algorithms import PREVIOUS_DEFAULT_ALGORITHMS

    wanted = algorithm or default_algorithm()
    order = [wanted, default_algorithm(), *PREVIOUS_DEFAULT_ALGORITHMS]
    rows = dict(
        ActiveRun.objects.filter(algorithm__in=set(order)).values_list(
            "algorithm", "run_id"
        )
    )
    return next((rows[name] for name in order if rows.get(name)), None)


def _published():
    return Course.objects.filter(status=Course.Status.PUBLISHED).select_related(
        "category", "creator__profile"
    )


def _exclude_mine(qs, user, course_field: str = ""):
    """Drop courses the learner already has or dismissed (two EXISTS subqueries)."""
    from learning.models import Enrollment

    outer = f"{course_field}_id" if course_field else "pk"
    return qs.exclude(
        Exists(
            Enrollment.objects.filter(
                user=user, course_id=OuterRef(outer), is_active=True
            )
        )
    ).exclude(Exists(Dismissal.objects.filter(user=user, course_id=OuterRef(outer))))


def popular_courses(*, limit: int = 10, exclude_ids=()) -> list[Suggestion]:
    """The non-personal list: most learners, then best rated."""
    courses = (
        _published()
        .exclude(pk__in=list(exclude_ids))
        .order_by("-learner_count", "-rating_average", "-pk")[:limit]
    )
    return [Suggestion(course=c, reason_kind=Reason.POPULAR) for c in courses]


def interest_courses(user, *, limit: int, exclude_ids=()) -> list[Suggestion]:
    """Cold start: popular courses in the categories chosen at onboarding."""
    interests = Category.objects.filter(
        Q(pk__in=_interest_ids(user)) | Q(parent__in=_interest_ids(user))
    ).values("pk")
    qs = _exclude_mine(_published().filter(category__in=interests), user).exclude(
        pk__in=list(exclude_ids)
    )
    courses = qs.order_by("-learner_count", "-rating_average", "-pk")[:limit]
    return [
        Suggestion(
            course=c,
            reason_kind=Reason.POPULAR_IN,
            reason_category=c.category.parent if c.category.parent_id else c.category,
        )
        for c in _with_parent(courses)
    ]


def _interest_ids(user):
    from accounts.models import Profile

    return Profile.interests.through.objects.filter(profile__user=user).values(
        "category_id"
    )


def _with_parent(courses):
    return list(courses.select_related("category__parent"))


def personalization_enabled(user) -> bool:
    """The learner's setting; read through the user's cached profile when loaded."""
    from accounts.models import Profile

    try:
        return user.profile.personalization_enabled
    except Profile.DoesNotExist:
        return True


def recommendations_for(
    user,
    *,
    limit: int = 8,
    assignment: Assignment | None = None,
    quality: float | None = None,
) -> list[Suggestion]:
    """A learner's list with a reason per course; non-personal when they opted out.

    Re-ranked at serve time with the course quality score (`quality`: its
    weight, the admin's feed mix setting when None): twice `limit` rows are
    read, blended, and the best `limit` kept.
    """
    weight = quality_weight() if quality is None else quality
    if weight <= 0:
        return _recommendations(user, limit=limit, assignment=assignment)
    return rerank_by_quality(
        _recommendations(user, limit=2 * limit, assignment=assignment),
        weight=weight,
        limit=limit,
    )


def _recommendations(
    user, *, limit: int, assignment: Assignment | None
) -> list[Suggestion]:
    if not getattr(user, "is_authenticated", False) or not personalization_enabled(
        user
    ):
        return popular_courses(limit=limit)
    algorithm = assignment.variant.algorithm if assignment else None
    run_id = active_run_id(algorithm)
    suggestions: list[Suggestion] = []
    if run_id is not None:
        rows = (
            _exclude_mine(
                Recommendation.objects.filter(
                    run_id=run_id, user=user, course__status=Course.Status.PUBLISHED
                ),
                user,
                "course",
            )
            .select_related(
                "course__category",
                "course__creator__profile",
                "reason_course",
                "reason_category",
            )
            .order_by("rank")[:limit]
        )
        suggestions = [
            Suggestion(
                course=r.course,
                reason_kind=r.reason,
                reason_course=r.reason_course,
                reason_category=r.reason_category,
                score=r.score,
            )
            for r in rows
        ]
    if len(suggestions) < limit:
        have = [s.course.pk for s in suggestions]
        suggestions += interest_courses(
            user, limit=limit - len(suggestions), exclude_ids=have
        )
    if len(suggestions) < limit:
        have = [s.course.pk for s in suggestions]
        extra = _exclude_mine(_published(), user).exclude(pk__in=have)
        suggestions += [
            Suggestion(course=c, reason_kind=Reason.POPULAR)
            for c in extra.order_by("-learner_count", "-rating_average", "-pk")[
                : limit - len(suggestions)
            ]
        ]
    return suggestions


def suggestion_for(user, course: Course) -> Suggestion:
    """One course as it appears in the learner's list (its stored reason if any).

    Used to put a card back after "not interested" is undone.
    """
    assignment = active_assignment(user)
    run_id = active_run_id(assignment.variant.algorithm if assignment else None)
    row = (
        Recommendation.objects.filter(run_id=run_id, user=user, course=course)
        .select_related("reason_course", "reason_category")
        .first()
        if run_id is not None
        else None
    )
    if row is None:
        return Suggestion(course=course, reason_kind=Reason.POPULAR)
    return Suggestion(
        course=course,
        reason_kind=row.reason,
        reason_course=row.reason_course,
        reason_category=row.reason_category,
        score=row.score,
    )


#: Rating models whose stored parameters can predict any pair (SVD).
PREDICTING_ALGORITHMS = ("svd", "svd_implicit")


def prediction_run() -> ModelRun | None:
    """The serving SVD run with the lowest RMSE on held-out stars (or the newest).

    Kept in the cache until the "recommendations" group is bumped (a run is
    activated): a page's course cards and featured courses both ask.
    """
    kept, stamp = lookup("recommendations:prediction-run", ("recommendations",))
    if kept is not None:
        return kept[0]
    actives = ActiveRun.objects.filter(algorithm__in=PREDICTING_ALGORITHMS)

    def key(run):
        rmse = (run.metrics or {}).get("rmse")
        return (rmse is None, rmse if rmse is not None else 0.0, -run.pk)

    run = min((a.run for a in actives.select_related("run")), key=key, default=None)
    store("recommendations:prediction-run", (run,), stamp, 300)
    return run


def min_ratings_to_predict() -> int:
    return int(getattr(settings, "RECOMMENDATIONS_PREDICTION_MIN_RATINGS", 3))


def predicted_ratings(user, course_ids) -> dict[int, float]:
    """The stars the learner would give each course, where the model is sure.

    Equal to the rating model's `algo.predict(user, course).est` (clipped to
    1–5): μ + b_u + b_i + q_i·p_u from the run's stored parameters. Empty for
    anonymous learners and those who switched personalisation off; a course
    is left out when the learner or the course has fewer than
    RECOMMENDATIONS_PREDICTION_MIN_RATINGS ratings in the model (it would be
    a guess). Three queries whatever the number of courses.
    """
    course_ids = [int(c) for c in course_ids]
    if (
        not course_ids
        or not getattr(user, "is_authenticated", False)
        or not personalization_enabled(user)
    ):
        return {}
    run = prediction_run()
    if run is None or "global_mean" not in (run.metrics or {}):
        return {}
    rows = list(
        RatingFactor.objects.filter(run=run).filter(
            Q(kind=RatingFactor.Kind.USER, object_id=user.pk)
            | Q(kind=RatingFactor.Kind.ITEM, object_id__in=course_ids)
        )
    )
    minimum = min_ratings_to_predict()
    me = next((r for r in rows if r.kind == RatingFactor.Kind.USER), None)
    if me is None or me.n_ratings < minimum:
        return {}
    pu = np.frombuffer(bytes(me.factors), dtype="<f4").astype(np.float64)
    mean = float(run.metrics["global_mean"])
    out = {}
    for row in rows:
        if row.kind != RatingFactor.Kind.ITEM or row.n_ratings < minimum:
            continue
        qi = np.frombuffer(bytes(row.factors), dtype="<f4").astype(np.float64)
        est = mean + me.bias + row.bias + float(qi @ pu)
        out[row.object_id] = float(min(max(est, 1.0), 5.0))
    return out


def card_predicted_ratings(user, courses) -> None:
    """Set `predicted_rating` on the course cards of a page (core.cards annotator).

    The value the course page shows for each course (`predicted_ratings`),
    hidden on the same courses: the learner's own and those they are
    enrolled in. At most four queries for the whole list, none for anonymous
    visitors or when no course gets a prediction.
    """
    from learning.models import Enrollment

    for course in courses:
        course.predicted_rating = None
    if not getattr(user, "is_authenticated", False):
        return
    candidates = [c for c in courses if c.creator_id != user.pk]
    stars = predicted_ratings(user, [c.pk for c in candidates])
    if not stars:
        return
    enrolled = set(
        Enrollment.objects.filter(
            user=user, course_id__in=list(stars), is_active=True
        ).values_list("course_id", flat=True)
    )
    for course in candidates:
        if course.pk not in enrolled:
            course.predicted_rating = stars.get(course.pk)


@dataclasses.dataclass
class WhatNext:
    after: Course
    suggestions: list[Suggestion]
    sequence: bool  # from the sequence model (it beat the plain list offline)


def next_list_algorithm() -> str:
    """The sequence model if its serving run beat the default one on "next", else the default."""
    from .services import next_algorithm

    following = next_algorithm()
    names = [n for n in (following, default_algorithm()) if n]
    runs = {
        a.algorithm: a.run
        for a in ActiveRun.objects.filter(algorithm__in=names).select_related("run")
    }

    def quality(name):
        run = runs.get(name)
        return (run.metrics or {}).get("next_ndcg@10") if run else None

    seq, plain = quality(following), quality(default_algorithm())
    if following and seq is not None and (plain is None or seq > plain):
        return following
    return default_algorithm()


def what_next(user, *, limit: int = 4) -> WhatNext | None:
    """After the learner's latest completed course: what to take next.

    From the sequence model's stored list when it wins the "next" protocol,
    else from the learner's list; the courses they have or dismissed are
    left out. None for anonymous or opted-out learners and before any
    completed course.
    """
    from learning.models import Enrollment

    if not getattr(user, "is_authenticated", False):
        return None
    last = (
        Enrollment.objects.filter(user=user, is_active=True, completed_at__isnull=False)
        .select_related("course")
        .order_by("-completed_at", "-pk")
        .first()
    )
    if last is None or not personalization_enabled(user):
        return None
    algorithm = next_list_algorithm()
    run_id = active_run_id(algorithm)
    if run_id is None:
        return None
    if algorithm == default_algorithm():
        # the sequence did not win: "learners also took" of that course (the
        # learner's own list is already on the page)
        order = {
            c.pk: n for n, c in enumerate(related_courses(last.course, limit=limit * 2))
        }
        mine = _exclude_mine(_published(), user).filter(pk__in=list(order))
        courses = sorted(mine, key=lambda c: order[c.pk])[:limit]
        if not courses:
            return None
        return WhatNext(
            after=last.course,
            suggestions=[
                Suggestion(
                    course=c,
                    reason_kind=Reason.BECAUSE_YOU_TOOK,
                    reason_course=last.course,
                )
                for c in courses
            ],
            sequence=False,
        )
    rows = (
        _exclude_mine(
            Recommendation.objects.filter(
                run_id=run_id, user=user, course__status=Course.Status.PUBLISHED
            ),
            user,
            "course",
        )
        .select_related(
            "course__category", "course__creator", "reason_course", "reason_category"
        )
        .order_by("rank")[:limit]
    )
    suggestions = [
        Suggestion(
            course=r.course,
            reason_kind=r.reason,
            reason_course=r.reason_course,
            reason_category=r.reason_category,
            score=r.score,
        )
        for r in rows
    ]
    if not suggestions:
        return None
    return WhatNext(
        after=last.course,
        suggestions=suggestions,
        sequence=algorithm != default_algorithm(),
    )


def related_courses(course: Course, *, limit: int = 6) -> list[Course]:
    """ "Learners also took": from the active run, else content, else the category."""
    run_id = active_run_id()
    courses: list[Course] = []
    if run_id is not None:
        rows = (
            RelatedCourse.objects.filter(
                run_id=run_id, course=course, related__status=Course.Status.PUBLISHED
            )
            .select_related("related__category", "related__creator")
            .order_by("source", "rank")[:limit]
        )
        courses = [r.related for r in rows]
    if len(courses) < limit:
        have = [c.pk for c in courses] + [course.pk]
        courses += list(
            _published()
            .filter(category=course.category)
            .exclude(pk__in=have)
            .order_by("-learner_count", "-pk")[: limit - len(courses)]
        )
    return courses


# --- experiment results --------------------------------------------------


def experiment_results(experiment: Experiment) -> dict:
    """CTR and conversion per variant, with significance tests against the first."""
    from django.db.models import Count
    from scipy import stats

    counts = {
        (row["variant_id"], row["kind"]): row["n"]
        for row in ExperimentEvent.objects.filter(variant__experiment=experiment)
        .values("variant_id", "kind")
        .annotate(n=Count("id"))
    }
    users = {
        row["variant_id"]: row["n"]
        for row in ExperimentEvent.objects.filter(
            variant__experiment=experiment, kind=ExperimentEvent.Kind.IMPRESSION
        )
        .values("variant_id")
        .annotate(n=Count("user_id", distinct=True))
    }
    variants = list(experiment.variants.all())
    rows = []
    for v in variants:
        shown = counts.get((v.pk, "impression"), 0)
        clicks = counts.get((v.pk, "click"), 0)
        enrolled = counts.get((v.pk, "enrollment"), 0)
        rows.append(
            {
                "variant": v,
                "users": users.get(v.pk, 0),
                "impressions": shown,
                "clicks": clicks,
                "enrollments": enrolled,
                "ctr": clicks / shown if shown else None,
                "conversion": enrolled / shown if shown else None,
                "ctr_p": None,
                "conversion_p": None,
            }
        )
    if rows:
        control = rows[0]
        for row in rows[1:]:
            row["ctr_p"] = two_proportion_p(
                control["clicks"],
                control["impressions"],
                row["clicks"],
                row["impressions"],
            )
            row["conversion_p"] = two_proportion_p(
                control["enrollments"],
                control["impressions"],
                row["enrollments"],
                row["impressions"],
            )
    chi2_p = None
    table = [
        [r["clicks"], r["impressions"] - r["clicks"]] for r in rows if r["impressions"]
    ]
    if len(table) >= 2 and all(sum(col) > 0 for col in zip(*table, strict=True)):
        chi2_p = float(stats.chi2_contingency(table)[1])
    return {"rows": rows, "chi2_ctr_p": chi2_p}


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Two-sided p-value of the two-proportion z-test (pooled), None if undefined."""
    from scipy import stats

    if not n1 or not n2:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    se = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)) ** 0.5
    if se == 0:
        return None
    z = (x2 / n2 - x1 / n1) / se
    return float(2 * stats.norm.sf(abs(z)))
