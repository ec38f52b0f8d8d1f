"""The default ranking model: EASE whose λ, popularity damping and coverage
re-rank are chosen on held-out rows of its own training data."""

import numpy as np
import pandas as pd
import pytest

from recommendations.algorithms import (
    DEFAULT_ALGORITHM,
    InteractionData,
    get_algorithm,
    top_n,
)
from recommendations.algorithms.tuned import greedy_cover
from recommendations.evaluation import evaluate


def _lists(model, data, k=10):
    out = {}
    for chunk, items, _ in top_n(
        model, np.arange(data.n_users), k, exclude=data.seen()
    ):
        for u, row in zip(chunk.tolist(), items.tolist(), strict=True):
            out[u] = [i for i in row if i >= 0]
    return out


def _long_tail(n_users=240, n_items=120, per_user=10, seed=5):
    """Four tastes over a Zipf-popular catalogue: a few courses fill every list."""
    rng = np.random.default_rng(seed)
    pop = 1 / np.arange(1, n_items + 1) ** 0.9
    rows = []
    for u in range(n_users):
        own = np.arange(u % 4, n_items, 4)
        p = pop[own] / pop[own].sum()
        rows += [(u, int(i)) for i in rng.choice(own, per_user, replace=False, p=p)]
    return pd.DataFrame(rows, columns=["user", "item"])


# -- the coverage re-rank, by hand ---------------------------------------------


def test_a_course_nobody_is_shown_goes_to_the_learner_who_ranks_it_highest():
    # k=2; course 9 is outside both lists; learner 1 ranks it just below
    # their 2nd course, learner 0 far below: learner 1 gets it
    items = np.array([[0, 1, 5, 9], [0, 1, 9, 5]])
    scores = np.array([[1.0, 0.9, 0.8, 0.1], [1.0, 0.9, 0.85, 0.2]])
    swaps = greedy_cover(items, scores, k=2, depth=4)
    assert swaps[0] == (1, 9, 1)
    assert len({row for row, _new, _old in swaps}) == len(swaps)  # one per learner


def test_a_learners_first_courses_are_never_given_up():
    # k=5: only the last three slots may change, even when the course there
    # is the only place of its course
    items = np.array([[0, 1, 2, 3, 4, 9], [0, 1, 5, 6, 7, 8]])
    scores = np.tile(np.linspace(1.0, 0.5, 6), (2, 1))
    # every course in slots 3-5 is shown once; 0 and 1 are shown twice but
    # only in protected slots: 9 and 8 stay unshown
    assert greedy_cover(items, scores, k=5, depth=6) == []
    # once both show 7 in their 5th slot, one of them gives it up (the tie to
    # the first learner) and 7 keeps its place with the other
    items[0, 4] = 7
    assert greedy_cover(items, scores, k=5, depth=6) == [(0, 9, 7)]


def test_the_re_rank_never_takes_a_course_s_only_place():
    # course 1 is shown to learner 0 only; 0 is shown to both
    items = np.array([[0, 1, 7], [0, 2, 8]])
    scores = np.array([[1.0, 0.9, 0.8], [1.0, 0.9, 0.8]])
    swaps = greedy_cover(items, scores, k=2, depth=3)
    for row, _new, old in swaps:
        shown_elsewhere = sum(old in line[:2] for line in items) > 1
        assert shown_elsewhere, (row, old)
    # each learner's first course was shown twice: at most one of them gives
    # it up, so that 0 keeps a place
    kept = [line for line in items[:, :2].tolist()]
    for row, new, old in swaps:
        kept[row] = [new if i == old else i for i in kept[row]]
    assert 0 in {i for line in kept for i in line}
    assert {7, 8} & {i for line in kept for i in line}


def test_a_course_beyond_the_depth_is_never_pushed_in():
    items = np.array([[0, 1, 2, 3], [0, 1, 2, 3]])
    scores = np.array([[4.0, 3.0, 2.0, 1.0], [4.0, 3.0, 2.0, 1.0]])
    assert greedy_cover(items, scores, k=2, depth=2) == []
    assert {new for _r, new, _o in greedy_cover(items, scores, k=2, depth=3)} == {2}


# -- the fitted model ----------------------------------------------------------


