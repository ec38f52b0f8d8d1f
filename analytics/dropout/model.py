"""The drop-out model: gradient-boosted trees next to a logistic regression.

Both see the same features (`features.snapshot_features`) plus the course's
drop-out rate in the training data (target encoding, computed out of fold for
the training rows so that a row never sees its own label). The blend weight is
chosen on the latest training cohort when there is more than one; the final
model is then refitted on every training row.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

#: Weight of the course's own rate against the overall rate (in enrolments).
COURSE_RATE_PRIOR = 30.0
BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
DEFAULT_BLEND = 0.75  # share of the trees when no cohort is left to choose on
MIN_ROWS_TO_CHOOSE = 400


class NotEnoughData(ValueError):
    """Too few rows or only one class to train on."""


@dataclasses.dataclass
class DropoutModel:
    columns: list[str]
    course_rates: dict
    global_rate: float
    trees: HistGradientBoostingClassifier
    linear: object
    blend: float
    log_columns: list[str] = dataclasses.field(default_factory=list)

    def matrix(self, features: pd.DataFrame, course_ids: pd.Series) -> pd.DataFrame:
        rates = course_ids.map(self.course_rates).astype(float)
        return _with_course_rate(
            features, rates.fillna(self.global_rate).to_numpy(), self.columns
        )

    def predict(self, features: pd.DataFrame, course_ids: pd.Series) -> np.ndarray:
        matrix = self.matrix(features, course_ids)
        return self.predict_matrix(matrix)

    def predict_matrix(self, matrix: pd.DataFrame) -> np.ndarray:
        trees = self.trees.predict_proba(matrix)[:, 1]
        if self.blend >= 1.0:
            return trees
        linear = self.linear.predict_proba(_linear_input(matrix, self.log_columns))[
            :, 1
        ]
        return self.blend * trees + (1 - self.blend) * linear


def _with_course_rate(
    features: pd.DataFrame, rates: np.ndarray, columns: list[str]
) -> pd.DataFrame:
    matrix = features.copy()
    matrix["course_rate"] = rates
    return matrix.reindex(columns=columns).astype(float)


def _linear_input(matrix: pd.DataFrame, log_columns: list[str]) -> pd.DataFrame:
    """Counts and day spans on a log scale: a straight line fits them better."""
    result = matrix.copy()
    for column in log_columns:
        result[column] = np.log1p(result[column].clip(lower=0))
    return result


def _smoothed_rates(course_ids: pd.Series, y: np.ndarray, prior: float) -> dict:
    frame = pd.DataFrame({"course": course_ids.to_numpy(), "y": y})
    stats = frame.groupby("course")["y"].agg(["sum", "size"])
    rates = (stats["sum"] + COURSE_RATE_PRIOR * prior) / (
        stats["size"] + COURSE_RATE_PRIOR
    )
    return rates.to_dict()


def _out_of_fold_rates(
    course_ids: pd.Series, y: np.ndarray, prior: float, seed: int
) -> np.ndarray:
    rates = np.full(len(y), prior, dtype=float)
    if len(y) < 10:
        return rates
    folds = KFold(n_splits=5, shuffle=True, random_state=seed)
    ids = course_ids.to_numpy()
    for fit_rows, score_rows in folds.split(ids):
        table = _smoothed_rates(pd.Series(ids[fit_rows]), y[fit_rows], prior)
        rates[score_rows] = [table.get(c, prior) for c in ids[score_rows]]
    return rates


def _log_columns(columns: list[str]) -> list[str]:
    words = ("days", "visits", "lessons", "submissions", "quizzes", "gap", "elapsed")
    return [
        c
        for c in columns
        if any(w in c for w in words)
        and not c.startswith("peer_rank")
        and c not in ("enrolled_day",)
    ]


def _fit_pair(matrix: pd.DataFrame, y: np.ndarray, seed: int, log_columns):
    trees = HistGradientBoostingClassifier(
        learning_rate=0.05,
        max_iter=400,
        max_leaf_nodes=15,
        min_samples_leaf=40,
        l2_regularization=1.0,
        early_stopping=len(y) >= 2000,
        validation_fraction=0.15,
        n_iter_no_change=30,
        random_state=seed,
    )
    # A feature these rows never have (no quiz in the earlier cohorts, when
    # `_choose_blend` trains on them) would break the trees' binning, which
    # needs one known value: it is a constant for them, and never split on.
    trees.fit(matrix.fillna(dict.fromkeys(matrix.columns[matrix.isna().all()], 0.0)), y)
    linear = make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
        StandardScaler(),
        LogisticRegression(C=0.3, max_iter=2000),
    )
    linear.fit(_linear_input(matrix, log_columns), y)
    return trees, linear


def _check(y: np.ndarray) -> None:
    positives = int(y.sum())
    if len(y) < 20 or positives == 0 or positives == len(y):
        raise NotEnoughData(
            f"{len(y)} rows with {positives} drop-outs: need both outcomes"
        )


def fit_model(
    features: pd.DataFrame,
    course_ids: pd.Series,
    y: pd.Series | np.ndarray,
    *,
    cohorts: pd.Series | None = None,
    seed: int = 0,
) -> DropoutModel:
    """Train on one row per (enrolment, snapshot); ``y`` is 1 for a drop-out."""
    y = np.asarray(y, dtype=int)
    _check(y)
    prior = float(y.mean())
    # A feature the data never has (no quizzes in a course run, say) is left out.
    present = [c for c in features.columns if features[c].notna().any()]
    columns = [*present, "course_rate"]
    log_columns = _log_columns(columns)
    course_ids = course_ids.reset_index(drop=True)
    features = features.reset_index(drop=True)
    matrix = _with_course_rate(
        features, _out_of_fold_rates(course_ids, y, prior, seed), columns
    )

    blend = DEFAULT_BLEND
    if cohorts is not None:
        cohorts = cohorts.reset_index(drop=True).astype(str)
        latest = cohorts.max()
        hold = (cohorts == latest).to_numpy()
        if (
            cohorts.nunique() > 1
            and hold.sum() >= MIN_ROWS_TO_CHOOSE
            and len(set(y[hold])) == 2
            and len(set(y[~hold])) == 2
        ):
            blend = _choose_blend(matrix, y, hold, course_ids, prior, seed, log_columns)

    trees, linear = _fit_pair(matrix, y, seed, log_columns)
    return DropoutModel(
        columns=columns,
        course_rates=_smoothed_rates(course_ids, y, prior),
        global_rate=prior,
        trees=trees,
        linear=linear,
        blend=blend,
        log_columns=log_columns,
    )


def _choose_blend(matrix, y, hold, course_ids, prior, seed, log_columns) -> float:
    """The blend that ranks the latest cohort best, trained on the earlier ones."""
    early = matrix[~hold].copy()
    early["course_rate"] = _out_of_fold_rates(
        course_ids[~hold].reset_index(drop=True), y[~hold], prior, seed
    )
    trees, linear = _fit_pair(early, y[~hold], seed, log_columns)
    late = matrix[hold].copy()
    table = _smoothed_rates(course_ids[~hold], y[~hold], prior)
    late["course_rate"] = [table.get(c, prior) for c in course_ids[hold]]
    p_trees = trees.predict_proba(late)[:, 1]
    p_linear = linear.predict_proba(_linear_input(late, log_columns))[:, 1]
    scores = {
        w: roc_auc_score(y[hold], w * p_trees + (1 - w) * p_linear)
        for w in BLEND_WEIGHTS
    }
    best = max(scores.values())
    # Ties go to the blend closest to the default.
    return min(
        (w for w, s in scores.items() if s >= best - 1e-4),
        key=lambda w: abs(w - DEFAULT_BLEND),
    )


@dataclasses.dataclass(frozen=True)
class Evaluation:
    n: int
    positives: int
    roc_auc: float | None
    pr_auc: float | None
    base_rate: float | None

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def evaluate(y_true, scores) -> Evaluation:
    y = np.asarray(y_true, dtype=int)
    n = len(y)
    positives = int(y.sum())
    if n == 0:
        return Evaluation(0, 0, None, None, None)
    base = positives / n
    if positives in (0, n):
        return Evaluation(n, positives, None, None, base)
    return Evaluation(
        n=n,
        positives=positives,
        roc_auc=float(roc_auc_score(y, scores)),
        pr_auc=float(average_precision_score(y, scores)),
        base_rate=base,
    )
