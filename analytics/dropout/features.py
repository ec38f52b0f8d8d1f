"""Features of one enrolment at one moment, from what happened until then.

One code path for the platform and for outside data. Both are first mapped
onto two canonical frames (pandas):

``enrolments``
    ``enrolment_id, learner_id, course_id, cohort, enrolled_day, as_of``:
    days are integers relative to the start of the course run (the platform,
    where courses are self-paced, uses the enrolment day as day 0);
    ``as_of`` is the day of the snapshot. ``cohort`` is a string that sorts in
    time order (the run, or the enrolment month on the platform).
``activity``
    ``enrolment_id, day, kind, score, due_day`` with ``kind`` one of
    :data:`KINDS`. ``score`` (0-100) and ``due_day`` may be missing.

Only rows with ``day <= as_of`` of their enrolment are read, so that a snapshot
never sees its own future. The result has one row per enrolment (indexed by
``enrolment_id``) and only numeric columns; missing values stay NaN (the model
handles them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

VISIT = "visit"
LESSON_PROGRESS = "lesson_progress"
QUIZ = "quiz"
ASSIGNMENT_DUE = "assignment_due"
ASSIGNMENT_SUBMITTED = "assignment_submitted"
KINDS = (VISIT, LESSON_PROGRESS, QUIZ, ASSIGNMENT_DUE, ASSIGNMENT_SUBMITTED)
#: Kinds that show the learner doing something (a deadline does not).
ACTIVE_KINDS = (VISIT, LESSON_PROGRESS, QUIZ, ASSIGNMENT_SUBMITTED)

ENROLMENT_COLUMNS = [
    "enrolment_id",
    "learner_id",
    "course_id",
    "cohort",
    "enrolled_day",
    "as_of",
]
ACTIVITY_COLUMNS = ["enrolment_id", "day", "kind", "score", "due_day"]

#: Peers: enrolments of the same course run seen at the same moment.
PEER_KEYS = ["course_id", "cohort", "as_of"]


def empty_activity() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "enrolment_id": pd.Series(dtype="int64"),
            "day": pd.Series(dtype="int64"),
            "kind": pd.Series(dtype="object"),
            "score": pd.Series(dtype="float64"),
            "due_day": pd.Series(dtype="float64"),
        }
    )


def _count(frame: pd.DataFrame, index: pd.Index) -> pd.Series:
    return frame.groupby("enrolment_id").size().reindex(index, fill_value=0)


def _trend(frame: pd.DataFrame, column: str, index: pd.Index) -> pd.Series:
    """Mean of the last two values minus the mean of the ones before (NaN if <3)."""
    if frame.empty:
        return pd.Series(np.nan, index=index)
    ordered = frame.sort_values(["enrolment_id", "day"])
    from_end = ordered.groupby("enrolment_id").cumcount(ascending=False)
    recent = ordered[from_end < 2].groupby("enrolment_id")[column].mean()
    earlier = ordered[from_end >= 2].groupby("enrolment_id")[column].mean()
    return (recent - earlier).reindex(index)


def _activity_features(
    out: pd.DataFrame, acts: pd.DataFrame, as_of: pd.Series, since_enrolled: pd.Series
) -> None:
    index = out.index
    days = acts[acts["kind"].isin(ACTIVE_KINDS)][["enrolment_id", "day", "age"]]
    days = days.drop_duplicates(["enrolment_id", "day"]).sort_values(
        ["enrolment_id", "day"]
    )
    out["active_days"] = _count(days, index)
    for window in (7, 14, 28):
        out[f"active_days_{window}"] = _count(days[days["age"] < window], index)
    out["active_days_prev_14"] = _count(
        days[(days["age"] >= 14) & (days["age"] < 28)], index
    )
    out["active_trend"] = out["active_days_14"] - out["active_days_prev_14"]
    last = days.groupby("enrolment_id")["day"].max().reindex(index)
    out["never_active"] = last.isna().astype(float)
    out["days_since_active"] = (as_of - last).fillna(since_enrolled)
    gaps = days.groupby("enrolment_id")["day"].diff()
    longest = gaps.groupby(days["enrolment_id"]).max().reindex(index).fillna(0)
    out["longest_gap"] = np.maximum(longest, out["days_since_active"])
    out["active_rate"] = (out["active_days"] / out["elapsed"]).clip(upper=1.0)

    for kind, name in ((VISIT, "visits"), (LESSON_PROGRESS, "lessons")):
        rows = acts[acts["kind"] == kind]
        out[name] = _count(rows, index)
        out[f"{name}_14"] = _count(rows[rows["age"] < 14], index)
    out["log_visits"] = np.log1p(out["visits"])

    quizzes = acts[(acts["kind"] == QUIZ) & acts["score"].notna()]
    grouped = quizzes.groupby("enrolment_id")["score"]
    out["quizzes"] = _count(quizzes, index)
    out["quiz_mean"] = grouped.mean().reindex(index)
    out["quiz_last"] = (
        quizzes.sort_values(["enrolment_id", "day"])
        .groupby("enrolment_id")["score"]
        .last()
        .reindex(index)
    )
    out["quiz_trend"] = _trend(quizzes, "score", index)


def _assignment_features(
    out: pd.DataFrame, acts: pd.DataFrame, as_of: pd.Series, since_enrolled: pd.Series
) -> None:
    index = out.index
    due = acts[acts["kind"] == ASSIGNMENT_DUE][["enrolment_id", "day", "due_day"]]
    due = due.assign(due_day=due["due_day"].fillna(due["day"]))
    due = due[["enrolment_id", "due_day"]].drop_duplicates()
    subs = acts[acts["kind"] == ASSIGNMENT_SUBMITTED]
    out["submissions"] = _count(subs, index)
    out["submissions_14"] = _count(subs[subs["age"] < 14], index)
    out["submitted_ahead"] = _count(subs[subs["due_day"] > subs["as_of"]], index)
    scored = subs[subs["score"].notna()]
    out["submission_mean"] = (
        scored.groupby("enrolment_id")["score"].mean().reindex(index)
    )
    out["submission_min"] = scored.groupby("enrolment_id")["score"].min().reindex(index)
    out["submission_last"] = (
        scored.sort_values(["enrolment_id", "day"])
        .groupby("enrolment_id")["score"]
        .last()
        .reindex(index)
    )
    out["submission_trend"] = _trend(scored, "score", index)
    with_due = subs[subs["due_day"].notna()]
    lateness = with_due["day"] - with_due["due_day"]
    out["late_submissions"] = _count(with_due[lateness > 0], index)
    out["lateness_mean"] = (
        lateness.groupby(with_due["enrolment_id"]).mean().reindex(index)
    )
    last_sub = subs.groupby("enrolment_id")["day"].max().reindex(index)
    out["days_since_submission"] = (as_of - last_sub).fillna(since_enrolled)

    # Deadlines that have passed, each either met (a submission for it by the
    # snapshot, late or not) or missed.
    per_deadline = (
        with_due.groupby(["enrolment_id", "due_day"])["score"]
        .agg(["size", "mean"])
        .rename(columns={"size": "handed_in", "mean": "deadline_score"})
        .reset_index()
    )
    deadlines = due.merge(per_deadline, on=["enrolment_id", "due_day"], how="left")
    deadlines["missed"] = deadlines["handed_in"].isna().astype(float)
    deadlines["credited"] = deadlines["deadline_score"].where(
        deadlines["missed"] == 0, 0.0
    )
    grouped = deadlines.groupby("enrolment_id")
    out["deadlines_passed"] = _count(deadlines, index)
    out["deadlines_missed"] = grouped["missed"].sum().reindex(index, fill_value=0)
    out["deadline_rate"] = 1 - out["deadlines_missed"] / out["deadlines_passed"].where(
        out["deadlines_passed"] > 0
    )
    out["score_with_missed_as_zero"] = grouped["credited"].mean().reindex(index)
    latest_first = deadlines.sort_values(
        ["enrolment_id", "due_day"], ascending=[True, False]
    )
    out["missed_last_deadline"] = (
        latest_first.groupby("enrolment_id")["missed"].first().reindex(index)
    )
    streak = latest_first.groupby("enrolment_id")["missed"].cumprod()
    out["missed_in_a_row"] = (
        streak.groupby(latest_first["enrolment_id"]).sum().reindex(index, fill_value=0)
    )


def _peer_features(out: pd.DataFrame, peers: pd.DataFrame) -> None:
    """Where the learner stands among the enrolments of the same run and day."""
    frame = out.join(peers)
    groups = frame.groupby(list(peers.columns), sort=False, dropna=False)
    for column in (
        "active_days",
        "active_days_14",
        "visits",
        "submissions",
        "score_with_missed_as_zero",
        "submission_mean",
        "quiz_mean",
        "lessons",
    ):
        out[f"peer_rank_{column}"] = groups[column].rank(pct=True)
    out["peer_rank_days_since_active"] = groups["days_since_active"].rank(
        pct=True, ascending=False
    )
    out["peer_deadlines_passed"] = groups["deadlines_passed"].transform("max")
    out["peer_size"] = groups["active_days"].transform("size")
    mean_active = groups["active_days_14"].transform("mean")
    out["active_14_vs_peers"] = out["active_days_14"] / (mean_active + 1)


def _history_features(
    out: pd.DataFrame, enrolments: pd.DataFrame, history: pd.DataFrame | None
) -> None:
    """The learner's other enrolments: earlier ones (with known outcomes) and
    ones running at the same time."""
    index = out.index
    own = enrolments.reset_index()
    # A replayed snapshot of an enrolment names the enrolment it replays.
    own["self_id"] = own["source_id"] if "source_id" in own else own["enrolment_id"]
    own = own[["enrolment_id", "self_id", "learner_id", "cohort"]]
    if history is None or history.empty:
        for column in (
            "earlier_enrolments",
            "earlier_withdrawn",
            "earlier_completed",
            "parallel_enrolments",
        ):
            out[column] = 0.0
        return
    other = history[["enrolment_id", "learner_id", "cohort", "outcome"]].rename(
        columns={"enrolment_id": "other_id", "cohort": "other_cohort"}
    )
    pairs = own.merge(other, on="learner_id")
    pairs = pairs[pairs["other_id"] != pairs["self_id"]]
    earlier = pairs[pairs["other_cohort"] < pairs["cohort"]]
    same = pairs[pairs["other_cohort"] == pairs["cohort"]]
    out["earlier_enrolments"] = _count(earlier, index)
    out["earlier_withdrawn"] = _count(earlier[earlier["outcome"] == "withdrawn"], index)
    out["earlier_completed"] = _count(earlier[earlier["outcome"] == "completed"], index)
    out["parallel_enrolments"] = _count(same, index)


def snapshot_features(
    enrolments: pd.DataFrame,
    activity: pd.DataFrame,
    *,
    history: pd.DataFrame | None = None,
    peer_keys: list[str] | None = None,
) -> pd.DataFrame:
    """One row of numeric features per enrolment, as of its ``as_of`` day.

    ``history`` lists the learners' enrolments (``enrolment_id, learner_id,
    cohort, outcome``, outcome empty where unknown or not to be used) for the
    features about a learner's earlier and parallel enrolments. ``peer_keys``
    names the columns of ``enrolments`` that make a group of peers (default:
    same course run, same day); the platform, where each enrolment has its own
    age, groups by course and age band instead.
    """
    frame = enrolments.set_index("enrolment_id")
    out = pd.DataFrame(index=frame.index)
    as_of = frame["as_of"].astype(float)
    enrolled = frame["enrolled_day"].astype(float)
    start = enrolled.clip(lower=0)
    out["elapsed"] = (as_of - start + 1).clip(lower=1)
    out["enrolled_day"] = enrolled
    out["enrolled_late"] = (enrolled > 0).astype(float)
    since_enrolled = as_of - np.minimum(enrolled, as_of) + 1

    acts = activity.merge(
        frame[["as_of"]], left_on="enrolment_id", right_index=True, how="inner"
    )
    acts = acts[acts["day"] <= acts["as_of"]].copy()
    acts["age"] = acts["as_of"] - acts["day"]
    _activity_features(out, acts, as_of, since_enrolled)
    _assignment_features(out, acts, as_of, since_enrolled)
    _peer_features(out, frame[peer_keys or PEER_KEYS])
    _history_features(out, frame, history)
    return out.astype(float)


def dataset_at(
    enrolments: pd.DataFrame, day: int, *, per_enrolment_day: bool = False
) -> pd.DataFrame:
    """The enrolments that can be scored on ``day``: enrolled by then and not
    left yet (``left_day`` empty or later). ``as_of`` is set to ``day``.

    With ``per_enrolment_day`` the frame's own ``as_of`` column is kept (the
    platform scores each enrolment at its own age).
    """
    frame = enrolments
    if not per_enrolment_day:
        frame = frame.assign(as_of=day)
    left = pd.to_numeric(frame["left_day"], errors="coerce").astype(float)
    alive = (frame["enrolled_day"] <= frame["as_of"]) & (
        left.fillna(np.inf) > frame["as_of"]
    )
    return frame[alive].copy()