def test_the_served_lists_are_the_plain_lists_with_at_most_one_course_changed():
    data = InteractionData.from_frame(_long_tail())
    plain = get_algorithm(
        "ease_tuned", l2=100.0, popularity_damping=0.0, cover_depth=0
    ).fit(data)
    covered = get_algorithm(
        "ease_tuned", l2=100.0, popularity_damping=0.0, cover_depth=40
    ).fit(data)
    before, after = _lists(plain, data), _lists(covered, data)
    shown_before = {i for row in before.values() for i in row}
    shown_after = {i for row in after.values() for i in row}
    assert shown_before < shown_after  # nothing lost, more courses shown
    assert len(shown_after) >= len(shown_before) + 10
    for u in before:
        assert len(set(before[u]) - set(after[u])) <= 1
        assert before[u][0] == after[u][0] or len(set(before[u]) ^ set(after[u]))


def test_validation_never_picks_a_damping_that_ruins_the_lists():
    # α = 5 ranks the least taken courses first: held-out rows say so,
    # whichever order the grid is given in
    data = InteractionData.from_frame(_long_tail())
    for grid in ([0.0, 5.0], [5.0, 0.0]):
        model = get_algorithm(
            "ease_tuned", l2_grid=[100.0], damping_grid=grid, cover_depth=0
        ).fit(data)
        assert model.chosen["popularity_damping"] == 0.0
        scores = model.validation["l2/damping"]
        assert scores["100/0"] > scores["100/5"]


def test_the_re_rank_depth_stays_within_its_price_on_held_out_rows():
    data = InteractionData.from_frame(_long_tail())
    model = get_algorithm(
        "ease_tuned", l2_grid=[100.0], damping_grid=[0.0], depth_grid=[0, 20, 60]
    ).fit(data)
    by_depth = {int(d): v for d, v in model.validation["depth"].items()}
    chosen = model.chosen["cover_depth"]
    assert chosen in by_depth
    assert by_depth[chosen] >= by_depth[0] * (1 - model.params["cover_cost"])
    # a depth that cost more than the price would not have been chosen
    deeper = [d for d in by_depth if d > chosen]
    for d in deeper:
        assert by_depth[d] < by_depth[0] * (1 - model.params["cover_cost"])
    # a price of zero buys coverage only where it costs nothing held out
    free = get_algorithm(
        "ease_tuned",
        l2_grid=[100.0],
        damping_grid=[0.0],
        depth_grid=[0, 20, 60],
        cover_cost=0.0,
    ).fit(data)
    for d, v in free.validation["depth"].items():
        if int(d) == free.chosen["cover_depth"]:
            assert v >= free.validation["depth"]["0"]


def test_given_parameters_are_not_searched_and_fits_repeat_exactly():
    data = InteractionData.from_frame(_long_tail())
    fixed = get_algorithm(
        "ease_tuned", l2=50.0, popularity_damping=0.1, cover_depth=20
    ).fit(data)
    assert fixed.validation == {}
    assert fixed.chosen == {"l2": 50.0, "popularity_damping": 0.1, "cover_depth": 20}
    a = get_algorithm("ease_tuned").fit(data)
    b = get_algorithm("ease_tuned").fit(data)
    assert a.chosen == b.chosen
    assert _lists(a, data) == _lists(b, data)
    assert a.learned_metrics()["chosen"] == a.chosen


def test_the_default_beats_popularity_and_runs_on_a_tiny_platform():
    assert DEFAULT_ALGORITHM == "ease_tuned"
    frame = _long_tail().assign(stars=np.nan)  # enrolments: no stars
    results = {
        r["algorithm"]: r
        for r in evaluate(frame, algorithms=["popularity", "ease_tuned"], seed=3, k=5)
    }
    assert results["ease_tuned"]["ndcg@5"] > results["popularity"]["ndcg@5"] + 0.05
    # three learners, two courses each: nothing to validate on, no error
    tiny = pd.DataFrame({"user": [1, 1, 2, 2, 3, 3], "item": [1, 2, 2, 3, 1, 3]})
    model = get_algorithm("ease_tuned").fit(InteractionData.from_frame(tiny))
    assert model.score(np.arange(3)).shape == (3, 3)


@pytest.mark.parametrize("n_items", [3, 12])
def test_catalogues_smaller_than_the_list_or_the_depth(n_items):
    rng = np.random.default_rng(0)
    rows = [
        (u, int(i))
        for u in range(40)
        for i in rng.choice(n_items, min(2, n_items - 1), replace=False)
    ]
    data = InteractionData.from_frame(pd.DataFrame(rows, columns=["user", "item"]))
    model = get_algorithm("ease_tuned").fit(data)
    lists = _lists(model, data)
    for u, row in lists.items():
        assert len(row) == len(set(row))
        assert not set(row) & set(data.seen()[u].indices)
