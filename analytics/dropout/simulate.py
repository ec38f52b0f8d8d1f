"""A simulator of university-style course runs with planted drop-out behaviour.

It writes data in the shape `manage.py dropout_eval` reads (E.csv and A.csv),
so that the command and the model can be built and checked without the
outside data set. What is planted:

* each learner has a lasting disposition (shared by their enrolments) from
  which each enrolment draws its motivation and ability;
* courses differ in how many leave and in their deadlines; registering late,
  or having left an earlier run, makes leaving more likely;
* most learners who leave fade first: in the weeks before they go they visit
  less, miss deadlines and score lower; some leave abruptly, with no warning
  in their activity (this caps how well anything can predict);
* learners who stay but score low fail.

Runs are named like ``2013B`` so that they sort in time; the latest run of
every course is the test split.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

COHORTS = ("2013B", "2013J", "2014B", "2014J")


@dataclasses.dataclass(frozen=True)
class Course:
    code: str
    leave_logit: float
    visit_logit: float
    length: int
    deadlines: tuple[int, ...]
    cohorts: tuple[str, ...]


def _courses(rng: np.random.Generator, count: int) -> list[Course]:
    courses = []
    for index in range(count):
        length = int(rng.integers(230, 270))
        n_deadlines = int(rng.integers(4, 8))
        first = int(rng.integers(15, 35))
        spacing = (length - 30 - first) / max(1, n_deadlines - 1)
        deadlines = tuple(int(first + i * spacing) for i in range(n_deadlines))
        n_cohorts = int(rng.integers(2, len(COHORTS) + 1))
        courses.append(
            Course(
                code=chr(ord("A") + index) * 3,
                leave_logit=float(rng.normal(-1.0, 0.6)),
                visit_logit=float(rng.normal(-0.6, 0.4)),
                length=length,
                deadlines=deadlines,
                cohorts=COHORTS[len(COHORTS) - n_cohorts :],
            )
        )
    return courses


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def simulate(
    *,
    enrolments: int = 26000,
    courses: int = 7,
    seed: int = 0,
    visits: bool = True,
    abrupt_share: float = 0.35,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (E, A) frames with the columns of E.csv and A.csv."""
    rng = np.random.default_rng(seed)
    plan = _courses(rng, courses)
    runs = [(course, cohort) for course in plan for cohort in course.cohorts]
    run_of = rng.integers(0, len(runs), size=enrolments)
    n = enrolments

    # Learners: about one in eight comes back for another run or course.
    learners = np.arange(n)
    repeat = rng.random(n) < 0.12
    learners[repeat] = rng.integers(0, n, size=int(repeat.sum()))
    disposition = rng.normal(size=n)[learners]
    motivation = 0.6 * disposition + 0.8 * rng.normal(size=n)
    ability = 0.5 * disposition + 0.85 * rng.normal(size=n)

    late = rng.random(n) < 0.08
    enrolled_day = np.where(
        late,
        rng.integers(1, 25, size=n),
        -np.round(rng.gamma(2.0, 25.0, size=n)).astype(int),
    )
    motivation = motivation - 0.35 * late

    leave_logit = np.array([runs[r][0].leave_logit for r in run_of])
    length = np.array([runs[r][0].length for r in run_of])
    logit = (
        leave_logit
        - 1.2 * motivation
        + 0.45 * late
        + 0.5 * (disposition < -1)
        + rng.normal(0, 0.8, size=n)
    )
    leaves = rng.random(n) < _sigmoid(logit)
    # When: low motivation leaves earlier. Some before the start.
    phase = rng.random(n)
    early_bias = _sigmoid(-motivation)
    left_day = np.where(
        phase < 0.25,
        np.round(enrolled_day + rng.random(n) * (0 - enrolled_day)),
        np.round(rng.beta(1.2, 1.2 + 2.5 * (1 - early_bias)) * length),
    ).astype(int)
    left_day = np.maximum(left_day, enrolled_day)
    abrupt = rng.random(n) < abrupt_share
    lead = np.where(abrupt, 0, np.round(rng.gamma(2.0, 13.0, size=n))).astype(int)
    onset = np.where(leaves, left_day - lead, 10**6)

    rows: list[pd.DataFrame] = []
    credited_sum = np.zeros(n)
    credited_n = np.zeros(n)
    ids = np.arange(1, n + 1)
    for run_index, (course, _cohort) in enumerate(runs):
        members = np.flatnonzero(run_of == run_index)
        if members.size == 0:
            continue
        end = np.where(leaves[members], left_day[members], course.length)
        shift = int(rng.integers(-3, 4))
        for due in course.deadlines:
            due = due + shift
            # Deadline rows for everyone registered (they are in the course plan).
            show = enrolled_day[members] <= due
            rows.append(
                pd.DataFrame(
                    {
                        "enrolment_id": ids[members[show]],
                        "day": due,
                        "kind": "assignment_due",
                        "score": np.nan,
                        "due_day": due,
                    }
                )
            )
            fade = np.clip(
                (due - onset[members]) / np.maximum(lead[members], 1), 0, 1
            ) * (due >= onset[members])
            m, a = motivation[members], ability[members]
            p_submit = _sigmoid(1.9 + 1.1 * m + 0.4 * a - 3.2 * fade)
            day = due + np.round(rng.normal(-2, 3, size=members.size)).astype(int)
            submits = (rng.random(members.size) < p_submit) & (day < end) & show
            score = np.clip(
                np.round(
                    rng.normal(64 + 10 * a + 4 * m - 18 * fade, 13, size=members.size)
                ),
                0,
                100,
            )
            credited_sum[members] += np.where(submits, score, 0)
            credited_n[members] += show
            rows.append(
                pd.DataFrame(
                    {
                        "enrolment_id": ids[members[submits]],
                        "day": day[submits],
                        "kind": "assignment_submitted",
                        "score": score[submits],
                        "due_day": float(due),
                    }
                )
            )
        if visits:
            first = int(enrolled_day[members].min())
            days = np.arange(first, course.length + 1)
            base = _sigmoid(course.visit_logit + 0.9 * motivation[members])
            grid_fade = np.clip(
                (days[None, :] - onset[members][:, None])
                / np.maximum(lead[members], 1)[:, None],
                0,
                1,
            ) * (days[None, :] >= onset[members][:, None])
            before_start = np.where(days < 0, 0.35, 1.0)[None, :]
            p = base[:, None] * (1 - 0.85 * grid_fade) * before_start
            on = rng.random(p.shape) < p
            on &= days[None, :] >= enrolled_day[members][:, None]
            on &= days[None, :] < end[:, None]
            who, when = np.nonzero(on)
            rows.append(
                pd.DataFrame(
                    {
                        "enrolment_id": ids[members[who]],
                        "day": days[when],
                        "kind": "visit",
                        "score": np.nan,
                        "due_day": np.nan,
                    }
                )
            )

    final = credited_sum / np.maximum(credited_n, 1) + rng.normal(0, 8, size=n)
    outcome = np.where(leaves, "withdrawn", np.where(final < 40, "failed", "completed"))
    cohort = np.array([runs[r][1] for r in run_of])
    latest = {course.code: max(course.cohorts) for course in plan}
    code = np.array([runs[r][0].code for r in run_of])
    split = np.where(cohort == np.array([latest[c] for c in code]), "test", "train")
    # A few who left have no recorded date, as in real registries.
    unknown_date = leaves & (rng.random(n) < 0.05)
    enrolments_frame = pd.DataFrame(
        {
            "enrolment_id": ids,
            "learner_id": learners + 1,
            "course_id": code,
            "cohort": cohort,
            "enrolled_day": enrolled_day,
            "left_day": pd.array(
                np.where(leaves & ~unknown_date, left_day, -(10**9)), dtype="Int64"
            ),
            "outcome": outcome,
            "split": split,
        }
    )
    enrolments_frame.loc[enrolments_frame["left_day"] == -(10**9), "left_day"] = pd.NA
    activity = pd.concat([r for r in rows if not r.empty], ignore_index=True)
    activity["day"] = activity["day"].astype(int)
    activity = activity.sort_values(["enrolment_id", "day"], kind="stable")
    return enrolments_frame, activity.reset_index(drop=True)


def write_csv(enrolments: pd.DataFrame, activity: pd.DataFrame, directory) -> None:
    from pathlib import Path

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    enrolments.to_csv(directory / "E.csv", index=False)
    activity.to_csv(directory / "A.csv", index=False, float_format="%g")
