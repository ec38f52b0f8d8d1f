"""The staff dashboards: every number comes from the rollup tables.

Each builder takes a `Scope` and returns a `Dashboard` (charts, tables, notes)
in a constant number of queries, whatever the number of raw events.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses import selectors as courses_selectors

from ..models import (
    CohortMonth,
    CourseSummary,
    DailyCategoryStat,
    DailyCourseStat,
    DailyLessonStat,
    DailySiteStat,
)
from ..services.money import from_cents
from ..services.summaries import lesson_drop_offs
from .charts import Chart, Series, days_between, share
from .filters import Scope, category_with_descendants


@dataclasses.dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]


@dataclasses.dataclass
class Dashboard:
    key: str
    title: str
    charts: list[Chart] = dataclasses.field(default_factory=list)
    tables: list[Table] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    links: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    #: Courses to pick for the per-lesson chart: [(id, title)].
    courses: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    extra: dict = dataclasses.field(default_factory=dict)

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)


# --- Reading the daily tables ----------------------------------------------------


def _daily(scope: Scope, fields: list[str], *, site_only: bool = False) -> dict:
    """{day: {field: value}} of the site, or of the scope's category."""
    if scope.category_id and not site_only:
        rows = DailyCategoryStat.objects.filter(category_id=scope.category_id)
    else:
        rows = DailySiteStat.objects.all()
    rows = rows.filter(day__gte=scope.start, day__lte=scope.end)
    return {row["day"]: row for row in rows.values("day", *fields)}


def _column(days, rows: dict, field: str, convert=int) -> list:
    return [convert(rows.get(day, {}).get(field) or 0) for day in days]


def _active_field(scope: Scope) -> str:
    return "active_learners" if scope.category_id else "dau"


def _category_note(scope: Scope, what: str) -> list[str]:
    if not scope.category_id:
        return []
    return [
        _("%(what)s are counted for the whole site, whatever the category.")
        % {"what": what}
    ]


def _course_rows(scope: Scope):
    rows = DailyCourseStat.objects.filter(day__gte=scope.start, day__lte=scope.end)
    if scope.category_id:
        parents = courses_selectors.category_parents()
        rows = rows.filter(
            category_id__in=category_with_descendants(scope.category_id, parents)
        )
    return rows


def _titles(course_ids) -> dict[int, str]:
    return {
        pk: fact["title"]
        for pk, fact in courses_selectors.course_facts(list(course_ids)).items()
    }


# --- Growth ----------------------------------------------------------------------


def growth(scope: Scope) -> Dashboard:
    days = days_between(scope.start, scope.end)
    active = _active_field(scope)
    rows = _daily(scope, [active, "wau", "mau", "enrolments"])
    site = _daily(scope, ["signups"], site_only=True)
    board = Dashboard("growth", _("Growth"))
    board.charts.append(
        Chart(
            "active",
            _("Active learners"),
            _("Day"),
            days,
            [
                Series("dau", _("Active in the day"), _column(days, rows, active)),
                Series("wau", _("Active in 7 days"), _column(days, rows, "wau")),
                Series("mau", _("Active in 30 days"), _column(days, rows, "mau")),
            ],
        )
    )
    board.charts.append(
        Chart(
            "signups",
            _("Sign-ups and enrolments"),
            _("Day"),
            days,
            [
                Series("signups", _("Sign-ups"), _column(days, site, "signups")),
                Series(
                    "enrolments", _("Enrolments"), _column(days, rows, "enrolments")
                ),
            ],
            kind="bar",
        )
    )
    board.notes += _category_note(scope, _("Sign-ups"))
    return board


# --- Revenue ---------------------------------------------------------------------


