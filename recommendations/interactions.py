"""The interaction frame, built from the database in bulk.

Every signal is read with one `values_list` query (tuples straight into
pandas, never one model instance per row), weighted with the admin's
`SignalWeight`s and summed per (user, course).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.db.models import Case, Count, F, FloatField, Func, Q, Value, When
from django.db.models.functions import Cast, Least, Ln

from courses.models import Category, Course, Review, Wishlist
from learning.models import Enrollment, LessonProgress

from .models import DEFAULT_WEIGHTS, CourseView, Dismissal, Signal, SignalWeight

COLUMNS = ["user", "item", "weight", "stars", "timestamp"]


def signal_weights() -> dict[str, float]:
    weights = dict(DEFAULT_WEIGHTS)
    weights.update(dict(SignalWeight.objects.values_list("signal", "weight")))
    return weights


def _frame(rows, columns) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=columns)


def published_course_ids() -> np.ndarray:
    return np.array(
        sorted(
            Course.objects.filter(status=Course.Status.PUBLISHED).values_list(
                "id", flat=True
            )
        ),
        dtype=np.int64,
    )


def build_interaction_frame(weights: dict[str, float] | None = None) -> pd.DataFrame:
    """One row per (user, course) with the summed weight and the stars, if any."""
    w = weights or signal_weights()
    parts: list[pd.DataFrame] = []

    enrol = _frame(
        Enrollment.objects.filter(is_active=True).values_list(
            "user_id", "course_id", "source", "completed_at", "created_at"
        ),
        ["user", "item", "source", "completed", "enrolled"],
    )
    if len(enrol):
        weight = (
            w[Signal.ENROLLMENT]
            + w[Signal.PURCHASE] * (enrol["source"] == "purchase")
            + w[Signal.COURSE_COMPLETED] * enrol["completed"].notna()
        )
        # when the learner enrolled (seconds): the order of their courses
        enrolled = pd.to_datetime(enrol["enrolled"], utc=True)
        parts.append(
            enrol[["user", "item"]].assign(
                weight=weight.astype(float),
                # seconds since the epoch whatever the datetime unit (pandas 3
                # keeps microseconds: astype("int64") / 1e9 was not seconds)
                timestamp=(enrolled - pd.Timestamp(0, tz="UTC"))
                .dt.total_seconds()
                .to_numpy(),
            )
        )

    progress = _frame(
        LessonProgress.objects.values("user_id", "lesson__section__course_id")
        .annotate(
            started=Count("id"),
            completed=Count("id", filter=Q(completed_at__isnull=False)),
        )
        .values_list("user_id", "lesson__section__course_id", "started", "completed"),
        ["user", "item", "started", "completed"],
    )
    if len(progress):
        weight = (
            w[Signal.LESSON_PROGRESS] * progress["started"]
            + w[Signal.LESSON_COMPLETED] * progress["completed"]
        )
        parts.append(progress[["user", "item"]].assign(weight=weight.astype(float)))

    reviews = _frame(
        Review.objects.filter(is_hidden=False).values_list(
            "user_id", "course_id", "rating"
        ),
        ["user", "item", "stars"],
    )
    if len(reviews):
        parts.append(reviews.assign(weight=float(w[Signal.REVIEW])))

    views = _frame(
        CourseView.objects.values_list("user_id", "course_id", "count"),
        ["user", "item", "count"],
    )
    if len(views):
        # the first views say most; a hundred reloads are not a hundred signals
        weight = w[Signal.COURSE_VIEW] * np.log2(1 + views["count"].clip(upper=15))
        parts.append(views[["user", "item"]].assign(weight=weight.astype(float)))

    wish = _frame(
        Wishlist.objects.values_list("user_id", "course_id"), ["user", "item"]
    )
    if len(wish):
        parts.append(wish.assign(weight=float(w[Signal.WISHLIST])))

    dismissed = _frame(
        Dismissal.objects.values_list("user_id", "course_id"), ["user", "item"]
    )
    if len(dismissed):
        parts.append(dismissed.assign(weight=float(w[Signal.NOT_INTERESTED])))

    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in COLUMNS})
    frame = pd.concat(parts, ignore_index=True)
    for column in ("stars", "timestamp"):
        if column not in frame:
            frame[column] = np.nan
    frame = frame.groupby(["user", "item"], as_index=False, sort=True).agg(
        weight=("weight", "sum"), stars=("stars", "max"), timestamp=("timestamp", "min")
    )
    frame = frame[frame["weight"] != 0]
    return frame[COLUMNS].reset_index(drop=True)


def item_categories(item_ids: np.ndarray) -> dict[int, int]:
    """Course id -> its top-level category id (interests are chosen at the top)."""
    parent = dict(Category.objects.values_list("id", "parent_id"))
    rows = Course.objects.filter(id__in=item_ids.tolist()).values_list(
        "id", "category_id"
    )
    return {cid: parent.get(cat) or cat for cid, cat in rows}


def user_interest_categories() -> dict[int, list[int]]:
    """User id -> top-level category ids of the interests chosen at onboarding."""
    from accounts.models import Profile

    parent = dict(Category.objects.values_list("id", "parent_id"))
    out: dict[int, list[int]] = {}
    through = Profile.interests.through
    rows = through.objects.values_list("profile__user_id", "category_id")
    for user_id, cat in rows:
        out.setdefault(user_id, []).append(parent.get(cat) or cat)
    return out


def personalization_disabled_user_ids() -> set[int]:
    from accounts.models import Profile

    return set(
        Profile.objects.filter(personalization_enabled=False).values_list(
            "user_id", flat=True
        )
    )


# --- the same frame aggregated by PostgreSQL (services.scale streams it) ---


def _signal_queries(weights: dict[str, float]):
    """One queryset per signal: (user, item, weight, stars, timestamp)."""
    real = FloatField()
    # typed constants: an untyped NULL is text and 1.0 numeric to PostgreSQL
    none = Cast(Value(None, output_field=real), real)

    def w(name: str):
        return Cast(Value(float(weights[name]), output_field=real), real)

    def only_published(qs, field: str):
        return qs.filter(
            **{
                f"{field}__in": Course.objects.filter(
                    status=Course.Status.PUBLISHED
                ).values("id")
            }
        )

    epoch = Func(
        F("created_at"),
        template="EXTRACT(EPOCH FROM %(expressions)s)",
        output_field=real,
    )
    enrol = only_published(Enrollment.objects.filter(is_active=True), "course_id")
    enrol = enrol.annotate(
        w=w(Signal.ENROLLMENT)
        + Case(
            When(source="purchase", then=w(Signal.PURCHASE)),
            default=0.0,
            output_field=real,
        )
        + Case(
            When(completed_at__isnull=False, then=w(Signal.COURSE_COMPLETED)),
            default=0.0,
            output_field=real,
        ),
        s=none,
        t=Cast(epoch, real),
    ).values_list("user_id", "course_id", "w", "s", "t")

    progress = (
        only_published(LessonProgress.objects.all(), "lesson__section__course_id")
        .values("user_id", "lesson__section__course_id")
        .annotate(
            w=w(Signal.LESSON_PROGRESS) * Cast(Count("id"), real)
            + w(Signal.LESSON_COMPLETED)
            * Cast(Count("id", filter=Q(completed_at__isnull=False)), real),
            s=none,
            t=none,
        )
        .values_list("user_id", "lesson__section__course_id", "w", "s", "t")
    )
    reviews = only_published(Review.objects.filter(is_hidden=False), "course_id")
    reviews = reviews.annotate(
        w=w(Signal.REVIEW), s=Cast("rating", real), t=none
    ).values_list("user_id", "course_id", "w", "s", "t")
    views = (
        only_published(CourseView.objects.all(), "course_id")
        .annotate(
            # 0.5·log2(1 + min(views, 15)), as interactions.build_interaction_frame
            w=w(Signal.COURSE_VIEW)
            * Ln(Value(1.0, output_field=real) + Cast(Least("count", Value(15)), real))
            / Value(float(np.log(2.0)), output_field=real),
            s=none,
            t=none,
        )
        .values_list("user_id", "course_id", "w", "s", "t")
    )
    wish = (
        only_published(Wishlist.objects.all(), "course_id")
        .annotate(w=w(Signal.WISHLIST), s=none, t=none)
        .values_list("user_id", "course_id", "w", "s", "t")
    )
    dismissed = (
        only_published(Dismissal.objects.all(), "course_id")
        .annotate(w=w(Signal.NOT_INTERESTED), s=none, t=none)
        .values_list("user_id", "course_id", "w", "s", "t")
    )
    return [enrol, progress, reviews, views, wish, dismissed]


def interaction_sql(weights: dict[str, float]) -> tuple[str, list]:
    """One statement: every signal weighted and summed per (learner, course)."""
    parts, params = [], []
    for qs in _signal_queries(weights):
        sql, p = qs.query.sql_with_params()
        parts.append(f"({sql})")
        params.extend(p)
    union = " UNION ALL ".join(parts)
    return (
        "SELECT u, i, SUM(w), MAX(s), MIN(t) FROM ("  # noqa: S608 (ORM-compiled)
        f"SELECT * FROM ({union}) AS parts (u, i, w, s, t)"
        ") AS rows GROUP BY u, i HAVING SUM(w) <> 0",
        params,
    )
