"""Per-lesson tables: lesson numbers, video positions, quiz questions."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from learning import selectors as learning_selectors

from ...models import DailyVideoBucket
from .frames import LEARNING_KINDS, REWIND_SECONDS, K, _count_by, _data, _of, day_bounds


def _lesson_stats(events: pd.DataFrame, day: dt.date) -> list[dict]:
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
    table = pd.DataFrame(
        {
            "course_id": course_of,
            "viewers": viewers,
            "learners": learners,
            "study": study,
            "starts": starts,
            "completions": completions,
            "rewinds": rewinds,
        }
    )
    table = table[table["course_id"].notna()].fillna(0)
    return [
        dict(
            day=day,
            lesson_id=int(lesson_id),
            course_id=int(course_id),
            viewers=int(n_viewers),
            learners=int(n_learners),
            study_seconds=int(round(seconds)),
            starts=int(n_starts),
            completions=int(n_completions),
            rewinds=int(n_rewinds),
        )
        for (
            lesson_id,
            course_id,
            n_viewers,
            n_learners,
            seconds,
            n_starts,
            n_completions,
            n_rewinds,
        ) in table.itertuples()
    ]


def _bucket(position, duration) -> pd.Series:
    share = pd.to_numeric(position, errors="coerce") / pd.to_numeric(
        duration, errors="coerce"
    )
    buckets = np.floor(share.clip(lower=0, upper=1) * DailyVideoBucket.BUCKETS)
    return buckets.clip(upper=DailyVideoBucket.BUCKETS - 1)


def _video_buckets(events: pd.DataFrame, day: dt.date) -> list[dict]:
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

    table = pd.DataFrame({"stops": stops, "rewinds": rewinds}).fillna(0)
    if table.empty:
        return []
    table = table.sort_index()
    table["course_id"] = course_of.reindex(table.index.get_level_values(0)).to_numpy()
    table = table[table["course_id"].notna()]
    return [
        dict(
            day=day,
            lesson_id=int(lesson_id),
            course_id=int(course_id),
            bucket=int(bucket),
            stops=int(n_stops),
            rewinds=int(n_rewinds),
        )
        for (lesson_id, bucket), n_stops, n_rewinds, course_id in table.itertuples()
    ]


def _question_stats(day: dt.date) -> list[dict]:
    start, end = day_bounds(day)
    return [
        dict(
            day=day,
            question_id=row["question_id"],
            lesson_id=row["question__quiz__lesson_id"],
            course_id=row["question__quiz__lesson__section__course_id"],
            answers=row["answers"],
            wrong=row["wrong"],
        )
        for row in learning_selectors.question_answers_by_day(start=start, end=end)
    ]
