"""Slow-moving numbers refreshed nightly: course summaries and cohort value."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Sum

from accounts import selectors as accounts_selectors
from commerce import selectors as commerce_selectors
from courses import selectors as courses_selectors
from rewards import selectors as rewards_selectors

from ..models import CohortMonth, CourseSummary, DailyCourseStat, DailyLessonStat
from .money import to_cents

#: A step of the lesson funnel counts only when this many learners reached the
#: lesson before it (fewer make percentages noise).
MIN_LEARNERS_FOR_DROP = 5


def lesson_drop_offs(lessons: list[dict], completions: dict, starts: int) -> list[dict]:
    """Each lesson with the learners who completed it and the share lost since
    the lesson before (the first lesson is compared with the course starts)."""
    rows = []
    previous = starts
    for lesson in lessons:
        done = int(completions.get(lesson["pk"], 0))
        drop = None
        if previous >= MIN_LEARNERS_FOR_DROP:
            drop = max(0.0, 1 - done / previous)
        rows.append(
            {**lesson, "completed": done, "reached_before": previous, "drop": drop}
        )
        previous = done
    return rows


@transaction.atomic
def course_summaries_refresh() -> int:
    """Rewrite the summary of every course that has numbers."""
    totals = {
        row["course_id"]: row
        for row in DailyCourseStat.objects.values("course_id").annotate(
            starts=Sum("starts")
        )
    }
    course_ids = list(totals)
    facts = courses_selectors.course_facts(course_ids)
    lessons = courses_selectors.lessons_in_order(course_ids)
    completions = dict(
        DailyLessonStat.objects.filter(course_id__in=course_ids)
        .values("lesson_id")
        .annotate(n=Sum("completions"))
        .values_list("lesson_id", "n")
    )
    quality = rewards_selectors.course_quality_scores(course_ids)
    rows = []
    for course_id in course_ids:
        fact = facts.get(course_id)
        if fact is None:
            continue
        steps = lesson_drop_offs(
            lessons.get(course_id, []), completions, totals[course_id]["starts"] or 0
        )
        worst = max(
            (s for s in steps if s["drop"] is not None),
            key=lambda s: s["drop"],
            default=None,
        )
        rows.append(
            CourseSummary(
                course_id=course_id,
                title=fact["title"][:200],
                category_id=fact["category_id"],
                creator_id=fact["creator_id"],
                quality_score=quality.get(course_id),
                rating_average=fact.get("rating_average"),
                lessons=len(steps),
                worst_lesson_id=worst["pk"] if worst else None,
                worst_lesson_title=worst["title"][:200] if worst else "",
                worst_lesson_drop=worst["drop"] if worst else None,
            )
        )
    CourseSummary.objects.all().delete()
    CourseSummary.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _months_between(first, second) -> int:
    return (second.year - first.year) * 12 + second.month - first.month


@transaction.atomic
def cohorts_refresh() -> int:
    """Revenue per sign-up month and month after (all history, a small table)."""
    signups = {
        month.date() if hasattr(month, "date") else month: n
        for month, n in accounts_selectors.signups_by_month().items()
    }
    cells: dict[tuple, dict] = defaultdict(lambda: {"revenue": 0, "buyers": 0})
    for row in commerce_selectors.revenue_by_signup_month():
        if row["cohort"] is None or row["month"] is None:
            continue
        cohort = (
            row["cohort"].date() if hasattr(row["cohort"], "date") else row["cohort"]
        )
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        offset = _months_between(cohort, month)
        if offset < 0:
            continue
        cell = cells[(cohort, offset)]
        cell["revenue"] += to_cents(row["gross"] or 0)
        cell["buyers"] += row["buyers"]
    CohortMonth.objects.all().delete()
    CohortMonth.objects.bulk_create(
        [
            CohortMonth(
                cohort=cohort,
                offset=offset,
                signups=signups.get(cohort, 0),
                buyers=cell["buyers"],
                revenue_cents=cell["revenue"],
            )
            for (cohort, offset), cell in sorted(cells.items())
        ]
        + [
            CohortMonth(cohort=cohort, offset=0, signups=n)
            for cohort, n in signups.items()
            if (cohort, 0) not in cells
        ]
    )
    return len(cells)
