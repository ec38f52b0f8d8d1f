"""Daily drop-out risk of every active enrolment, from the platform's history.

The platform's data is mapped onto the canonical frames of
`analytics.dropout.features` (the same code `dropout_eval` runs on outside
data):

* an enrolment starts on day 0 (its first activity or its enrolment date,
  whichever is earlier); its ``cohort`` is that month;
* a day in `LearnerCourseDay` becomes a ``visit``, one ``lesson_progress`` per
  lesson completed, a ``quiz`` with the day's mean score, and one
  ``assignment_submitted`` per submission;
* outcome: ``completed`` on completion; ``withdrawn`` when access was revoked,
  or when nobody studied for ANALYTICS_DROPOUT_INACTIVE_DAYS (it "leaves" on
  the day that becomes true); otherwise still running (scored, not trained on).

The model learns from snapshots of finished enrolments at several ages, is
evaluated on the enrolments of the latest months (never trained on), then
refitted on all of them and used to score the running enrolments.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from threadpoolctl import threadpool_limits

from learning import selectors as learning_selectors

from ..dropout import features as F
from ..dropout.model import NotEnoughData, evaluate, fit_model
from ..dropout.reasons import explain
from ..models import LearnerCourseDay, RiskModelRun, RiskScore

logger = logging.getLogger(__name__)

#: Ages (days since the start) at which finished enrolments are replayed.
SNAPSHOT_AGES = (3, 7, 14, 21, 30, 45, 60, 90, 120)
#: Peers are compared within these age bands.
AGE_BANDS = (0, 7, 14, 30, 60, 120, 10**6)
HOLDOUT_SHARE = 0.25
HIGH_RISK = 0.6
MEDIUM_RISK = 0.35
KEEP_RUNS = 5


def _age_band(ages: pd.Series) -> pd.Series:
    return pd.cut(ages, bins=AGE_BANDS, right=False, labels=False).astype(int)


def platform_frames(*, today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(enrolments, activity) of the whole platform in the canonical shape.

    The enrolment frame also carries ``outcome``, ``left_day`` and ``age``
    (days from its start to ``today``), ``user_id``, ``creator_id``,
    ``progress_percent`` and ``is_running``.
    """
    tz = timezone.get_current_timezone()
    inactive = settings.ANALYTICS_DROPOUT_INACTIVE_DAYS
    enrolments = pd.DataFrame.from_records(
        list(learning_selectors.enrollment_facts()),
        columns=list(learning_selectors.ENROLLMENT_FACT_FIELDS),
    )
    if enrolments.empty:
        return enrolments, F.empty_activity()
    days = pd.DataFrame.from_records(
        list(
            LearnerCourseDay.objects.values_list(
                "user_id",
                "course_id",
                "day",
                "lessons_completed",
                "quiz_attempts",
                "quiz_score_sum",
                "submissions",
            ).iterator(chunk_size=20000)
        ),
        columns=[
            "user_id",
            "course_id",
            "day",
            "lessons",
            "quizzes",
            "quiz_sum",
            "submissions",
        ],
    )

    def local(series):
        return series.map(
            lambda v: None if v is None or pd.isna(v) else v.astimezone(tz).date()
        )

    enrolments["enrolled_on"] = local(enrolments["created_at"])
    days = days.merge(
        enrolments[["pk", "user_id", "course_id"]], on=["user_id", "course_id"]
    )
    first_active = days.groupby("pk")["day"].min()
    last_active = days.groupby("pk")["day"].max()
    start = enrolments["pk"].map(first_active)
    start = pd.Series(
        [
            min(a, b) if a is not None and not pd.isna(a) else b
            for a, b in zip(start, enrolments["enrolled_on"], strict=True)
        ],
        index=enrolments.index,
    )
    enrolments["start"] = start

    def offset(dates):
        return pd.Series(
            [
                None if d is None or pd.isna(d) else (d - s).days
                for d, s in zip(dates, start, strict=True)
            ],
            index=enrolments.index,
            dtype="float",
        )

    last = enrolments["pk"].map(last_active)
    last = pd.Series(
        [s if d is None or pd.isna(d) else d for d, s in zip(last, start, strict=True)],
        index=enrolments.index,
    )
    completed = offset(local(enrolments["completed_at"]))
    revoked = offset(local(enrolments["revoked_at"]))
    quiet_since = offset(last)
    age = pd.Series([(today - s).days for s in start], index=enrolments.index)
    silent = (age - quiet_since) >= inactive

    outcome = np.where(
        completed.notna(),
        "completed",
        np.where(revoked.notna() | silent, "withdrawn", ""),
    )
    left_day = np.where(
        completed.notna(),
        completed,
        np.where(
            revoked.notna(),
            revoked,
            np.where(silent, quiet_since + inactive, np.nan),
        ),
    )
    frame = pd.DataFrame(
        {
            "enrolment_id": enrolments["pk"].astype("int64"),
            "learner_id": enrolments["user_id"].astype("int64"),
            "user_id": enrolments["user_id"].astype("int64"),
            "course_id": enrolments["course_id"].astype("int64"),
            "creator_id": enrolments["course__creator_id"],
            "cohort": [f"{s:%Y-%m}" for s in start],
            "enrolled_day": 0,
            "left_day": left_day,
            "outcome": pd.Series(outcome).replace("", None),
            "age": age.astype("int64"),
            "progress_percent": enrolments["progress_percent"].fillna(0).astype(int),
            "is_running": (
                enrolments["is_active"].astype(bool)
                & completed.isna()
                & pd.Series(outcome == "", index=enrolments.index)
            ),
        }
    )

    start_of = dict(zip(enrolments["pk"], start, strict=True))
    days["day_offset"] = [
        (d - start_of[pk]).days for d, pk in zip(days["day"], days["pk"], strict=True)
    ]
    activity = _activity_rows(days)
    return frame, activity


