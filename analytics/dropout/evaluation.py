"""Train and test the drop-out model on outside data (E.csv and A.csv).

`manage.py dropout_eval` calls :func:`read_enrolments`, :func:`read_activity`
and :func:`evaluate_at`. The files are mapped onto the canonical frames of
`features` and go through the same feature and model code as the platform's
daily scoring.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from . import features as F
from .model import NotEnoughData, evaluate, fit_model

E_COLUMNS = [
    "enrolment_id",
    "learner_id",
    "course_id",
    "cohort",
    "enrolled_day",
    "left_day",
    "outcome",
    "split",
]
A_COLUMNS = ["enrolment_id", "day", "kind", "score", "due_day"]
OUTCOMES = {"completed", "withdrawn", "failed"}
SPLITS = {"train", "test"}


class InputError(ValueError):
    """The files cannot be read as described; the message says why."""


def _read(path: Path | str, columns: list[str], **kwargs) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise InputError(f"{path}: not a readable CSV file ({e})") from e
    missing = [c for c in columns if c not in header.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}; "
            f"expected {','.join(columns)}"
        )
    try:
        return pd.read_csv(path, usecols=columns, encoding="utf-8-sig", **kwargs)
    except (ValueError, pd.errors.ParserError) as e:
        raise InputError(f"{path}: {e}") from e


def _integers(frame: pd.DataFrame, column: str, path, *, optional: bool) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    bad |= values.notna() & (values != values.round())
    if not optional:
        bad |= frame[column].isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{path}, line {row + 2}: {column} must be a whole number "
            f"(found {frame[column].iloc[row]!r})"
        )
    return values.astype("Int64") if optional else values.astype("int64")


def read_enrolments(path) -> pd.DataFrame:
    frame = _read(path, E_COLUMNS, dtype=str, keep_default_na=False, na_values=[""])
    if frame.empty:
        raise InputError(f"{path}: no enrolments")
    for column in ("enrolment_id", "learner_id", "course_id", "cohort"):
        if frame[column].isna().any():
            row = int(np.flatnonzero(frame[column].isna().to_numpy())[0])
            raise InputError(f"{path}, line {row + 2}: {column} is empty")
        frame[column] = frame[column].str.strip()
    frame["enrolled_day"] = _integers(frame, "enrolled_day", path, optional=False)
    frame["left_day"] = _integers(frame, "left_day", path, optional=True)
    for column, allowed in (("outcome", OUTCOMES), ("split", SPLITS)):
        values = frame[column].fillna("").str.strip().str.lower()
        wrong = ~values.isin(allowed)
        if wrong.any():
            row = int(np.flatnonzero(wrong.to_numpy())[0])
            raise InputError(
                f"{path}, line {row + 2}: {column} must be one of "
                f"{', '.join(sorted(allowed))} (found {frame[column].iloc[row]!r})"
            )
        frame[column] = values
    duplicated = frame["enrolment_id"].duplicated()
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise InputError(
            f"{path}, line {row + 2}: enrolment_id "
            f"{frame['enrolment_id'].iloc[row]} appears twice"
        )
    return frame


def read_activity(path, *, up_to_day: int) -> pd.DataFrame:
    """Rows of A.csv with ``day <= up_to_day`` (the later ones are never kept)."""
    frame = _read(
        path,
        A_COLUMNS,
        dtype={"enrolment_id": str, "kind": str},
        keep_default_na=False,
        na_values={"score": [""], "due_day": [""], "day": [""]},
    )
    frame["enrolment_id"] = frame["enrolment_id"].str.strip()
    frame["day"] = _integers(frame, "day", path, optional=False)
    frame = frame[frame["day"] <= up_to_day].copy()
    kinds = frame["kind"].str.strip().str.lower()
    unknown = ~kinds.isin(F.KINDS)
    if unknown.any():
        found = ", ".join(sorted(set(frame.loc[unknown, "kind"].astype(str)))[:5])
        raise InputError(
            f"{path}: unknown kind(s) {found}; expected one of {', '.join(F.KINDS)}"
        )
    frame["kind"] = kinds
    for column in ("score", "due_day"):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna()
        if bad.any():
            row = frame.index[bad.to_numpy()][0]
            raise InputError(
                f"{path}, line {row + 2}: {column} must be a number "
                f"(found {frame.at[row, column]!r})"
            )
        frame[column] = values.astype(float)
    return frame.reset_index(drop=True)


@dataclasses.dataclass(frozen=True)
class Result:
    day: int
    train_n: int
    train_positives: int
    test_n: int
    test_positives: int
    roc_auc: float | None
    pr_auc: float | None
    base_rate: float | None
    blend: float
    ignored_activity_rows: int

    def summary(self) -> dict:
        """What ``--json`` writes."""
        return {
            "day": self.day,
            "test_n": self.test_n,
            "roc_auc": self.roc_auc,
            "pr_auc": self.pr_auc,
            "base_rate": self.base_rate,
        }


def evaluate_at(enrolments: pd.DataFrame, activity: pd.DataFrame, day: int) -> Result:
    """Train on ``split == train``, score ``split == test``, both as of ``day``."""
    activity = activity[activity["day"] <= day]
    known = activity["enrolment_id"].isin(enrolments["enrolment_id"])
    ignored = int((~known).sum())
    activity = activity[known]
    scored = F.dataset_at(enrolments, day)
    if scored.empty:
        raise InputError(f"no enrolment is running on day {day}")
    history = enrolments[["enrolment_id", "learner_id", "cohort", "outcome"]].copy()
    # Outcomes of the test split are what is predicted: never a feature.
    history.loc[enrolments["split"] == "test", "outcome"] = None
    table = F.snapshot_features(
        scored[F.ENROLMENT_COLUMNS], activity[F.ACTIVITY_COLUMNS], history=history
    )
    scored = scored.set_index("enrolment_id")
    y = (scored["outcome"] == "withdrawn").astype(int)
    train = (scored["split"] == "train").to_numpy()
    test = ~train
    if not test.any():
        raise InputError(f"no test enrolment is running on day {day}")
    try:
        model = fit_model(
            table[train],
            scored.loc[train, "course_id"],
            y[train],
            cohorts=scored.loc[train, "cohort"],
        )
    except NotEnoughData as error:
        raise InputError(f"cannot train on day {day}: {error}") from error
    scores = model.predict(table[test], scored.loc[test, "course_id"])
    metrics = evaluate(y[test], scores)
    return Result(
        day=day,
        train_n=int(train.sum()),
        train_positives=int(y[train].sum()),
        test_n=metrics.n,
        test_positives=metrics.positives,
        roc_auc=metrics.roc_auc,
        pr_auc=metrics.pr_auc,
        base_rate=metrics.base_rate,
        blend=model.blend,
        ignored_activity_rows=ignored,
    )
