"""The offline evaluation protocol, checked against figures worked out by hand."""

import json
import math

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from recommendations.evaluation import evaluate, ranking_metrics, split_mask

# 12 rows in file order; with seed 2 and test size 0.25 the protocol's mask
# (default_rng(2).random(12) < 0.25) selects rows 3, 6, 7 and 11.
ROWS = [
    ("u1", "A", 5),
    ("u1", "B", 4),
    ("u2", "A", 3),
    ("u2", "C", 5),  # test
    ("u3", "A", 4),
    ("u3", "B", 2),
    ("u3", "D", 1),  # test
    ("u1", "E", 4),  # test
    ("u4", "B", 5),
    ("u4", "C", 3),
    ("u5", "A", 2),
    ("u4", "D", 4),  # test
]


def _csv(tmp_path):
    path = tmp_path / "ratings.csv"
    lines = ["user,item,rating,timestamp"] + [
        f"{u},{i},{r},{880000000 + n}" for n, (u, i, r) in enumerate(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_split_is_the_documented_mask():
    mask = split_mask(12, test_size=0.25, seed=2)
    assert np.flatnonzero(mask).tolist() == [3, 6, 7, 11]
    expected = np.random.default_rng(2).random(12) < 0.25
    assert (mask == expected).all()


def test_ranking_metrics_by_hand():
    # 4 relevant items, k=3, hits at ranks 2 and 3:
    # DCG = 1/log2(3) + 1/log2(4); ideal = min(4, 3) = 3 hits:
    # IDCG = 1 + 1/log2(3) + 1/log2(4)
    m = ranking_metrics(
        {7: ["x", "y", "z"]}, {7: {"y", "z", "w", "q"}}, k=3, n_items=10
    )
    dcg = 1 / math.log2(3) + 1 / math.log2(4)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert m["precision@3"] == pytest.approx(2 / 3)
    assert m["recall@3"] == pytest.approx(2 / 4)
    assert m["ndcg@3"] == pytest.approx(dcg / idcg)
    assert m["coverage@3"] == pytest.approx(3 / 10)


def test_popularity_on_a_hand_made_file(tmp_path):
    """Worked out by hand.

    Train popularity: A=4, B=3, C=1, D=0, E=0 (ties go to the lower item).
    u1 (train A,B; test E): ranks C, D -> no hit.
    u2 (train A; test C): ranks B, C -> hit at 2.
    u3 (train A,B; test D): ranks C, D -> hit at 2.
    u4 (train B,C; test D): ranks A, D -> hit at 2.
    u5 has no test row and is not evaluated.
    P@2 = (0 + 1/2 * 3) / 4 = 0.375; R@2 = 3/4; NDCG@2 = 3 * (1/log2 3) / 4;
    coverage@2 = |{A, B, C, D}| / 5 items = 0.8.
    """
    out = tmp_path / "out.json"
    call_command(
        "recommender_eval",
        ratings=str(_csv(tmp_path)),
        test_size=0.25,
        seed=2,
        k=2,
        json_path=str(out),
        algorithms="popularity,ease",
    )
    report = json.loads(out.read_text())
    assert report["default"] == "ease_tuned"
    names = [row["algorithm"] for row in report["algorithms"]]
    assert names == ["popularity", "ease"]
    pop = report["algorithms"][0]
    assert set(pop) == {
        "algorithm",
        "rmse",
        "mae",
        "precision@2",
        "recall@2",
        "ndcg@2",
        "coverage@2",
        "fit_s",
        "score_s",
    }
    assert pop["precision@2"] == pytest.approx(0.375)
    assert pop["recall@2"] == pytest.approx(0.75)
    assert pop["ndcg@2"] == pytest.approx(3 * (1 / math.log2(3)) / 4)
    assert pop["coverage@2"] == pytest.approx(0.8)
    assert pop["rmse"] is None


def test_rating_models_report_rmse_and_mae(tmp_path):
    import pandas as pd

    frame = pd.read_csv(_csv(tmp_path))
    frame = pd.DataFrame(
        {
            "user": frame.user,
            "item": frame["item"],
            "weight": 1.0,
            "stars": frame.rating,
        }
    )
    (svd,) = evaluate(frame, algorithms=["svd"], test_size=0.25, seed=2, k=2)
    # with so little data SVD predicts close to the global train mean
    # (3.75); the test stars are 5, 1, 4, 4
    errors = np.array([5, 1, 4, 4]) - 3.75
    assert svd["rmse"] == pytest.approx(np.sqrt(np.mean(errors**2)), abs=0.3)
    assert svd["mae"] == pytest.approx(np.mean(np.abs(errors)), abs=0.3)


def test_bad_file_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("recommender_eval", ratings=str(path))
    with pytest.raises(CommandError, match="test-size"):
        call_command("recommender_eval", ratings=str(path), test_size=1.5)


NEXT_ROWS = """user,item,timestamp
u1,A,100
u2,B,500
u1,B,200
u3,D,50
u2,A,10
u4,A,300
u1,C,300
u4,C,400
"""


def test_next_protocol_on_a_hand_made_file(tmp_path, capsys):
    """Worked out by hand.

    Held out (each learner's latest): u1 C, u2 B (timestamp 500, though
    its row comes first), u4 C; u3 has one course and is not evaluated.
    Train popularity: A=3, B=1, D=1, C=0 (ties go to the lower item).
    u1 (took A, B) ranks D, C: hit at 2. u2 (took A) ranks B, D: hit at 1.
    u4 (took A) ranks B, D: miss.
    HR@2 = 2/3; NDCG@2 = (1/log2 3 + 1 + 0) / 3; coverage@2 = {B, C, D} / 4.
    """
    path = tmp_path / "enrolments.csv"
    path.write_text(NEXT_ROWS)
    out = tmp_path / "out.json"
    call_command(
        "recommender_eval",
        ratings=str(path),
        protocol="next",
        k=2,
        json_path=str(out),
        algorithms="popularity,svd",
    )
    printed = capsys.readouterr().out
    assert "svd" in printed and "skipped: needs star ratings" in printed
    pop, svd = json.loads(out.read_text())["algorithms"]
    assert pop["hr@2"] == pytest.approx(2 / 3)
    assert pop["ndcg@2"] == pytest.approx((1 / math.log2(3) + 1) / 3)
    assert pop["coverage@2"] == pytest.approx(3 / 4)
    assert pop["fit_s"] >= 0 and pop["score_s"] >= 0
    assert svd == {"algorithm": "svd", "skipped": svd["skipped"]}


def test_next_protocol_without_timestamps_uses_row_order(tmp_path):
    from recommendations.evaluation import load_ratings_csv, next_split

    path = tmp_path / "enrolments.csv"
    path.write_text("user,item\nu1,A\nu1,B\nu2,C\nu1,D\nu2,A\n")
    held = next_split(load_ratings_csv(str(path)))
    assert held.tolist() == [False, False, False, True, True]


def test_the_sequence_model_learns_what_comes_next():
    """Everyone takes A then B then C: after B, C is next (EASE ranks by co-occurrence)."""
    import pandas as pd

    from recommendations.evaluation import evaluate_next

    rows = []
    for u in range(40):
        order = ["A", "B", "C"] if u < 30 else ["C", "X", "A"]
        rows += [(u, item, n) for n, item in enumerate(order)]
    rows += [(99, "A", 0), (99, "B", 1), (99, "C", 2)]
    frame = pd.DataFrame(rows, columns=["user", "item", "timestamp"])
    frame["weight"] = 1.0
    frame["stars"] = np.nan
    (nxt,) = evaluate_next(frame, algorithms=["next"], k=1)
    assert nxt["hr@1"] > 0.7


def test_unknown_algorithm_is_a_clear_error(tmp_path):
    path = tmp_path / "enrolments.csv"
    path.write_text(NEXT_ROWS)
    with pytest.raises(CommandError, match="Unknown algorithm"):
        call_command("recommender_eval", ratings=str(path), algorithms="magic")
