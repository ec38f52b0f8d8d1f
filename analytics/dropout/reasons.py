"""Why a learner is at risk, in words a creator can act on.

Each reason is a group of features with a condition that makes its sentence
true ("no study for 12 days" only when the learner has not studied for 12
days). Reasons are ranked by how much the model's risk falls when the group's
features are replaced by those of a typical learner at the same stage (the
median of the scored population), so the first reason is the one that drives
the score most.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd


@dataclasses.dataclass(frozen=True)
class Reason:
    code: str
    columns: tuple[str, ...]
    applies: Callable[[pd.Series], bool]
    params: Callable[[pd.Series], dict]


def _int(value) -> int:
    return 0 if value is None or pd.isna(value) else int(round(float(value)))


REASONS = (
    Reason(
        code="never_started",
        columns=(
            "never_active",
            "active_days",
            "lessons",
            "visits",
            "days_since_active",
        ),
        applies=lambda f: f.get("never_active", 0) >= 1,
        params=lambda f: {"days": _int(f.get("days_since_active"))},
    ),
    Reason(
        code="inactive",
        columns=(
            "days_since_active",
            "longest_gap",
            "active_days_7",
            "active_days_14",
            "peer_rank_days_since_active",
            "peer_rank_active_days_14",
            "active_14_vs_peers",
        ),
        applies=lambda f: (
            f.get("never_active", 0) < 1 and f.get("days_since_active", 0) >= 5
        ),
        params=lambda f: {"days": _int(f.get("days_since_active"))},
    ),
    Reason(
        code="slowing_down",
        columns=("active_trend", "active_days_prev_14", "active_days_28"),
        applies=lambda f: (
            f.get("active_days_prev_14", 0) >= 3
            and f.get("active_days_14", 0) <= f.get("active_days_prev_14", 0) / 2
        ),
        params=lambda f: {
            "recent": _int(f.get("active_days_14")),
            "before": _int(f.get("active_days_prev_14")),
        },
    ),
    Reason(
        code="missed_assignments",
        columns=(
            "deadlines_missed",
            "missed_last_deadline",
            "missed_in_a_row",
            "deadline_rate",
            "score_with_missed_as_zero",
            "peer_rank_score_with_missed_as_zero",
        ),
        applies=lambda f: f.get("deadlines_missed", 0) >= 1,
        params=lambda f: {"count": _int(f.get("deadlines_missed"))},
    ),
    Reason(
        code="quiz_scores_falling",
        columns=("quiz_trend", "quiz_last", "quiz_mean", "peer_rank_quiz_mean"),
        applies=lambda f: (
            not pd.isna(f.get("quiz_trend")) and f.get("quiz_trend", 0) <= -10
        ),
        params=lambda f: {
            "before": _int(f.get("quiz_last", 0) - f.get("quiz_trend", 0)),
            "now": _int(f.get("quiz_last")),
        },
    ),
    Reason(
        code="low_quiz_scores",
        columns=("quiz_mean", "quiz_last", "peer_rank_quiz_mean"),
        applies=lambda f: (
            not pd.isna(f.get("quiz_mean")) and f.get("quiz_mean", 100) < 60
        ),
        params=lambda f: {"score": _int(f.get("quiz_mean"))},
    ),
    Reason(
        code="low_assignment_scores",
        columns=("submission_mean", "submission_last", "peer_rank_submission_mean"),
        applies=lambda f: (
            not pd.isna(f.get("submission_mean")) and f.get("submission_mean", 100) < 50
        ),
        params=lambda f: {"score": _int(f.get("submission_mean"))},
    ),
    Reason(
        code="behind_peers",
        columns=(
            "peer_rank_lessons",
            "lessons",
            "peer_rank_active_days",
            "active_rate",
        ),
        applies=lambda f: (
            f.get("peer_size", 0) >= 5 and f.get("peer_rank_lessons", 1) <= 0.25
        ),
        params=lambda f: {},
    ),
)

MIN_EFFECT = 0.01
MAX_REASONS = 3


def explain(
    model, features: pd.DataFrame, course_ids: pd.Series, scores: np.ndarray
) -> list[list[dict]]:
    """For each row, up to three reasons ``{"code": ..., **params}``, strongest first."""
    matrix = model.matrix(features, course_ids)
    typical = matrix.median(numeric_only=True)
    effects: dict[str, np.ndarray] = {}
    for reason in REASONS:
        columns = [c for c in reason.columns if c in matrix.columns]
        if not columns:
            continue
        changed = matrix.copy()
        for column in columns:
            changed[column] = typical.get(column, np.nan)
        effects[reason.code] = scores - model.predict_matrix(changed)
    result = []
    for position, (_, row) in enumerate(features.iterrows()):
        found = []
        for reason in REASONS:
            if reason.code not in effects or not reason.applies(row):
                continue
            found.append((float(effects[reason.code][position]), reason, row))
        found.sort(key=lambda item: -item[0])
        chosen = [item for item in found if item[0] >= MIN_EFFECT][:MAX_REASONS]
        if not chosen and found:
            chosen = found[:1]  # a true statement, even if it moves the risk little
        result.append(
            [{"code": reason.code, **reason.params(r)} for _, reason, r in chosen]
        )
    return result