def _activity_rows(days: pd.DataFrame) -> pd.DataFrame:
    if days.empty:
        return F.empty_activity()
    base = {"enrolment_id": days["pk"].astype("int64"), "day": days["day_offset"]}
    parts = [pd.DataFrame({**base, "kind": F.VISIT, "score": np.nan})]
    lessons = days.loc[days.index.repeat(days["lessons"].clip(lower=0))]
    parts.append(
        pd.DataFrame(
            {
                "enrolment_id": lessons["pk"].astype("int64"),
                "day": lessons["day_offset"],
                "kind": F.LESSON_PROGRESS,
                "score": np.nan,
            }
        )
    )
    quizzes = days[days["quizzes"] > 0]
    parts.append(
        pd.DataFrame(
            {
                "enrolment_id": quizzes["pk"].astype("int64"),
                "day": quizzes["day_offset"],
                "kind": F.QUIZ,
                "score": quizzes["quiz_sum"] / quizzes["quizzes"],
            }
        )
    )
    subs = days.loc[days.index.repeat(days["submissions"].clip(lower=0))]
    parts.append(
        pd.DataFrame(
            {
                "enrolment_id": subs["pk"].astype("int64"),
                "day": subs["day_offset"],
                "kind": F.ASSIGNMENT_SUBMITTED,
                "score": np.nan,
            }
        )
    )
    activity = pd.concat(parts, ignore_index=True)
    activity["due_day"] = np.nan
    return activity[F.ACTIVITY_COLUMNS]


def _featurize(frame: pd.DataFrame, activity: pd.DataFrame, history: pd.DataFrame):
    frame = frame.assign(peer_age=_age_band(frame["as_of"]))
    columns = [*F.ENROLMENT_COLUMNS, "peer_age"]
    if "source_id" in frame:
        columns.append("source_id")
    return F.snapshot_features(
        frame[columns],
        activity,
        history=history,
        peer_keys=["course_id", "peer_age"],
    )


def training_snapshots(frame: pd.DataFrame) -> pd.DataFrame:
    """Finished enrolments replayed at every snapshot age they were alive at.

    Each snapshot gets its own ``row_id``; ``source_id`` names the enrolment.
    """
    finished = frame[frame["outcome"].notna()]
    parts = []
    for age in SNAPSHOT_AGES:
        alive = F.dataset_at(finished[finished["age"] >= age], age)
        if not alive.empty:
            parts.append(alive)
    if not parts:
        return finished.iloc[0:0].assign(as_of=0, row_id=0, source_id=0)
    snapshots = pd.concat(parts, ignore_index=True)
    snapshots["source_id"] = snapshots["enrolment_id"]
    snapshots["row_id"] = np.arange(len(snapshots))
    return snapshots


def _snapshot_features(snapshots, activity, history):
    """Features of every snapshot (each keeps its own ``as_of``)."""
    expanded = activity.merge(
        snapshots[["enrolment_id", "row_id"]], on="enrolment_id", how="inner"
    )
    expanded = expanded.assign(enrolment_id=expanded["row_id"])[F.ACTIVITY_COLUMNS]
    frame = snapshots.assign(enrolment_id=snapshots["row_id"])
    return _featurize(frame, expanded, history)


def _history(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["enrolment_id", "learner_id", "cohort", "outcome"]]


def _holdout(snapshots: pd.DataFrame) -> tuple[np.ndarray, str | None]:
    """Rows of the latest cohorts (about a quarter of the enrolments)."""
    per_cohort = snapshots.groupby("cohort")["enrolment_id"].nunique().sort_index()
    total = per_cohort.sum()
    chosen, count = [], 0
    for cohort in reversed(per_cohort.index.tolist()):
        if count >= HOLDOUT_SHARE * total or len(chosen) == len(per_cohort) - 1:
            break
        chosen.append(cohort)
        count += per_cohort[cohort]
    if not chosen:
        return np.zeros(len(snapshots), dtype=bool), None
    return snapshots["cohort"].isin(chosen).to_numpy(), min(chosen)


def _level(score: float) -> str:
    if score >= HIGH_RISK:
        return RiskScore.Level.HIGH
    if score >= MEDIUM_RISK:
        return RiskScore.Level.MEDIUM
    return RiskScore.Level.LOW