def revenue(scope: Scope) -> Dashboard:
    days = days_between(scope.start, scope.end)
    fields = ["revenue_cents", "refunds_cents", "earnings_cents", "commission_cents"]
    rows = _daily(scope, fields)
    board = Dashboard("revenue", _("Revenue"))
    board.charts.append(
        Chart(
            "money",
            _("Revenue, refunds and earnings per day"),
            _("Day"),
            days,
            [
                Series(
                    "revenue",
                    _("Revenue"),
                    _column(days, rows, "revenue_cents", from_cents),
                ),
                Series(
                    "refunds",
                    _("Refunded"),
                    _column(days, rows, "refunds_cents", from_cents),
                ),
                Series(
                    "earnings",
                    _("Creator earnings"),
                    _column(days, rows, "earnings_cents", from_cents),
                ),
                Series(
                    "commission",
                    _("Platform commission"),
                    _column(days, rows, "commission_cents", from_cents),
                ),
            ],
            kind="bar",
        )
    )
    top = list(
        _course_rows(scope)
        .values("course_id")
        .annotate(
            revenue=Sum("revenue_cents"), sales=Sum("sales"), refunds=Sum("refunds")
        )
        .filter(revenue__gt=0)
        .order_by("-revenue", "course_id")[:10]
    )
    titles = _titles(row["course_id"] for row in top)
    board.charts.append(
        Chart(
            "top_courses",
            _("Courses with the most revenue"),
            _("Course"),
            [titles.get(row["course_id"], str(row["course_id"])) for row in top],
            [
                Series(
                    "revenue", _("Revenue"), [from_cents(r["revenue"]) for r in top]
                ),
                Series(
                    "sales",
                    _("Items sold"),
                    [int(r["sales"]) for r in top],
                    kind="line",
                    right=True,
                ),
                Series(
                    "refunds",
                    _("Refunds"),
                    [int(r["refunds"]) for r in top],
                    kind="line",
                    right=True,
                ),
            ],
            kind="bar",
        )
    )
    return board


# --- Learning funnel and drop-off per lesson ---------------------------------------

FUNNEL = [
    ("course_views", gettext_lazy("Course page views")),
    ("enrolments", gettext_lazy("Enrolled learners")),
    ("starts", gettext_lazy("Started")),
    ("halfway", gettext_lazy("Past half")),
    ("completions", gettext_lazy("Completed")),
]


def _funnel_chart(totals: dict) -> Chart:
    counts = [int(totals.get(field) or 0) for field, _label in FUNNEL]
    shares = [None] + [share(b, a) for a, b in zip(counts, counts[1:], strict=False)]
    return Chart(
        "funnel",
        _("Learning funnel"),
        _("Step"),
        [str(label) for _field, label in FUNNEL],
        [
            Series("count", _("Learners"), counts),
            Series(
                "share",
                _("Share of the step before (%)"),
                shares,
                kind="line",
                right=True,
            ),
        ],
        kind="bar",
    )


def lesson_chart(course_id: int | None, title: str, rows) -> Chart:
    """Learners who completed each lesson and the share lost since the one before."""
    if course_id is None:
        return Chart("lessons", _("Drop-off per lesson"), _("Lesson"), [], [])
    lessons = courses_selectors.lessons_in_order([course_id]).get(course_id, [])
    completions = dict(
        DailyLessonStat.objects.filter(
            course_id=course_id, day__gte=rows["start"], day__lte=rows["end"]
        )
        .values("lesson_id")
        .annotate(n=Sum("completions"))
        .values_list("lesson_id", "n")
    )
    steps = lesson_drop_offs(lessons, completions, rows["starts"])
    return Chart(
        "lessons",
        _("Drop-off per lesson: %(course)s") % {"course": title},
        _("Lesson"),
        [f"{n}. {step['title']}" for n, step in enumerate(steps, start=1)],
        [
            Series(
                "completed",
                _("Learners who completed it"),
                [s["completed"] for s in steps],
            ),
            Series(
                "drop",
                _("Lost since the lesson before (%)"),
                [
                    None if s["drop"] is None else round(100 * s["drop"], 1)
                    for s in steps
                ],
                kind="line",
                right=True,
            ),
        ],
        kind="bar",
    )


def learning(scope: Scope) -> Dashboard:
    board = Dashboard("learning", _("Learning funnel"))
    if scope.category_id:
        source = DailyCategoryStat.objects.filter(category_id=scope.category_id)
    else:
        source = DailySiteStat.objects.all()
    totals = source.filter(day__gte=scope.start, day__lte=scope.end).aggregate(
        **{field: Sum(field) for field, _label in FUNNEL}
    )
    board.charts.append(_funnel_chart(totals))
    courses = list(
        _course_rows(scope)
        .values("course_id")
        .annotate(starts=Sum("starts"), enrolments=Sum("enrolments"))
        .filter(starts__gt=0)
        .order_by("-starts", "course_id")[:30]
    )
    titles = _titles(row["course_id"] for row in courses)
    board.courses = [(r["course_id"], titles.get(r["course_id"], "")) for r in courses]
    chosen = next(
        (r for r in courses if r["course_id"] == scope.course_id),
        courses[0] if courses else None,
    )
    if chosen:
        board.extra["course_id"] = chosen["course_id"]
        board.charts.append(
            lesson_chart(
                chosen["course_id"],
                titles.get(chosen["course_id"], ""),
                {
                    "start": scope.start,
                    "end": scope.end,
                    "starts": int(chosen["starts"]),
                },
            )
        )
    return board


# --- Completion next to quality and refunds; cohort value ------------------------


