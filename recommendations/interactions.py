"""The interaction frame, built from the database in bulk.

Every signal is read with one `values_list` query (tuples straight into
pandas, never one model instance per row), weighted with the admin's
`SignalWeight`s and summed per (user, course).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.db.models import Count, Q

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
