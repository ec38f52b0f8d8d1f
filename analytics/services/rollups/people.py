"""Per-person tables: active user days (DAU/WAU/MAU) and learner-course days."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from courses import selectors as courses_selectors
from learning import selectors as learning_selectors

from ...models import LearnerCourseDay, UserDay
from .courses import _category_lineage
from .frames import COMMUNITY_KINDS, LEARNING_KINDS, K

# --- Per-person tables -----------------------------------------------------------


def _user_days(events: pd.DataFrame, day: dt.date) -> list[dict]:
    people = events.dropna(subset=["user_id"])
    if people.empty:
        return []
    grouped = people.groupby("user_id")
    study = people[people["kind"] == K.STUDY].groupby("user_id")["value"].sum()
    learned = people[people["kind"].isin(LEARNING_KINDS)].groupby("user_id").size()
    community = people[people["kind"].isin(COMMUNITY_KINDS)].groupby("user_id").size()
    table = pd.DataFrame(
        {
            "events": grouped.size(),
            "study": study,
            "learned": learned,
            "community": community,
        }
    ).fillna(0)
    return [
        dict(
            day=day,
            user_id=int(user_id),
            events=int(n),
            study_seconds=int(round(seconds)),
            learned=bool(learned_n),
            community=int(community_n),
        )
        for user_id, n, seconds, learned_n, community_n in table.itertuples()
    ]


def _learner_course_frame(events: pd.DataFrame) -> pd.DataFrame:
    learning = events[events["kind"].isin(LEARNING_KINDS)].dropna(
        subset=["user_id", "course_id"]
    )
    if learning.empty:
        return pd.DataFrame(
            columns=[
                "study_seconds",
                "lesson_views",
                "lessons_started",
                "lessons_completed",
                "quiz_attempts",
                "quiz_score_sum",
                "submissions",
            ]
        )
    keys = ["user_id", "course_id"]
    frame = learning.assign(
        study_seconds=np.where(learning["kind"] == K.STUDY, learning["value"], 0.0),
        lesson_views=(learning["kind"] == K.LESSON_VIEW).astype(int),
        lessons_started=(learning["kind"] == K.LESSON_START).astype(int),
        lessons_completed=(learning["kind"] == K.LESSON_COMPLETE).astype(int),
        quiz_attempts=(learning["kind"] == K.QUIZ_ATTEMPT).astype(int),
        quiz_score_sum=np.where(
            learning["kind"] == K.QUIZ_ATTEMPT, learning["value"].fillna(0), 0.0
        ),
        submissions=(learning["kind"] == K.SUBMISSION).astype(int),
    )
    columns = [
        "study_seconds",
        "lesson_views",
        "lessons_started",
        "lessons_completed",
        "quiz_attempts",
        "quiz_score_sum",
        "submissions",
    ]
    return frame.groupby(keys)[columns].sum()


def _first_starts(day: dt.date, lcd: pd.DataFrame) -> pd.Series:
    """Enrolled learners whose first day of learning in a course is ``day``."""
    if lcd.empty:
        return pd.Series(dtype="int64")
    pairs = {(int(u), int(c)) for u, c in lcd.index}
    users = {u for u, _ in pairs}
    courses = {c for _, c in pairs}
    earlier = set(
        LearnerCourseDay.objects.filter(
            day__lt=day, user_id__in=users, course_id__in=courses
        )
        .values_list("user_id", "course_id")
        .distinct()
    )
    enrolled = learning_selectors.enrolled_pairs(user_ids=users, course_ids=courses)
    first = [c for u, c in pairs if (u, c) not in earlier and (u, c) in enrolled]
    return pd.Series(first, dtype="int64").value_counts()


def _windowed_active(day: dt.date, course_categories: dict[int, list[int]]):
    """Distinct active learners per category over 1, 7 and 30 days (and site)."""
    first = day - dt.timedelta(days=29)
    rows = LearnerCourseDay.objects.filter(day__gte=first, day__lte=day).values_list(
        "day", "user_id", "course_id"
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["day", "user_id", "course_id"]
    )
    result: dict[str, dict[int, int]] = {"d1": {}, "d7": {}, "d30": {}}
    site: dict[str, int] = {"d1": 0, "d7": 0, "d30": 0}
    if frame.empty:
        return result, site
    frame["age"] = frame["day"].map(lambda d: (day - d).days)
    pairs = [
        (course_id, category_id)
        for course_id, categories in course_categories.items()
        for category_id in categories
    ]
    links = pd.DataFrame(pairs, columns=["course_id", "category_id"])
    joined = frame.merge(links, on="course_id")
    for key, days in (("d1", 1), ("d7", 7), ("d30", 30)):
        window = joined[joined["age"] < days]
        result[key] = window.groupby("category_id")["user_id"].nunique().to_dict()
        site[key] = int(frame[frame["age"] < days]["user_id"].nunique())
    return result, site


def _course_categories_for_window(day, known: dict, parents: dict) -> dict:
    """Categories of every course active in the 30 days up to ``day``."""
    first = day - dt.timedelta(days=29)
    course_ids = set(
        LearnerCourseDay.objects.filter(day__gte=first, day__lte=day)
        .values_list("course_id", flat=True)
        .distinct()
    )
    missing = course_ids - set(known)
    result = {c: known[c] for c in course_ids & set(known)}
    if missing:
        for course_id, fact in courses_selectors.course_facts(missing).items():
            result[course_id] = _category_lineage(fact.get("category_id"), parents)
    return result


def _distinct_active(day: dt.date, days: int) -> int:
    first = day - dt.timedelta(days=days - 1)
    return (
        UserDay.objects.filter(day__gte=first, day__lte=day)
        .values("user_id")
        .distinct()
        .count()
    )
