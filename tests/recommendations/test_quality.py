"""The ranking-quality models: EASE+ (user weighting, exposure-aware re-rank),
item-kNN, RP3beta and the blend with Surprise's predicted stars."""

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command

from recommendations.algorithms import InteractionData, get_algorithm, top_n
from recommendations.evaluation import evaluate, ranking_metrics


def _tastes(n_users=200, n_items=60, seed=1, stars=True, blockbusters=3):
    """Users of three tastes; a few blockbusters everyone takes; stars."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_users):
        taste = u % 3
        own = [i for i in range(6, n_items) if i % 3 == taste]
        picks = set(rng.choice(own, 6, replace=False).tolist())
        picks.update(rng.choice(6, blockbusters, replace=False).tolist())
        for i in picks:
            star = 5.0 if i >= 6 else 3.0
            rows.append((u, i, 1.0, star if stars else np.nan))
    return pd.DataFrame(rows, columns=["user", "item", "weight", "stars"])


def _ranked(model, data, k=5):
    out = {}
    for chunk, items, _ in top_n(
        model, np.arange(data.n_users), k, exclude=data.seen()
    ):
        for u, row in zip(chunk.tolist(), items.tolist(), strict=True):
            out[u] = [i for i in row if i >= 0]
    return out


def test_ease_plus_without_its_additions_ranks_like_ease():
    data = InteractionData.from_frame(_tastes())
    plain = get_algorithm("ease", l2=50.0, popularity_damping=0.2).fit(data)
    plus = get_algorithm(
        "ease_plus",
        l2=50.0,
        popularity_damping=0.2,
        user_weight=0.0,
        exposure_penalty=0.0,
    ).fit(data)
    users = np.arange(data.n_users)
    assert np.allclose(plus.score(users), plain.score(users), atol=1e-5)


def test_user_weighting_lowers_what_only_heavy_learners_took_together():
    # 10 learners took A and B only; 12 learners took A, C and 30 other courses
    rows = [(u, i) for u in range(10) for i in ("A", "B")]
    rng = np.random.default_rng(0)
    for u in range(10, 22):
        fillers = rng.choice(300, 30, replace=False)
        rows += [(u, i) for i in ["A", "C"] + [f"F{n}" for n in fillers]]
    rows.append((99, "A"))
    data = InteractionData.from_frame(pd.DataFrame(rows, columns=["user", "item"]))
    u = int(np.flatnonzero(data.user_ids == 99)[0])
    b = int(np.flatnonzero(data.item_ids == "B")[0])
    c = int(np.flatnonzero(data.item_ids == "C")[0])
    common = {"l2": 10.0, "popularity_damping": 0.0, "exposure_penalty": 0.0}
    flat = get_algorithm("ease_plus", user_weight=0.0, **common).fit(data)
    weighted = get_algorithm("ease_plus", user_weight=0.5, **common).fit(data)
    flat_scores = flat.score(np.array([u]))[0]
    weighted_scores = weighted.score(np.array([u]))[0]
    # C owes its score to the heavy learners: it loses ground to B
    assert weighted_scores[c] / weighted_scores[b] < 0.5 * (
        flat_scores[c] / flat_scores[b]
    )


def _long_tail(n_users=150, n_items=80, seed=3):
    rng = np.random.default_rng(seed)
    p = 1 / np.arange(1, n_items + 1)
    rows = [
        (u, int(i))
        for u in range(n_users)
        for i in rng.choice(n_items, 8, replace=False, p=p / p.sum())
    ]
    return pd.DataFrame(rows, columns=["user", "item"])


def test_exposure_penalty_shows_more_courses_and_keeps_each_learners_best():
    data = InteractionData.from_frame(_long_tail())
    without = get_algorithm("ease_plus", exposure_penalty=0.0, l2=30.0).fit(data)
    with_ = get_algorithm("ease_plus", exposure_penalty=0.1, l2=30.0).fit(data)
    before, after = _ranked(without, data), _ranked(with_, data)
    shown_without = {i for row in before.values() for i in row}
    shown_with = {i for row in after.values() for i in row}
    assert len(shown_with) > 1.5 * len(shown_without)
    # the course filling the most lists is the one penalised most
    assert int(np.argmax(with_.exposure)) in shown_without
    # most learners keep their best course at the top
    same_first = np.mean([before[u][0] == after[u][0] for u in before])
    assert same_first > 0.5


def test_exposure_is_reproducible_and_bounded_by_the_sample():
    data = InteractionData.from_frame(_tastes())
    a = get_algorithm("ease_plus", exposure_sample=50).fit(data)
    b = get_algorithm("ease_plus", exposure_sample=50).fit(data)
    assert np.array_equal(a.exposure, b.exposure)
    # shares are relative to a fair share (k / n_items per list): they
    # average to 1 over the catalogue when every list is full
    assert a.exposure.mean() == pytest.approx(1.0, abs=0.05)


def test_rp3beta_by_hand():
    # u0: A B; u1: A C; u2: A. Walk A -> users of A -> their items.
    frame = pd.DataFrame({"user": [0, 0, 1, 1, 2], "item": ["A", "B", "A", "C", "A"]})
    data = InteractionData.from_frame(frame)
    model = get_algorithm("rp3beta", alpha=1.0, beta=0.0).fit(data)
    a, b = 0, 1  # item ids sorted: A, B, C
    # P(A->u0)=1/3 * P(u0->B)=1/2 = 1/6
    assert model.W[a, b] == pytest.approx(1 / 6)
    assert model.W[b, a] == pytest.approx(1 / 2)  # B->u0 (1) * u0->A (1/2)
    beta = get_algorithm("rp3beta", alpha=1.0, beta=1.0).fit(data)
    assert beta.W[b, a] == pytest.approx(1 / 2 / 3)  # ÷ popularity of A


def test_item_knn_cosine_by_hand():
    frame = pd.DataFrame({"user": [0, 0, 1, 1, 2], "item": ["A", "B", "A", "C", "A"]})
    data = InteractionData.from_frame(frame)
    model = get_algorithm("item_knn", shrink=0.0).fit(data)
    assert model.W[0, 1] == pytest.approx(1 / np.sqrt(3))
    assert model.W[1, 2] == 0  # B and C never taken together


def test_stars_blend_learns_its_weight_on_held_out_rows():
    data = InteractionData.from_frame(_tastes())
    model = get_algorithm("ease_plus_stars", weights=[0.0, 0.5]).fit(data)
    assert set(model.validation) == {0.0, 0.5}
    best = max(model.validation, key=model.validation.get)
    assert model.weight == best
    stored = model.params_for_storage()
    assert stored["learned_weight"] == best


def test_stars_blend_with_weight_zero_ranks_like_its_base():
    data = InteractionData.from_frame(_tastes())
    blend = get_algorithm("ease_plus_stars", weight=0.0, exposure_penalty=0.0).fit(data)
    base = get_algorithm("ease_plus", exposure_penalty=0.0).fit(data)
    assert _ranked(blend, data) == _ranked(base, data)


def test_stars_blend_is_skipped_on_binary_data(tmp_path, capsys):
    frame = _tastes(stars=False)
    path = tmp_path / "enrolments.csv"
    frame[["user", "item"]].to_csv(path, index=False)
    call_command(
        "recommender_eval",
        ratings=str(path),
        algorithms="ease_plus,ease_plus_stars",
    )
    out = capsys.readouterr().out
    assert "ease_plus_stars     skipped: needs star ratings" in out
    assert out.count("ease_plus ") == 1  # the table row of ease_plus


def test_the_new_models_beat_popularity_on_planted_tastes():
    frame = _tastes(n_users=300, n_items=90, blockbusters=0)
    results = {
        r["algorithm"]: r
        for r in evaluate(
            frame,
            algorithms=["popularity", "item_knn", "rp3beta", "ease_plus"],
            test_size=0.25,
            seed=3,
            k=5,
        )
    }
    for name in ("item_knn", "rp3beta", "ease_plus"):
        assert results[name]["ndcg@5"] > results["popularity"]["ndcg@5"] + 0.1, name


def test_ranking_metrics_unchanged_for_reference():
    # the protocol's metric, as a guard for the figures in docs/recs.md
    got = ranking_metrics({0: [1, 2]}, {0: {2}}, k=2, n_items=4)
    assert got["ndcg@2"] == pytest.approx((1 / np.log2(3)) / 1.0)
