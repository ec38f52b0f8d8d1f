"""Reads of analytics used by several pages (studio, admin, My learning)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils import timezone

from accounts.models import User
from courses import selectors as courses_selectors

from .models import LearningGoal, Nudge, RiskModelRun, RiskScore, UserDay
from .reason_text import reason_text
from .services.risk import latest_run


@dataclasses.dataclass
class AtRisk:
    enrollment_id: int
    user_id: int
    learner: str
    course_id: int
    course: str
    score: float
    level: str
    level_label: str
    reasons: list[str]
    days_since_active: int
    progress_percent: int
    nudged_today: bool


def risk_list(
    *,
    creator_id: int | None = None,
    course_id: int | None = None,
    limit: int = 50,
    minimum: float = 0.0,
) -> tuple[RiskModelRun | None, list[AtRisk]]:
    """The latest run's riskiest active enrolments (a creator's, or everyone's)."""
    run = latest_run()
    if run is None:
        return None, []
    scores = RiskScore.objects.filter(run=run, score__gte=minimum).exclude(
        level=RiskScore.Level.LOW
    )
    if creator_id is not None:
        scores = scores.filter(creator_id=creator_id)
    if course_id is not None:
        scores = scores.filter(course_id=course_id)
    scores = list(scores.order_by("-score", "enrollment_id")[:limit])
    names = {
        user.pk: user.display_name
        for user in User.objects.filter(
            pk__in={s.user_id for s in scores}
        ).select_related("profile")
    }
    facts = courses_selectors.course_facts({s.course_id for s in scores})
    nudged = set(
        Nudge.objects.filter(
            enrollment_id__in=[s.enrollment_id for s in scores],
            sent_on=timezone.localdate(),
        ).values_list("enrollment_id", flat=True)
    )
    levels = dict(RiskScore.Level.choices)
    return run, [
        AtRisk(
            enrollment_id=s.enrollment_id,
            user_id=s.user_id,
            learner=names.get(s.user_id, "—"),
            course_id=s.course_id,
            course=facts.get(s.course_id, {}).get("title", "—"),
            score=s.score,
            level=s.level,
            level_label=str(levels.get(s.level, s.level)),
            reasons=[reason_text(r) for r in s.reasons],
            days_since_active=s.days_since_active,
            progress_percent=s.progress_percent,
            nudged_today=s.enrollment_id in nudged,
        )
        for s in scores
    ]


def risk_runs(limit: int = 20) -> list[RiskModelRun]:
    return list(
        RiskModelRun.objects.filter(status=RiskModelRun.Status.DONE).order_by(
            "-created_at", "-id"
        )[:limit]
    )[::-1]


@dataclasses.dataclass
class MyNumbers:
    week_minutes: int
    goal_minutes: int | None
    goal_percent: int | None
    streak_days: int
    days: list[tuple[dt.date, int]]


def my_numbers(*, user_id: int, today: dt.date | None = None) -> MyNumbers:
    """A learner's study this week (Monday on), streak of days and goal (2 queries)."""
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    rows = dict(
        UserDay.objects.filter(
            user_id=user_id, day__gte=today - dt.timedelta(days=365), learned=True
        ).values_list("day", "study_seconds")
    )
    week_seconds = sum(s for d, s in rows.items() if d >= monday)
    streak = 0
    day = today if today in rows else today - dt.timedelta(days=1)
    while day in rows:
        streak += 1
        day -= dt.timedelta(days=1)
    goal = LearningGoal.objects.filter(user_id=user_id).first()
    goal_minutes = goal.weekly_minutes if goal else None
    week_minutes = week_seconds // 60
    return MyNumbers(
        week_minutes=week_minutes,
        goal_minutes=goal_minutes,
        goal_percent=min(100, week_minutes * 100 // goal_minutes)
        if goal_minutes
        else None,
        streak_days=streak,
        days=[
            (
                monday + dt.timedelta(days=n),
                rows.get(monday + dt.timedelta(days=n), 0) // 60,
            )
            for n in range(7)
        ],
    )