def courses(scope: Scope) -> Dashboard:
    board = Dashboard("courses", _("Completion, quality and refunds"))
    rows = list(
        _course_rows(scope)
        .values("course_id")
        .annotate(
            starts=Sum("starts"),
            completions=Sum("completions"),
            sales=Sum("sales"),
            refunds=Sum("refunds"),
        )
        .filter(starts__gt=0)
        .order_by("-starts", "course_id")[:20]
    )
    summaries = {
        s.course_id: s
        for s in CourseSummary.objects.filter(
            course_id__in=[r["course_id"] for r in rows]
        )
    }
    titles = _titles(r["course_id"] for r in rows)
    labels, completion, refund_rate, quality, drops = [], [], [], [], []
    for row in rows:
        summary = summaries.get(row["course_id"])
        labels.append(titles.get(row["course_id"], str(row["course_id"])))
        completion.append(share(row["completions"], row["starts"]))
        refund_rate.append(share(row["refunds"], row["sales"]))
        quality.append(
            float(summary.quality_score)
            if summary and summary.quality_score is not None
            else None
        )
        drops.append(
            round(100 * summary.worst_lesson_drop, 1)
            if summary and summary.worst_lesson_drop is not None
            else None
        )
    board.charts.append(
        Chart(
            "quality",
            _("Completion and refunds next to quality"),
            _("Course"),
            labels,
            [
                Series("completion", _("Completion (%)"), completion),
                Series("refund_rate", _("Refund rate (%)"), refund_rate),
                Series("worst_drop", _("Lost at the worst lesson (%)"), drops),
                Series("quality", _("Quality score"), quality, kind="line", right=True),
            ],
            kind="bar",
        )
    )
    pairs = [
        (d, r)
        for d, r in zip(drops, refund_rate, strict=True)
        if d is not None and r is not None
    ]
    if len(pairs) >= 3:
        import numpy as np

        drop_values, refund_values = zip(*pairs, strict=True)
        if np.std(drop_values) > 0 and np.std(refund_values) > 0:
            board.extra["correlation"] = round(
                float(np.corrcoef(drop_values, refund_values)[0, 1]), 2
            )
    board.tables.append(
        Table(
            _("Where each course loses learners"),
            [
                _("Course"),
                _("Lesson losing most"),
                _("Lost there (%)"),
                _("Refund rate (%)"),
            ],
            [
                [
                    labels[i],
                    getattr(summaries.get(row["course_id"]), "worst_lesson_title", "")
                    or "—",
                    drops[i] if drops[i] is not None else "—",
                    refund_rate[i] if refund_rate[i] is not None else "—",
                ]
                for i, row in enumerate(rows)
            ],
        )
    )
    return board


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def cohorts(scope: Scope) -> Dashboard:
    board = Dashboard("cohorts", _("Cohort value"))
    cells = list(
        CohortMonth.objects.filter(
            cohort__gte=_month(scope.start), cohort__lte=_month(scope.end)
        ).order_by("cohort", "offset")
    )
    by_cohort: dict[dt.date, dict[int, CohortMonth]] = defaultdict(dict)
    for cell in cells:
        by_cohort[cell.cohort][cell.offset] = cell
    chosen = sorted(by_cohort)[-12:]
    longest = max((max(by_cohort[c]) for c in chosen), default=-1)
    offsets = list(range(longest + 1))
    series, table = [], []
    for cohort in chosen:
        months = by_cohort[cohort]
        signups = max((c.signups for c in months.values()), default=0)
        age = _months_between(cohort, scope.end)
        running, values = 0, []
        for offset in offsets:
            running += months[offset].revenue_cents if offset in months else 0
            value = None
            if signups and offset <= age:
                value = from_cents(running / signups)
            values.append(value)
        series.append(Series(f"{cohort:%Y-%m}", f"{cohort:%Y-%m}", values))
        table.append(
            [
                f"{cohort:%Y-%m}",
                signups,
                sum(c.buyers for c in months.values()),
                from_cents(running),
                from_cents(running / signups) if signups else "—",
            ]
        )
    board.charts.append(
        Chart(
            "cohorts",
            _("Revenue per sign-up, by sign-up month, over the months after"),
            _("Months after sign-up"),
            offsets,
            series,
        )
    )
    board.tables.append(
        Table(
            _("Cohorts"),
            [
                _("Sign-up month"),
                _("Sign-ups"),
                _("Buyers"),
                _("Revenue"),
                _("Revenue per sign-up"),
            ],
            table,
        )
    )
    board.notes += _category_note(scope, _("Cohorts"))
    return board


def _months_between(first: dt.date, second: dt.date) -> int:
    return (second.year - first.year) * 12 + second.month - first.month
