"""Demo data for analytics: a behaviour history with planted drop-outs.

Every started demo enrolment gets days of study (heartbeats, lesson views and
completions, quiz attempts) consistent with how it ended:

* completed: steady study up to the completion day;
* left long ago: irregular study that thins out, then nothing for weeks (the
  drop-outs the model learns from);
* running: study on most days up to today;
* planted drop-outs (`planted(user_id)`, one learner in five): a running
  enrolment that studied regularly, slowed down with falling quiz scores, and
  has not been back for 12 to 24 days. The risk list must name them.

Then the days are rolled up, the drop-out model is trained and scores the
running enrolments, and the learners are segmented, so that every dashboard
has numbers. Idempotent: nothing is added when study events exist.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from demo.seeding import SeedContext, SeedStep

MAX_DAYS = 110


def planted(user_id: int) -> bool:
    """The demo learners whose running enrolments were made to fade."""
    return user_id % 5 == 0


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    tz = timezone.get_current_timezone()
    at = dt.datetime.combine(
        day, dt.time(hour=rng.randint(7, 22), minute=rng.randint(0, 59))
    )
    return timezone.make_aware(at, tz)


def _study_day(
    rows, rng, *, day, user_id, course_id, lesson, quiz_score=None, complete=False
):
    lesson_id, kind = lesson
    at = _moment(day, rng)
    common = {"user_id": user_id, "course_id": course_id, "lesson_id": lesson_id}
    rows.append({"occurred_at": at, "kind": "lesson_view", **common})
    for beat in range(rng.randint(3, 12)):
        rows.append(
            {
                "occurred_at": at + dt.timedelta(minutes=beat),
                "kind": "study",
                "value": 60.0,
                "data": {"pos": 60.0 * (beat + 1), "dur": 900.0}
                if kind == "video"
                else {},
                **common,
            }
        )
    if kind == "quiz" and quiz_score is not None:
        rows.append(
            {
                "occurred_at": at,
                "kind": "quiz_attempt",
                "value": float(quiz_score),
                **common,
            }
        )
    if complete:
        rows.append({"occurred_at": at, "kind": "lesson_complete", **common})


def _history(rng, *, today, enrolment, lessons, user_id) -> list[dict]:
    """The days of one enrolment, by how it ended."""
    rows: list[dict] = []
    if (
        not lessons
        or enrolment["last_activity_at"] is None
        and not enrolment["completed_at"]
    ):
        return rows
    course_id = enrolment["course_id"]
    if enrolment["completed_at"]:
        end = timezone.localdate(enrolment["completed_at"])
        start, stop, pace, fade = (
            end - dt.timedelta(days=rng.randint(20, 45)),
            end,
            0.65,
            False,
        )
    elif planted(user_id):
        stop = today - dt.timedelta(days=rng.randint(12, 24))
        start, pace, fade = stop - dt.timedelta(days=rng.randint(20, 40)), 0.7, True
    elif rng.random() < 0.45:  # left long ago, after thinning out
        stop = today - dt.timedelta(days=rng.randint(40, 70))
        start, pace, fade = stop - dt.timedelta(days=rng.randint(8, 30)), 0.45, True
    else:  # running well
        stop = today - dt.timedelta(days=rng.randint(0, 2))
        start, pace, fade = today - dt.timedelta(days=rng.randint(20, 60)), 0.65, False
    start = max(start, today - dt.timedelta(days=MAX_DAYS))
    days = (stop - start).days + 1
    position = 0
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        progress = offset / max(1, days - 1)
        chance = pace * (1 - 0.7 * progress) if fade else pace
        if day != stop and rng.random() > chance:
            continue
        lesson = lessons[min(position, len(lessons) - 1)]
        score = 85 - 45 * progress if fade else 80 + rng.uniform(-10, 15)
        complete = position < len(lessons) and rng.random() < 0.6
        _study_day(
            rows,
            rng,
            day=day,
            user_id=user_id,
            course_id=course_id,
            lesson=lesson,
            quiz_score=max(0, min(100, round(score + rng.uniform(-8, 8)))),
            complete=complete,
        )
        position += complete
    return rows


def seed_analytics(ctx: SeedContext) -> None:
    from accounts.models import User
    from analytics.models import Event
    from analytics.recording import events_import
    from analytics.services import rollups, summaries
    from analytics.services.risk import risk_run_execute
    from analytics.services.segments import segments_run_execute
    from courses import selectors as courses_selectors
    from learning import selectors as learning_selectors

    # The history's own events (study heartbeats): the steps before this one
    # record sales and enrolments through the services, so "any event" would
    # skip the history whenever events are written to the database directly
    # (no Redis buffer: `make run`).
    if Event.objects.filter(kind="study").exists():
        ctx.log("  analytics: demo behaviour exists already, nothing added")
        return
    if ctx.scale != "small":
        # bench/analyticsdata.py generates behaviour at scale, much faster.
        ctx.log("  analytics: behaviour is seeded at the small scale only")
        return
    today = timezone.localdate()
    learners = set(
        User.objects.filter(
            role=User.Role.LEARNER, email__endswith="@demo.kp"
        ).values_list("pk", flat=True)
    )
    enrolments = [
        e for e in learning_selectors.enrollment_facts() if e["user_id"] in learners
    ]
    lessons = {
        course_id: [(row["pk"], row["kind"]) for row in rows]
        for course_id, rows in courses_selectors.lessons_in_order(
            {e["course_id"] for e in enrolments}
        ).items()
    }
    rows: list[dict] = []
    for enrolment in ctx.progress(enrolments, total=len(enrolments), desc="behaviour"):
        rng = random.Random(f"{ctx.seed}:analytics:{enrolment['pk']}")
        rows += _history(
            rng,
            today=today,
            enrolment=enrolment,
            lessons=lessons.get(enrolment["course_id"], []),
            user_id=enrolment["user_id"],
        )
    count = events_import(rows)
    first = rollups.first_event_day()
    if first is None:
        ctx.log("  analytics: no behaviour to roll up")
        return
    run = rollups.rollup_range(first_day=first, last_day=today, trigger="backfill")
    summaries.course_summaries_refresh()
    summaries.cohorts_refresh()
    risk = risk_run_execute(today=today)
    segments = segments_run_execute(day=today)
    ctx.log(
        f"  analytics: {count} events, {run.days_done} days rolled up, "
        f"risk model {risk.status} (ROC AUC {risk.roc_auc}), {risk.scored} scored, "
        f"segments {segments.status}"
    )


SEED_STEPS = [SeedStep(order=80, name="analytics", run=seed_analytics)]
