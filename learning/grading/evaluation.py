"""Offline evaluation on CSV files, with exactly the production engine.

The CSVs have the columns `id` (question id), `question`, `desired_answer`,
`student_answer` and `score_avg` (0 to `max_score`); other columns are ignored.
"""

from __future__ import annotations

import csv
import dataclasses
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from . import engine

REQUIRED = ("id", "question", "desired_answer", "student_answer", "score_avg")


class EvaluationError(ValueError):
    """A file that cannot be evaluated, with the reason for the person."""


@dataclasses.dataclass
class QuestionReport:
    key: str
    n: int
    pearson_r: float | None
    rmse: float | None


@dataclasses.dataclass
class Report:
    pearson_r: float | None
    rmse: float | None
    n: int
    seconds: float
    train_seconds: float
    questions: list[QuestionReport]
    predictions: list[float]

    def as_json(self) -> dict:
        return {
            "pearson_r": self.pearson_r,
            "rmse": self.rmse,
            "n": self.n,
            "seconds": round(self.seconds, 3),
        }


def read_rows(path: Path | str) -> list[dict]:
    """The rows of a CSV, checked: clear errors instead of tracebacks."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise EvaluationError(
                    f"{path}: missing column(s) {', '.join(missing)}; "
                    f"needed: {', '.join(REQUIRED)}"
                )
            rows = []
            for line, row in enumerate(reader, start=2):
                try:
                    row["score_avg"] = float(row["score_avg"])
                except (TypeError, ValueError):
                    raise EvaluationError(
                        f"{path}, line {line}: score_avg {row['score_avg']!r} "
                        "is not a number"
                    ) from None
                if not np.isfinite(row["score_avg"]):
                    raise EvaluationError(
                        f"{path}, line {line}: score_avg must be a finite number"
                    )
                row["id"] = str(row["id"]).strip()
                rows.append(row)
    except FileNotFoundError:
        raise EvaluationError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise EvaluationError(f"{path}: not UTF-8 text") from None
    if not rows:
        raise EvaluationError(f"{path}: no rows")
    return rows


def evaluate(
    train_rows: list[dict], test_rows: list[dict], *, max_score: float = 5.0
) -> Report:
    """Train per question and globally on `train_rows`, predict `test_rows`."""
    started = time.perf_counter()
    by_question: dict[str, list[dict]] = defaultdict(list)
    for row in train_rows:
        by_question[row["id"]].append(row)
    first_seen: dict[str, dict] = {}
    for row in [*train_rows, *test_rows]:
        first_seen.setdefault(row["id"], row)
    models = {}
    for key, head in first_seen.items():
        graded = by_question.get(key, [])
        models[key] = engine.QuestionModel(
            engine.QuestionData(
                key=key,
                question=head["question"],
                reference=head["desired_answer"],
                answers=[r["student_answer"] for r in graded],
                scores=[_fraction(r["score_avg"], max_score) for r in graded],
            )
        )
    global_model = engine.global_fit(list(models.values()))
    train_seconds = time.perf_counter() - started
    tests: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(test_rows):
        tests[row["id"]].append(index)
    predictions = np.zeros(len(test_rows))
    for key, indexes in tests.items():
        suggestions = engine.predict(
            models[key], [test_rows[i]["student_answer"] for i in indexes], global_model
        )
        for i, suggestion in zip(indexes, suggestions, strict=True):
            predictions[i] = suggestion.score * max_score
    truth = np.array([r["score_avg"] for r in test_rows])
    per_question = [
        QuestionReport(
            key=key,
            n=len(indexes),
            pearson_r=engine.pearson(truth[indexes], predictions[indexes]),
            rmse=engine.rmse(truth[indexes], predictions[indexes]),
        )
        for key, indexes in tests.items()
    ]
    return Report(
        pearson_r=engine.pearson(truth, predictions),
        rmse=engine.rmse(truth, predictions),
        n=len(test_rows),
        seconds=time.perf_counter() - started,
        train_seconds=train_seconds,
        questions=per_question,
        predictions=predictions.tolist(),
    )


def _fraction(score: float, max_score: float) -> float:
    return min(1.0, max(0.0, score / max_score))
