"""Staff dashboards of the whole site: community, searches, recommendations."""

from __future__ import annotations

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import DailySearchStat
from .charts import Chart, Series, days_between, share
from .filters import Scope
from .staff import Dashboard, _category_note, _column, _daily

# --- Community, searches, recommendations ---------------------------------------


def community(scope: Scope) -> Dashboard:
    days = days_between(scope.start, scope.end)
    fields = [
        "questions",
        "answers",
        "accepts",
        "reports",
        "posts",
        "questions_answered_1d",
        "questions_accepted",
        "questions_answered",
        "first_answer_minutes",
    ]
    rows = _daily(scope, fields, site_only=True)
    board = Dashboard("community", _("Community health"))
    board.charts.append(
        Chart(
            "activity",
            _("Questions, answers and reports"),
            _("Day"),
            days,
            [
                Series(
                    "questions", _("Questions asked"), _column(days, rows, "questions")
                ),
                Series("answers", _("Answers"), _column(days, rows, "answers")),
                Series(
                    "accepts", _("Accepted answers"), _column(days, rows, "accepts")
                ),
                Series("reports", _("Reports"), _column(days, rows, "reports")),
            ],
            kind="bar",
        )
    )

    def ratio(field, whole):
        return [
            share(rows.get(d, {}).get(field) or 0, rows.get(d, {}).get(whole))
            for d in days
        ]

    hours = []
    for day in days:
        row = rows.get(day, {})
        answered = row.get("questions_answered") or 0
        hours.append(
            round(row["first_answer_minutes"] / answered / 60, 1) if answered else None
        )
    board.charts.append(
        Chart(
            "health",
            _(
                "Questions answered within a day, accepted, and hours to the first answer"
            ),
            _("Day (questions asked)"),
            days,
            [
                Series(
                    "answered_1d",
                    _("Answered within a day (%)"),
                    ratio("questions_answered_1d", "questions"),
                ),
                Series(
                    "accepted",
                    _("With an accepted answer (%)"),
                    ratio("questions_accepted", "questions"),
                ),
                Series("hours", _("Hours to the first answer"), hours, right=True),
            ],
        )
    )
    board.notes += _category_note(scope, _("Community numbers"))
    return board


def searches(scope: Scope) -> Dashboard:
    days = days_between(scope.start, scope.end)
    rows = _daily(scope, ["searches", "searches_empty"], site_only=True)
    board = Dashboard("searches", _("Searches without results"))
    top = list(
        DailySearchStat.objects.filter(day__gte=scope.start, day__lte=scope.end)
        .values("query")
        .annotate(empty=Sum("empty"), searches=Sum("searches"))
        .filter(empty__gt=0)
        .order_by("-empty", "query")[:20]
    )
    board.charts.append(
        Chart(
            "empty_queries",
            _("Top searches without results"),
            _("Query"),
            [row["query"] for row in top],
            [
                Series("empty", _("Without results"), [int(r["empty"]) for r in top]),
                Series("searches", _("Searches"), [int(r["searches"]) for r in top]),
            ],
            kind="bar",
        )
    )
    board.charts.append(
        Chart(
            "daily",
            _("Searches per day"),
            _("Day"),
            days,
            [
                Series("searches", _("Searches"), _column(days, rows, "searches")),
                Series(
                    "empty", _("Without results"), _column(days, rows, "searches_empty")
                ),
            ],
        )
    )
    board.notes += _category_note(scope, _("Searches"))
    return board


def experiments(scope: Scope) -> Dashboard:
    days = days_between(scope.start, scope.end)
    rows = _daily(scope, ["rec_impressions", "rec_clicks"], site_only=True)
    board = Dashboard("experiments", _("Recommendation experiments"))
    shown = _column(days, rows, "rec_impressions")
    clicks = _column(days, rows, "rec_clicks")
    board.charts.append(
        Chart(
            "recommendations",
            _("Recommendations shown and clicked"),
            _("Day"),
            days,
            [
                Series("impressions", _("Shown"), shown),
                Series("clicks", _("Clicked"), clicks),
                Series(
                    "ctr",
                    _("Click-through rate (%)"),
                    [share(c, s, 2) for c, s in zip(clicks, shown, strict=True)],
                    kind="line",
                    right=True,
                ),
            ],
            kind="bar",
        )
    )
    board.links.append(
        (
            _("Experiments and their results (per variant)"),
            reverse("admin:recommendations_experiment_changelist"),
        )
    )
    board.notes += _category_note(scope, _("Recommendation numbers"))
    return board
