"""Staff dashboards about people: learner segments and drop-out risk."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .. import segments as profiles
from ..models import Segment, SegmentRun
from ..selectors import risk_list, risk_runs
from .charts import Chart, Series, share
from .filters import Scope
from .staff import Dashboard, Table


def _segment_name(key: str) -> str:
    if key == "new":
        return _("New learners")
    if key == "inactive":
        return _("No longer active")
    profile = profiles.BY_KEY.get(key)
    return str(profile.name) if profile else key


def segments(scope: Scope) -> Dashboard:
    board = Dashboard("segments", _("Learner segments"))
    runs = list(
        SegmentRun.objects.filter(
            status=SegmentRun.Status.DONE, day__gte=scope.start, day__lte=scope.end
        ).order_by("-created_at", "-id")[:30]
    )[::-1]
    sizes = {}
    for segment in Segment.objects.filter(run__in=runs):
        sizes[(segment.run_id, segment.key)] = segment.size
    keys = [p.key for p in profiles.PROFILES if any(k == p.key for _r, k in sizes)]
    board.charts.append(
        Chart(
            "sizes",
            _("Learners per segment over time"),
            _("Day"),
            [run.day for run in runs],
            [
                Series(
                    key,
                    _segment_name(key),
                    [sizes.get((run.pk, key), 0) for run in runs],
                )
                for key in keys
            ],
            stacked=True,
        )
    )
    latest = runs[-1] if runs else None
    if latest is None:
        return board
    current = sorted(
        (s for s in Segment.objects.filter(run=latest)), key=lambda s: -s.size
    )
    board.tables.append(
        Table(
            _("Segments on %(day)s") % {"day": latest.day.isoformat()},
            [
                _("Segment"),
                _("What it means"),
                _("Learners"),
                _("Share (%)"),
                *[str(profiles.FEATURE_LABELS[f]) for f in profiles.FEATURES],
            ],
            [
                [
                    _segment_name(s.key),
                    str(getattr(profiles.BY_KEY.get(s.key), "description", "")),
                    s.size,
                    share(s.size, latest.learners),
                    *[
                        round(float(s.profile.get(f) or 0), 1)
                        for f in profiles.FEATURES
                    ],
                ]
                for s in current
            ],
        )
    )
    if latest.movement:
        targets = sorted({t for moves in latest.movement.values() for t in moves})
        board.tables.append(
            Table(
                _("Movement since the run before (rows: before, columns: now)"),
                [_("Before"), *[_segment_name(t) for t in targets]],
                [
                    [_segment_name(source), *[moves.get(t, 0) for t in targets]]
                    for source, moves in sorted(latest.movement.items())
                ],
            )
        )
    return board


def risk(scope: Scope) -> Dashboard:
    board = Dashboard("risk", _("Drop-out risk"))
    runs = risk_runs()
    board.charts.append(
        Chart(
            "evaluation",
            _("Model evaluation on later cohorts, per run"),
            _("Run"),
            [f"{run.day.isoformat()} #{run.pk}" for run in runs],
            [
                Series("roc_auc", _("ROC AUC"), [run.roc_auc for run in runs]),
                Series("pr_auc", _("PR AUC"), [run.pr_auc for run in runs]),
                Series("base_rate", _("Base rate"), [run.base_rate for run in runs]),
            ],
        )
    )
    run, rows = risk_list(limit=100)
    board.extra["run"] = run
    board.extra["at_risk"] = rows
    return board