def risk_run_execute(*, today: dt.date | None = None) -> RiskModelRun:
    """Train, evaluate on later cohorts, refit, score running enrolments.

    A run that cannot train (too little history) is stored as failed with the
    reason, and the previous run's scores stay in place.
    """
    today = today or timezone.localdate()
    run = RiskModelRun.objects.create(day=today)
    started = time.monotonic()
    try:
        # The trees (HistGradientBoosting) parallelise with OpenMP, which
        # busy-waits for its threads: beside a web server or other workers on
        # the same cores that turned seconds into minutes (make run's demo
        # seed: 465 s for this run; 14× slower with 2 cores at load 13).
        with threadpool_limits(limits=1, user_api="openmp"):
            _execute(run, today)
    except NotEnoughData as error:
        run.status = RiskModelRun.Status.FAILED
        run.error = str(error)
    except Exception as error:
        logger.exception("drop-out risk run failed")
        run.status = RiskModelRun.Status.FAILED
        run.error = repr(error)[:2000]
    else:
        run.status = RiskModelRun.Status.DONE
    run.seconds = time.monotonic() - started
    run.save()
    return run


def _execute(run: RiskModelRun, today: dt.date) -> None:
    frame, activity = platform_frames(today=today)
    if frame.empty:
        raise NotEnoughData("no enrolments yet")
    history = _history(frame)
    snapshots = training_snapshots(frame)
    if snapshots.empty:
        raise NotEnoughData("no finished enrolments to learn from yet")
    table = _snapshot_features(snapshots, activity, history)
    y = (snapshots["outcome"] == "withdrawn").astype(int).to_numpy()
    courses = snapshots["course_id"]

    hold, test_from = _holdout(snapshots)
    if hold.any() and len(set(y[hold])) == 2 and len(set(y[~hold])) == 2:
        model = fit_model(
            table[~hold], courses[~hold], y[~hold], cohorts=snapshots["cohort"][~hold]
        )
        metrics = evaluate(y[hold], model.predict(table[hold], courses[hold]))
        run.test_n, run.test_positives = metrics.n, metrics.positives
        run.roc_auc, run.pr_auc = metrics.roc_auc, metrics.pr_auc
        run.test_from = dt.date.fromisoformat(f"{test_from}-01")
    model = fit_model(table, courses, y, cohorts=snapshots["cohort"])
    run.train_n, run.train_positives = len(y), int(y.sum())
    run.base_rate = float(y.mean())
    run.blend = model.blend

    running = frame[frame["is_running"]].assign(as_of=lambda f: f["age"])
    scores_rows: list[RiskScore] = []
    if not running.empty:
        features = _featurize(running, activity, history)
        ordered = running.set_index("enrolment_id").loc[features.index]
        scores = model.predict(features, ordered["course_id"])
        reasons = explain(model, features, ordered["course_id"], scores)
        for (enrolment_id, row), score, why, days in zip(
            ordered.iterrows(),
            scores,
            reasons,
            features["days_since_active"],
            strict=True,
        ):
            scores_rows.append(
                RiskScore(
                    run=run,
                    enrollment_id=int(enrolment_id),
                    user_id=int(row["user_id"]),
                    course_id=int(row["course_id"]),
                    creator_id=None
                    if pd.isna(row["creator_id"])
                    else int(row["creator_id"]),
                    score=float(score),
                    level=_level(float(score)),
                    reasons=why,
                    days_since_active=max(0, int(days)),
                    progress_percent=int(row["progress_percent"]),
                )
            )
    run.importance = _importance(model, table)
    with transaction.atomic():
        RiskScore.objects.bulk_create(scores_rows, batch_size=2000)
        run.scored = len(scores_rows)
        old = RiskModelRun.objects.filter(status=RiskModelRun.Status.DONE).order_by(
            "-created_at", "-id"
        )[KEEP_RUNS - 1 :]
        RiskScore.objects.filter(
            run__in=list(old.values_list("pk", flat=True))
        ).delete()


def _importance(model, table: pd.DataFrame, limit: int = 12) -> dict:
    """How much each feature moves the trees' predictions (mean absolute change
    when the feature is shuffled), on a sample of the training rows."""
    sample = table.sample(n=min(len(table), 2000), random_state=0)
    course_rate = np.full(len(sample), model.global_rate)
    matrix = sample.assign(course_rate=course_rate).reindex(columns=model.columns)
    base = model.trees.predict_proba(matrix)[:, 1]
    rng = np.random.default_rng(0)
    result = {}
    for column in model.columns:
        shuffled = matrix.copy()
        shuffled[column] = rng.permutation(shuffled[column].to_numpy())
        result[column] = float(
            np.abs(model.trees.predict_proba(shuffled)[:, 1] - base).mean()
        )
    top = sorted(result.items(), key=lambda kv: -kv[1])[:limit]
    return {name: round(value, 4) for name, value in top}


def latest_run() -> RiskModelRun | None:
    return (
        RiskModelRun.objects.filter(status=RiskModelRun.Status.DONE)
        .order_by("-created_at", "-id")
        .first()
    )
