"""Daily rollups: raw events (and the owners' ledgers) into the daily tables.

`rollup_day(day=...)` recomputes one local day from scratch and replaces its
rows in one transaction, so running it twice changes nothing. Behaviour comes
from the raw events; money, sign-ups, quiz answers and community health come
from the owning apps' selectors (their rows are the truth and are never
deleted, unlike raw events). Days build on earlier days (first start in a
course, WAU/MAU), so a backfill goes forward in time.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from accounts import selectors as accounts_selectors
from commerce import selectors as commerce_selectors
from community import selectors as community_selectors
from courses import selectors as courses_selectors
from learning import selectors as learning_selectors

from ..models import (
    DailyCategoryStat,
    DailyCourseStat,
    DailyLessonStat,
    DailyQuestionStat,
    DailySearchStat,
    DailySiteStat,
    DailyVideoBucket,
    Event,
    LearnerCourseDay,
    RollupRun,
    UserDay,
)
from .money import to_cents

logger = logging.getLogger(__name__)
K = Event.Kind

#: Kinds that mean someone is learning (an "active learner").
LEARNING_KINDS = {
    K.STUDY,
    K.VIDEO_SEEK,
    K.LESSON_VIEW,
    K.LESSON_START,
    K.LESSON_COMPLETE,
    K.COURSE_PROGRESS,
    K.COURSE_COMPLETE,
    K.QUIZ_ATTEMPT,
    K.SUBMISSION,
}
COMMUNITY_KINDS = {K.THREAD_CREATE, K.POST_CREATE, K.VOTE, K.ANSWER_ACCEPT}
EVENT_COLUMNS = [
    "kind",
    "user_id",
    "course_id",
    "lesson_id",
    "object_id",
    "value",
    "data",
]
#: A rewind is a seek back by more than this many seconds.
REWIND_SECONDS = 3
QUERY_LENGTH = 100


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day as [start, end) aware datetimes."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    end = timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz
    )
    return start, end


def load_events(day: dt.date) -> pd.DataFrame:
    rows = Event.objects.filter(day=day).values_list(*EVENT_COLUMNS)
    frame = pd.DataFrame.from_records(
        list(rows.iterator(chunk_size=20000)), columns=EVENT_COLUMNS
    )
    for column in ("user_id", "course_id", "lesson_id", "object_id", "value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["kind"] = frame["kind"].astype(str)
    return frame


def _data(frame: pd.DataFrame, key: str) -> pd.Series:
    return frame["data"].map(lambda d: d.get(key) if isinstance(d, dict) else None)


def _of(frame: pd.DataFrame, *kinds) -> pd.DataFrame:
    return frame[frame["kind"].isin(kinds)]


def _count_by(frame: pd.DataFrame, key: str) -> pd.Series:
    return frame.dropna(subset=[key]).groupby(key).size()


def _ids(series) -> list[int]:
    return [int(x) for x in series]


# --- Per-person tables -----------------------------------------------------------


def _user_days(events: pd.DataFrame, day: dt.date) -> list[UserDay]:
    people = events.dropna(subset=["user_id"])
    if people.empty:
        return []
    grouped = people.groupby("user_id")
    study = people[people["kind"] == K.STUDY].groupby("user_id")["value"].sum()
    learned = people[people["kind"].isin(LEARNING_KINDS)].groupby("user_id").size()
    community = people[people["kind"].isin(COMMUNITY_KINDS)].groupby("user_id").size()
    counts = grouped.size()
    return [
        UserDay(
            day=day,
            user_id=int(user_id),
            events=int(n),
            study_seconds=int(round(study.get(user_id, 0))),
            learned=bool(learned.get(user_id, 0)),
            community=int(community.get(user_id, 0)),
        )
        for user_id, n in counts.items()
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


# --- Lessons, videos, searches ------------------------------------------------------


def _lesson_stats(events: pd.DataFrame, day: dt.date) -> list[DailyLessonStat]:
    lessons = events.dropna(subset=["lesson_id", "course_id"])
    if lessons.empty:
        return []
    by_lesson = lessons.groupby("lesson_id")
    course_of = by_lesson["course_id"].first()
    views = lessons[lessons["kind"] == K.LESSON_VIEW]
    viewers = views.dropna(subset=["user_id"]).groupby("lesson_id")["user_id"].nunique()
    learning = lessons[lessons["kind"].isin(LEARNING_KINDS)].dropna(subset=["user_id"])
    learners = learning.groupby("lesson_id")["user_id"].nunique()
    study = lessons[lessons["kind"] == K.STUDY].groupby("lesson_id")["value"].sum()
    starts = _count_by(_of(lessons, K.LESSON_START), "lesson_id")
    completions = _count_by(_of(lessons, K.LESSON_COMPLETE), "lesson_id")
    seeks = _of(lessons, K.VIDEO_SEEK)
    back = seeks[
        seeks["value"].notna()
        & (pd.to_numeric(_data(seeks, "from"), errors="coerce") - seeks["value"])
        .gt(REWIND_SECONDS)
        .to_numpy()
    ]
    rewinds = _count_by(back, "lesson_id")
    return [
        DailyLessonStat(
            day=day,
            lesson_id=int(lesson_id),
            course_id=int(course_id),
            viewers=int(viewers.get(lesson_id, 0)),
            learners=int(learners.get(lesson_id, 0)),
            study_seconds=int(round(study.get(lesson_id, 0))),
            starts=int(starts.get(lesson_id, 0)),
            completions=int(completions.get(lesson_id, 0)),
            rewinds=int(rewinds.get(lesson_id, 0)),
        )
        for lesson_id, course_id in course_of.items()
    ]


def _bucket(position, duration) -> pd.Series:
    share = pd.to_numeric(position, errors="coerce") / pd.to_numeric(
        duration, errors="coerce"
    )
    buckets = np.floor(share.clip(lower=0, upper=1) * DailyVideoBucket.BUCKETS)
    return buckets.clip(upper=DailyVideoBucket.BUCKETS - 1)


def _video_buckets(events: pd.DataFrame, day: dt.date) -> list[DailyVideoBucket]:
    beats = _of(events, K.STUDY).dropna(subset=["user_id", "lesson_id"])
    beats = beats.assign(
        pos=pd.to_numeric(_data(beats, "pos"), errors="coerce"),
        dur=pd.to_numeric(_data(beats, "dur"), errors="coerce"),
    )
    beats = beats[beats["pos"].notna() & (beats["dur"] > 0)]
    furthest = beats.groupby(["user_id", "lesson_id"]).agg(
        pos=("pos", "max"), dur=("dur", "max"), course_id=("course_id", "first")
    )
    furthest["bucket"] = _bucket(furthest["pos"], furthest["dur"])
    stops = furthest.groupby(["lesson_id", "bucket"]).size()
    course_of = furthest.groupby("lesson_id")["course_id"].first()

    seeks = _of(events, K.VIDEO_SEEK).dropna(subset=["lesson_id", "value"])
    seeks = seeks.assign(
        start=pd.to_numeric(_data(seeks, "from"), errors="coerce"),
        dur=pd.to_numeric(_data(seeks, "dur"), errors="coerce"),
    )
    back = seeks[
        ((seeks["start"] - seeks["value"]) > REWIND_SECONDS) & (seeks["dur"] > 0)
    ]
    back = back.assign(bucket=_bucket(back["value"], back["dur"]))
    rewinds = back.groupby(["lesson_id", "bucket"]).size()
    course_of = pd.concat([course_of, back.groupby("lesson_id")["course_id"].first()])
    course_of = course_of[~course_of.index.duplicated()]

    cells = set(stops.index) | set(rewinds.index)
    return [
        DailyVideoBucket(
            day=day,
            lesson_id=int(lesson_id),
            course_id=int(course_of[lesson_id]),
            bucket=int(bucket),
            stops=int(stops.get((lesson_id, bucket), 0)),
            rewinds=int(rewinds.get((lesson_id, bucket), 0)),
        )
        for lesson_id, bucket in sorted(cells)
        if not pd.isna(course_of.get(lesson_id))
    ]


def normalise_query(query) -> str:
    return " ".join(str(query or "").split()).casefold()[:QUERY_LENGTH]


def _search_stats(events: pd.DataFrame, day: dt.date) -> list[DailySearchStat]:
    searches = _of(events, K.SEARCH)
    if searches.empty:
        return []
    frame = pd.DataFrame(
        {
            "query": _data(searches, "q").map(normalise_query),
            "scope": _data(searches, "scope").fillna("").astype(str).str[:16],
            "results": searches["value"].fillna(0),
        }
    )
    frame = frame[frame["query"] != ""]
    frame["empty"] = (frame["results"] <= 0).astype(int)
    grouped = frame.groupby(["scope", "query"]).agg(
        searches=("results", "size"), empty=("empty", "sum"), results=("results", "sum")
    )
    return [
        DailySearchStat(
            day=day,
            scope=scope,
            query=query,
            searches=int(row["searches"]),
            empty=int(row["empty"]),
            results=int(row["results"]),
        )
        for (scope, query), row in grouped.iterrows()
    ]


def _question_stats(day: dt.date) -> list[DailyQuestionStat]:
    start, end = day_bounds(day)
    return [
        DailyQuestionStat(
            day=day,
            question_id=row["question_id"],
            lesson_id=row["question__quiz__lesson_id"],
            course_id=row["question__quiz__lesson__section__course_id"],
            answers=row["answers"],
            wrong=row["wrong"],
        )
        for row in learning_selectors.question_answers_by_day(start=start, end=end)
    ]


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


def _rows_for_courses(day, frame: pd.DataFrame, facts: dict) -> list[DailyCourseStat]:
    rows = []
    for course_id, values in frame.iterrows():
        fact = facts.get(int(course_id), {})
        rows.append(
            DailyCourseStat(
                day=day,
                course_id=int(course_id),
                category_id=fact.get("category_id"),
                creator_id=fact.get("creator_id"),
                **{k: int(values.get(k, 0)) for k in [*COURSE_COUNTS, *MONEY_COUNTS]},
                viewers=int(values.get("viewers", 0)),
            )
        )
    return rows


def _site_community(events: pd.DataFrame, day: dt.date) -> dict:
    threads = _of(events, K.THREAD_CREATE)
    posts = _of(events, K.POST_CREATE)
    search = _of(events, K.SEARCH)
    return {
        "thread_views": len(_of(events, K.THREAD_VIEW)),
        "threads": len(threads),
        "questions": int((_data(threads, "kind") == "question").sum()),
        "posts": len(posts),
        "answers": int((_data(posts, "kind") == "answer").sum()),
        "accepts": len(_of(events, K.ANSWER_ACCEPT)),
        "votes": len(_of(events, K.VOTE)),
        "reports": len(_of(events, K.REPORT)),
        "searches": len(search),
        "searches_empty": int((search["value"].fillna(0) <= 0).sum()),
        "rec_impressions": int(_of(events, K.REC_IMPRESSION)["value"].fillna(0).sum()),
        "wishlists": len(_of(events, K.WISHLIST)),
    }


def question_health(day: dt.date) -> dict:
    """Of the questions asked on ``day``: answered within a day, answered so far,
    minutes to the first answer (summed), accepted."""
    start, end = day_bounds(day)
    stats = {
        "questions_answered_1d": 0,
        "questions_answered": 0,
        "first_answer_minutes": 0,
        "questions_accepted": 0,
    }
    for row in community_selectors.question_stats(start=start, end=end):
        if row["accepted_post_id"]:
            stats["questions_accepted"] += 1
        answered = row["first_answer_at"]
        if answered is None:
            continue
        minutes = max(0, int((answered - row["created_at"]).total_seconds() // 60))
        stats["questions_answered"] += 1
        stats["first_answer_minutes"] += minutes
        if minutes <= 24 * 60:
            stats["questions_answered_1d"] += 1
    return stats


@transaction.atomic
def rollup_day(*, day: dt.date) -> dict:
    """Recompute every daily table for ``day``; returns a few totals."""
    events = load_events(day)
    lcd = _learner_course_frame(events)
    starts = _first_starts(day, lcd)
    money_frame, money_by_category, money_site = _money(day)
    course_frame = _course_frame(events, lcd, starts)
    course_frame = course_frame.join(money_frame, how="outer").fillna(0).astype("int64")
    facts = courses_selectors.course_facts(_ids(course_frame.index))
    parents = courses_selectors.category_parents()

    for model in (
        DailySiteStat,
        DailyCategoryStat,
        DailyCourseStat,
        DailyLessonStat,
        DailyVideoBucket,
        DailySearchStat,
        DailyQuestionStat,
        UserDay,
        LearnerCourseDay,
    ):
        model.objects.filter(day=day).delete()

    UserDay.objects.bulk_create(_user_days(events, day), batch_size=2000)
    LearnerCourseDay.objects.bulk_create(
        [
            LearnerCourseDay(
                day=day,
                user_id=int(user_id),
                course_id=int(course_id),
                **{k: int(round(v)) for k, v in values.items()},
            )
            for (user_id, course_id), values in lcd.iterrows()
        ],
        batch_size=2000,
    )
    DailyCourseStat.objects.bulk_create(
        _rows_for_courses(day, course_frame, facts), batch_size=2000
    )
    DailyLessonStat.objects.bulk_create(_lesson_stats(events, day), batch_size=2000)
    DailyVideoBucket.objects.bulk_create(_video_buckets(events, day), batch_size=2000)
    DailySearchStat.objects.bulk_create(_search_stats(events, day), batch_size=2000)
    DailyQuestionStat.objects.bulk_create(_question_stats(day), batch_size=2000)

    # Categories: a course counts in its category and in that category's parent.
    course_categories = {
        course_id: _category_lineage(fact.get("category_id"), parents)
        for course_id, fact in facts.items()
    }
    windows, site_windows = _windowed_active(
        day, _course_categories_for_window(day, course_categories, parents)
    )
    by_category: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for course_id, values in course_frame.iterrows():
        for category_id in course_categories.get(int(course_id), []):
            for key in [*COURSE_COUNTS, *MONEY_COUNTS]:
                by_category[category_id][key] += int(values.get(key, 0))
    for category_id, money in money_by_category.items():
        for lineage_id in _category_lineage(category_id, parents):
            for key, amount in money.items():
                by_category[lineage_id][key] += amount
    categories = set(by_category) | set(windows["d1"]) | set(windows["d30"])
    DailyCategoryStat.objects.bulk_create(
        [
            DailyCategoryStat(
                day=day,
                category_id=category_id,
                **{
                    key: value
                    for key, value in by_category.get(category_id, {}).items()
                    if key != "active_learners"
                },
                active_learners=windows["d1"].get(category_id, 0),
                wau=windows["d7"].get(category_id, 0),
                mau=windows["d30"].get(category_id, 0),
            )
            for category_id in sorted(categories)
            if category_id in parents
        ],
        batch_size=2000,
    )

    site = {key: int(course_frame[key].sum()) for key in COURSE_COUNTS}
    site.update(money_site)
    site["active_learners"] = site_windows["d1"]
    site["rec_clicks"] = len(_of(events, K.REC_CLICK))
    people = events.dropna(subset=["user_id"])
    dau = int(people["user_id"].nunique())
    start, end = day_bounds(day)
    stat = DailySiteStat.objects.create(
        day=day,
        dau=dau,
        wau=_distinct_active(day, 7),
        mau=_distinct_active(day, 30),
        signups=accounts_selectors.signups_by_day(start=start, end=end).get(day, 0),
        **site,
        **_site_community(events, day),
        **question_health(day),
    )
    return {"day": day, "events": len(events), "dau": stat.dau}


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


# --- Runs over ranges ----------------------------------------------------------------


def rollup_range(
    *,
    first_day: dt.date,
    last_day: dt.date,
    trigger: str = RollupRun.Trigger.SCHEDULE,
    progress: Callable[[dt.date, dict], None] | None = None,
) -> RollupRun:
    """Roll up every day from ``first_day`` to ``last_day`` in order.

    A `RollupRun` row shows the progress (each day commits on its own, so an
    interrupted backfill keeps the days it finished).
    """
    if last_day < first_day:
        raise ValueError("last_day is before first_day")
    total = (last_day - first_day).days + 1
    run = RollupRun.objects.create(
        trigger=trigger, first_day=first_day, last_day=last_day, days_total=total
    )
    started = time.monotonic()
    day = first_day
    try:
        while day <= last_day:
            summary = rollup_day(day=day)
            RollupRun.objects.filter(pk=run.pk).update(
                days_done=run.days_done + 1,
                events_read=run.events_read + summary["events"],
            )
            run.days_done += 1
            run.events_read += summary["events"]
            if progress is not None:
                progress(day, summary)
            day += dt.timedelta(days=1)
    except Exception as error:
        run.status = RollupRun.Status.FAILED
        run.error = f"{day}: {error!r}"[:2000]
        logger.exception("analytics rollup failed on %s", day)
        raise
    else:
        run.status = RollupRun.Status.DONE
    finally:
        run.finished_at = timezone.now()
        run.seconds = time.monotonic() - started
        run.save(update_fields=["status", "error", "finished_at", "seconds"])
    return run


def first_event_day() -> dt.date | None:
    return Event.objects.order_by("day").values_list("day", flat=True).first()


def community_health_settle(*, first_day: dt.date, last_day: dt.date) -> int:
    """Refresh only the question numbers of days already rolled up (answers to
    a day's questions keep coming after that day)."""
    updated = 0
    day = first_day
    while day <= last_day:
        updated += DailySiteStat.objects.filter(day=day).update(**question_health(day))
        day += dt.timedelta(days=1)
    return updated
