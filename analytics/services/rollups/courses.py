"""Per-course and per-category numbers, money included."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pandas as pd

from commerce import selectors as commerce_selectors

from ..money import to_cents
from .frames import LEARNING_KINDS, K, _count_by, _data, _of, day_bounds

# --- Course, category and site numbers ---------------------------------------------

COURSE_COUNTS = [
    "active_learners",
    "enrolments",
    "starts",
    "halfway",
    "completions",
    "lesson_completions",
    "study_seconds",
    "course_views",
    "lesson_views",
    "quiz_attempts",
    "quiz_score_sum",
    "submissions",
    "ratings",
    "rating_sum",
    "rec_clicks",
]
MONEY_COUNTS = [
    "sales",
    "revenue_cents",
    "refunds",
    "refunds_cents",
    "earnings_cents",
    "commission_cents",
]


def _halfway(events: pd.DataFrame) -> pd.DataFrame:
    progress = _of(events, K.COURSE_PROGRESS)
    before = pd.to_numeric(_data(progress, "from"), errors="coerce").fillna(0)
    return progress[(before < 50).to_numpy() & (progress["value"] >= 50).to_numpy()]


def _course_frame(
    events: pd.DataFrame, lcd: pd.DataFrame, starts: pd.Series
) -> pd.DataFrame:
    """Event-derived numbers per course id."""
    courses = events.dropna(subset=["course_id"])
    learning = courses[courses["kind"].isin(LEARNING_KINDS)].dropna(subset=["user_id"])
    reviews = _of(courses, K.REVIEW)
    quizzes = _of(courses, K.QUIZ_ATTEMPT)
    views = _of(courses, K.COURSE_VIEW)
    columns = {
        "active_learners": learning.groupby("course_id")["user_id"].nunique(),
        "enrolments": _count_by(_of(courses, K.ENROLMENT), "course_id"),
        "starts": starts,
        "halfway": _count_by(_halfway(courses), "course_id"),
        "completions": _count_by(_of(courses, K.COURSE_COMPLETE), "course_id"),
        "lesson_completions": _count_by(_of(courses, K.LESSON_COMPLETE), "course_id"),
        "study_seconds": _of(courses, K.STUDY).groupby("course_id")["value"].sum(),
        "course_views": _count_by(views, "course_id"),
        "viewers": views.dropna(subset=["user_id"])
        .groupby("course_id")["user_id"]
        .nunique(),
        "lesson_views": _count_by(_of(courses, K.LESSON_VIEW), "course_id"),
        "quiz_attempts": _count_by(quizzes, "course_id"),
        "quiz_score_sum": quizzes.groupby("course_id")["value"].sum(),
        "submissions": _count_by(_of(courses, K.SUBMISSION), "course_id"),
        "ratings": _count_by(reviews, "course_id"),
        "rating_sum": reviews.groupby("course_id")["value"].sum(),
        "rec_clicks": _count_by(_of(courses, K.REC_CLICK), "course_id"),
    }
    frame = pd.DataFrame(columns).fillna(0)
    frame.index = frame.index.astype(int)
    return frame.round().astype("int64")


def _money(day: dt.date) -> tuple[pd.DataFrame, dict, dict]:
    """Money per course, per category (items without a course), and the site."""
    start, end = day_bounds(day)
    per_course: dict[int, dict] = defaultdict(lambda: dict.fromkeys(MONEY_COUNTS, 0))
    per_category: dict[int, dict] = defaultdict(lambda: dict.fromkeys(MONEY_COUNTS, 0))
    site = dict.fromkeys(MONEY_COUNTS, 0)
    for row in commerce_selectors.earnings_by_day(start=start, end=end):
        gross = to_cents(row["gross"] or Decimal(0))
        net = to_cents(row["net"] or Decimal(0))
        commission = to_cents(row["commission"] or Decimal(0))
        if row["kind"] == "refund":
            delta = {
                "refunds": row["items"],
                "refunds_cents": -gross,
                "earnings_cents": net,
                "commission_cents": commission,
            }
        else:
            delta = {
                "sales": row["items"],
                "revenue_cents": gross,
                "earnings_cents": net,
                "commission_cents": commission,
            }
        course_id = row["course_id"]
        targets = [site]
        if course_id is not None:
            targets.append(per_course[int(course_id)])
        else:
            category_id = row["order_item__category_id"]
            if category_id is not None:
                targets.append(per_category[int(category_id)])
        for target in targets:
            for key, amount in delta.items():
                target[key] += amount
    frame = pd.DataFrame.from_dict(per_course, orient="index", columns=MONEY_COUNTS)
    return frame.fillna(0).astype("int64"), dict(per_category), site


def _category_lineage(category_id, parents: dict) -> list[int]:
    lineage = []
    while category_id is not None and category_id not in lineage:
        lineage.append(int(category_id))
        category_id = parents.get(category_id)
    return lineage


def _rows_for_courses(day, frame: pd.DataFrame, facts: dict) -> list[dict]:
    rows = []
    keys = [*COURSE_COUNTS, *MONEY_COUNTS]
    for course_id, values in zip(frame.index, frame.to_dict("records"), strict=True):
        fact = facts.get(int(course_id), {})
        rows.append(
            dict(
                day=day,
                course_id=int(course_id),
                category_id=fact.get("category_id"),
                creator_id=fact.get("creator_id"),
                **{k: int(values.get(k, 0)) for k in keys},
                viewers=int(values.get("viewers", 0)),
            )
        )
    return rows
