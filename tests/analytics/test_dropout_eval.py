"""dropout_eval on a tiny file worked out by hand, and rows after D ignored."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command

D = 10


def _write(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def files(tmp_path):
    """One course. Before day D those who will withdraw never come back after
    day 0 and those who complete visit daily; after D it is the other way
    round (so a model that read past D would rank them backwards).

    Scored on day D (enrolled by D and not left by D):
      train: 12 withdrawn (left on day 20) + 12 completed = 24;
             not scored: one enrolled on day 12, one that left on day 8,
             one that left on day 10 (gone on D itself);
      test:  2 withdrawn + 2 completed = 4, base rate 2/4 = 0.5.
    """
    enrolments, activity = [], []

    def add(eid, split, outcome, enrolled=0, left=""):
        cohort = "2013J" if split == "train" else "2014J"
        enrolments.append(
            [eid, f"L{eid}", "AAA", cohort, enrolled, left, outcome, split]
        )

    def visits(eid, days):
        activity.extend([eid, day, "visit", "", ""] for day in days)

    for n in range(12):
        add(f"w{n}", "train", "withdrawn", left=20)
        visits(f"w{n}", [0, *range(D + 1, 20)])
        add(f"c{n}", "train", "completed")
        visits(f"c{n}", range(0, D + 1))
    add("late", "train", "completed", enrolled=12)
    add("gone8", "train", "withdrawn", left=8)
    add("gone10", "train", "withdrawn", left=D)
    for n in range(2):
        add(f"tw{n}", "test", "withdrawn", left=30)
        visits(f"tw{n}", [0, *range(D + 1, 30)])
        add(f"tc{n}", "test", "completed")
        visits(f"tc{n}", range(0, D + 1))
    _write(
        tmp_path / "E.csv",
        [
            "enrolment_id",
            "learner_id",
            "course_id",
            "cohort",
            "enrolled_day",
            "left_day",
            "outcome",
            "split",
        ],
        enrolments,
    )
    header = ["enrolment_id", "day", "kind", "score", "due_day"]
    _write(tmp_path / "A.csv", header, activity)
    _write(tmp_path / "A_until_D.csv", header, [r for r in activity if r[1] <= D])
    return tmp_path


def _run(files, activity: str) -> dict:
    out = files / f"{activity}.json"
    call_command(
        "dropout_eval",
        enrolments=str(files / "E.csv"),
        activity=str(files / activity),
        day=D,
        json_out=str(out),
        stdout=open(files / "log.txt", "w"),  # noqa: SIM115
    )
    return json.loads(out.read_text())


def test_counts_and_metrics_match_the_hand_worked_answer(files):
    result = _run(files, "A.csv")
    assert result["day"] == D
    assert result["test_n"] == 4
    assert result["base_rate"] == 0.5
    # Perfectly separable before D: both rankings are perfect.
    assert result["roc_auc"] == 1.0
    assert result["pr_auc"] == 1.0
    log = (files / "log.txt").read_text()
    assert "train: 24 enrolments, 12 withdrawn" in log


def test_rows_after_day_d_change_nothing(files):
    assert _run(files, "A.csv") == _run(files, "A_until_D.csv")


def test_bad_files_give_a_clear_error(files):
    (files / "bad.csv").write_text("enrolment_id,day,kind\nw0,x,visit\n")
    with pytest.raises(CommandError):
        _run(files, "bad.csv")
