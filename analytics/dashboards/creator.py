"""Creator analytics in the studio: the staff numbers, sliced to one creator's
courses (and never anyone else's)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Sum
from django.utils.translation import gettext as _

from courses import selectors as courses_selectors
from learning import selectors as learning_selectors

from ..models import (
    DailyCourseStat,
    DailyQuestionStat,
    DailyVideoBucket,
)
from ..services.money import from_cents
from .charts import Chart, Series, days_between, share
from .staff import Dashboard, Table, lesson_chart


@dataclasses.dataclass(frozen=True)
class CreatorScope:
    creator_id: int
    start: dt.date
    end: dt.date
    #: Only this course (already checked to be the creator's), or all of theirs.
    course_id: int | None = None
    lesson_id: int | None = None


def own_courses(creator_id: int) -> list[tuple[int, str]]:
    return [
        (pk, fact["title"])
        for pk, fact in sorted(
            courses_selectors.course_facts_of_creator(creator_id).items(),
            key=lambda item: item[1]["title"],
        )
    ]


def _mine(scope: CreatorScope, model=DailyCourseStat):
    rows = model.objects.filter(day__gte=scope.start, day__lte=scope.end)
    if model is DailyCourseStat:
        rows = rows.filter(creator_id=scope.creator_id)
    if scope.course_id is not None:
        rows = rows.filter(course_id=scope.course_id)
    return rows


def creator_dashboard(scope: CreatorScope, courses: list[tuple[int, str]]) -> Dashboard:
    board = Dashboard("studio", _("Analytics of my courses"))
    titles = dict(courses)
    days = days_between(scope.start, scope.end)
    fields = [
        "active_learners",
        "study_seconds",
        "completions",
        "enrolments",
        "revenue_cents",
        "earnings_cents",
        "ratings",
        "rating_sum",
    ]
    per_day = {
        row["day"]: row
        for row in _mine(scope)
        .values("day")
        .annotate(**{f: Sum(f) for f in fields})
        .order_by("day")
    }

    def column(field, convert=int):
        return [convert(per_day.get(d, {}).get(field) or 0) for d in days]

    board.charts.append(
        Chart(
            "learners",
            _("Learners, study minutes and completions"),
            _("Day"),
            days,
            [
                Series("learners", _("Active learners"), column("active_learners")),
                Series("enrolments", _("Enrolments"), column("enrolments")),
                Series("completions", _("Completions"), column("completions")),
                Series(
                    "minutes",
                    _("Study minutes"),
                    column("study_seconds", lambda s: round(int(s) / 60)),
                    kind="line",
                    right=True,
                ),
            ],
            kind="bar",
        )
    )
    board.charts.append(
        Chart(
            "revenue",
            _("Revenue and my earnings"),
            _("Day"),
            days,
            [
                Series("revenue", _("Revenue"), column("revenue_cents", from_cents)),
                Series(
                    "earnings", _("My earnings"), column("earnings_cents", from_cents)
                ),
            ],
            kind="bar",
        )
    )
    # Ratings over time: by week, so that single ratings do not make noise.
    weeks: dict[dt.date, list[int]] = {}
    for day in days:
        week = day - dt.timedelta(days=day.weekday())
        row = per_day.get(day, {})
        cell = weeks.setdefault(week, [0, 0])
        cell[0] += int(row.get("ratings") or 0)
        cell[1] += int(row.get("rating_sum") or 0)
    board.charts.append(
        Chart(
            "ratings",
            _("Ratings per week"),
            _("Week of"),
            list(weeks),
            [
                Series("ratings", _("Ratings"), [n for n, _s in weeks.values()]),
                Series(
                    "average",
                    _("Average rating"),
                    [round(s / n, 2) if n else None for n, s in weeks.values()],
                    kind="line",
                    right=True,
                ),
            ],
            kind="bar",
        )
    )

    totals = {
        row["course_id"]: row
        for row in _mine(scope)
        .values("course_id")
        .annotate(
            **{f: Sum(f) for f in fields}, starts=Sum("starts"), sales=Sum("sales")
        )
    }
    board.tables.append(
        Table(
            _("My courses in this range"),
            [
                _("Course"),
                _("Enrolments"),
                _("Study minutes"),
                _("Completion (%)"),
                _("Revenue"),
                _("Average rating"),
            ],
            [
                [
                    title,
                    int(totals.get(pk, {}).get("enrolments") or 0),
                    round(int(totals.get(pk, {}).get("study_seconds") or 0) / 60),
                    share(
                        totals.get(pk, {}).get("completions") or 0,
                        totals.get(pk, {}).get("starts"),
                    ),
                    from_cents(totals.get(pk, {}).get("revenue_cents") or 0),
                    round(totals[pk]["rating_sum"] / totals[pk]["ratings"], 2)
                    if totals.get(pk, {}).get("ratings")
                    else None,
                ]
                for pk, title in courses
                if scope.course_id in (None, pk)
            ],
        )
    )
    if scope.course_id is not None:
        _course_detail(board, scope, titles, totals)
    return board


def _course_detail(board: Dashboard, scope: CreatorScope, titles, totals) -> None:
    course_id = scope.course_id
    starts = int(totals.get(course_id, {}).get("starts") or 0)
    board.charts.append(
        lesson_chart(
            course_id,
            titles.get(course_id, ""),
            {"start": scope.start, "end": scope.end, "starts": starts},
        )
    )
    # Where in a video people stop and rewind to (5 % slices), per video lesson.
    videos = [
        lesson
        for lesson in courses_selectors.lessons_in_order([course_id]).get(course_id, [])
        if lesson["kind"] == "video"
    ]
    board.extra["videos"] = [(v["pk"], v["title"]) for v in videos]
    lesson = next(
        (v for v in videos if v["pk"] == scope.lesson_id), videos[0] if videos else None
    )
    if lesson is not None:
        board.extra["lesson_id"] = lesson["pk"]
        buckets = {
            row["bucket"]: row
            for row in _mine(scope, DailyVideoBucket)
            .filter(lesson_id=lesson["pk"])
            .values("bucket")
            .annotate(stops=Sum("stops"), rewinds=Sum("rewinds"))
        }
        slices = range(DailyVideoBucket.BUCKETS)
        step = 100 // DailyVideoBucket.BUCKETS
        board.charts.append(
            Chart(
                "video",
                _("Where viewers stop and rewind to: %(lesson)s")
                % {"lesson": lesson["title"]},
                _("Position in the video (%)"),
                [f"{b * step}–{(b + 1) * step}" for b in slices],
                [
                    Series(
                        "stops",
                        _("Stopped here"),
                        [int(buckets.get(b, {}).get("stops") or 0) for b in slices],
                    ),
                    Series(
                        "rewinds",
                        _("Rewound to here"),
                        [int(buckets.get(b, {}).get("rewinds") or 0) for b in slices],
                    ),
                ],
                kind="bar",
            )
        )
    failed = list(
        _mine(scope, DailyQuestionStat)
        .values("question_id")
        .annotate(answers=Sum("answers"), wrong=Sum("wrong"))
        .filter(wrong__gt=0)
        .order_by("-wrong", "question_id")[:10]
    )
    prompts = learning_selectors.question_prompts(r["question_id"] for r in failed)
    board.charts.append(
        Chart(
            "questions",
            _("Quiz questions most often answered wrongly"),
            _("Quiz question"),
            [
                _short(prompts.get(r["question_id"], {}).get("prompt", ""))
                or str(r["question_id"])
                for r in failed
            ],
            [
                Series("wrong", _("Wrong answers"), [int(r["wrong"]) for r in failed]),
                Series(
                    "wrong_share",
                    _("Wrong answers (%)"),
                    [share(r["wrong"], r["answers"]) for r in failed],
                    kind="line",
                    right=True,
                ),
            ],
            kind="bar",
        )
    )


def _short(text: str, length: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1] + "…"
