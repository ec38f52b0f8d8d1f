"""Generate raw analytics events for the benchmarks (10 million by default).

The mix looks like a busy platform's: most rows are study heartbeats from the
lesson player, then lesson and course views, seeks, progress, quizzes,
searches (some without results), community actions and recommendation
impressions, spread over `days` days with more on weekdays. Course and lesson
ids are the database's own when there are courses (so dashboards can name
them), else synthetic.

On PostgreSQL the rows go in with COPY (about a minute per 10 million);
elsewhere with bulk_create, which is slow: use fewer events there.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
from django.db import connection
from django.utils import timezone

KINDS = [
    # kind, share of all events
    ("study", 0.50),
    ("lesson_view", 0.10),
    ("course_view", 0.08),
    ("video_seek", 0.05),
    ("thread_view", 0.05),
    ("visit", 0.04),
    ("lesson_start", 0.03),
    ("lesson_complete", 0.03),
    ("search", 0.03),
    ("course_progress", 0.02),
    ("quiz_attempt", 0.02),
    ("rec_impression", 0.02),
    ("rec_click", 0.005),
    ("post_create", 0.01),
    ("vote", 0.01),
    ("enrolment", 0.005),
    ("thread_create", 0.003),
    ("answer_accept", 0.001),
    ("review", 0.001),
]
QUERIES = ["python", "机器学习", "excel 技巧", "摄影入门", "rust", "量子计算", "写作"]
COURSES_PER_LEARNER = 3
COLUMNS = "occurred_at,day,kind,user_id,course_id,lesson_id,object_id,value,data"


def course_plan(rng, *, courses: int = 2000) -> tuple[np.ndarray, dict]:
    """(course ids, {course id: lesson ids}) from the database, else synthetic."""
    from courses import selectors as courses_selectors

    facts = courses_selectors.course_facts()
    ids = np.array(sorted(facts)[:courses], dtype=np.int64)
    if len(ids):
        lessons = courses_selectors.lessons_in_order(ids.tolist())
        plan = {int(c): [row["pk"] for row in lessons.get(int(c), [])] for c in ids}
        plan = {c: ls for c, ls in plan.items() if ls}
        if plan:
            return np.array(sorted(plan), dtype=np.int64), plan
    ids = np.arange(1, courses + 1, dtype=np.int64) + 10_000_000
    return ids, {int(c): [int(c) * 100 + k for k in range(12)] for c in ids}


def _data(kind: str, rng, n: int, values: np.ndarray) -> list[str]:
    if kind == "study":
        pos = rng.uniform(0, 1800, n).round(1)
        return [json.dumps({"pos": float(p), "dur": 1800.0}) for p in pos]
    if kind == "video_seek":
        start = rng.uniform(0, 1800, n).round(1)
        return [json.dumps({"from": float(s), "dur": 1800.0}) for s in start]
    if kind == "search":
        picks = rng.integers(0, len(QUERIES), n)
        return [
            json.dumps({"q": QUERIES[i], "scope": "courses"}, ensure_ascii=False)
            for i in picks
        ]
    if kind == "course_progress":
        return [json.dumps({"from": float(max(0, v - 10))}) for v in values]
    if kind in ("thread_create", "post_create"):
        answer = rng.random(n) < 0.5
        return [
            json.dumps({"kind": "question" if a else "discussion"})
            if kind == "thread_create"
            else json.dumps({"kind": "answer" if a else "reply"})
            for a in answer
        ]
    return ["{}"] * n


def day_rows(rng, day: dt.date, n: int, *, users: int, courses, plan) -> io.StringIO:
    """One day's events as CSV for COPY."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    shares = np.array([share for _k, share in KINDS])
    counts = rng.multinomial(n, shares / shares.sum())
    out = io.StringIO()
    for (kind, _share), count in zip(KINDS, counts, strict=True):
        if not count:
            continue
        user = rng.integers(1, users + 1, count)
        # Each learner studies a few courses of their own, not random ones.
        slots = (user[:, None] * 7919 + np.arange(COURSES_PER_LEARNER) * 104729) % len(
            courses
        )
        course = courses[
            slots[np.arange(count), rng.integers(0, COURSES_PER_LEARNER, count)]
        ]
        lesson = np.array(
            [
                plan[int(c)][int(r * len(plan[int(c)]))]
                for c, r in zip(course, rng.random(count), strict=True)
            ]
        )
        seconds = rng.integers(0, 86400, count)
        value = {
            "study": rng.integers(10, 61, count).astype(float),
            "video_seek": rng.uniform(0, 1800, count).round(1),
            "quiz_attempt": rng.integers(0, 101, count).astype(float),
            "search": np.where(
                rng.random(count) < 0.15, 0, rng.integers(1, 40, count)
            ).astype(float),
            "course_progress": rng.integers(5, 101, count).astype(float),
            "rec_impression": rng.integers(3, 11, count).astype(float),
            "review": rng.integers(1, 6, count).astype(float),
        }.get(kind)
        data = _data(kind, rng, count, value if value is not None else np.zeros(count))
        has_lesson = kind in (
            "study",
            "video_seek",
            "lesson_view",
            "lesson_start",
            "lesson_complete",
            "quiz_attempt",
        )
        has_course = has_lesson or kind in (
            "course_view",
            "course_progress",
            "enrolment",
            "review",
            "rec_click",
        )
        null = "\\N"
        for i in range(count):
            moment = start + dt.timedelta(seconds=int(seconds[i]))
            fields = (
                moment.isoformat(),
                day.isoformat(),
                kind,
                str(user[i]),
                str(course[i]) if has_course else null,
                str(lesson[i]) if has_lesson else null,
                null,
                str(value[i]) if value is not None else null,
                data[i],
            )
            out.write("\t".join(fields) + "\n")
    out.seek(0)
    return out


def generate(
    *, events: int, days: int, users: int = 20000, seed: int = 0, progress=print
) -> int:
    """Write ``events`` events over the ``days`` days up to today; returns the count."""
    from analytics.models import Event

    rng = np.random.default_rng(seed)
    courses, plan = course_plan(rng)
    today = timezone.localdate()
    first = today - dt.timedelta(days=days - 1)
    weights = np.array(
        [1.0 if (first + dt.timedelta(d)).weekday() < 5 else 0.7 for d in range(days)]
    )
    per_day = rng.multinomial(events, weights / weights.sum())
    written = 0
    for offset, n in enumerate(per_day):
        day = first + dt.timedelta(days=offset)
        buffer = day_rows(rng, day, int(n), users=users, courses=courses, plan=plan)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw = cursor.cursor
                table = Event._meta.db_table
                with raw.copy(f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
                    while chunk := buffer.read(1 << 20):
                        copy.write(chunk)
        else:
            rows = []
            for line in buffer:
                at, d, kind, u, c, lesson, _o, v, data = line.rstrip("\n").split("\t")
                rows.append(
                    Event(
                        occurred_at=dt.datetime.fromisoformat(at),
                        day=dt.date.fromisoformat(d),
                        kind=kind,
                        user_id=int(u),
                        course_id=None if c == "\\N" else int(c),
                        lesson_id=None if lesson == "\\N" else int(lesson),
                        value=None if v == "\\N" else float(v),
                        data=json.loads(data),
                    )
                )
            Event.objects.bulk_create(rows, batch_size=5000)
        written += int(n)
        progress(f"  {day}: {int(n)} events ({written}/{events})")
    return written
