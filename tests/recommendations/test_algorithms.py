"""The algorithm layer: vectorized scoring equals Surprise's predict(), ranking."""

import numpy as np
import pandas as pd
import pytest

from recommendations.algorithms import (
    ALGORITHMS,
    InteractionData,
    get_algorithm,
    top_n,
)


def _ratings(n_users=60, n_items=40, n_rows=900, seed=3):
    rng = np.random.default_rng(seed)
    users = rng.integers(0, n_users, n_rows)
    # skewed items so that some are rare and some unknown to the trainset
    items = np.minimum(rng.zipf(1.5, n_rows) - 1, n_items - 1)
    taste = (users % 3)[:, None] == (items % 3)[:, None]
    stars = np.clip(np.round(2.5 + 2 * taste.ravel() + rng.normal(0, 1, n_rows)), 1, 5)
    return pd.DataFrame(
        {
            "user": users + 1000,
            "item": items + 500,
            "weight": np.ones(n_rows, dtype=np.float32),
            "stars": stars.astype(float),
        }
    )


@pytest.fixture(scope="module")
def data():
    frame = _ratings()
    # item 999 has no rows at all: unknown to Surprise; a user without stars
    # (only an implicit row) is unknown too.
    extra = pd.DataFrame(
        {"user": [5000], "item": [501], "weight": [2.0], "stars": [np.nan]}
    )
    frame = pd.concat([frame, extra], ignore_index=True)
    item_ids = np.append(np.unique(frame["item"]), 999)
    return InteractionData.from_frame(frame, item_ids=item_ids)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("svd", {"n_factors": 8}),
        # k=5: most users have more ratings, so top-k selection per user
        ("knn_item", {"k": 5, "min_k": 2}),
        ("knn_item_implicit", {"k": 5, "min_k": 2}),
        # k=40: every user has fewer ratings: the batched matrix-product path
        ("knn_item", {"k": 40, "min_k": 3}),
    ],
)
def test_vectorized_scores_equal_surprise_predict(data, name, params):
    model = get_algorithm(name, **params).fit(data)
    rng = np.random.default_rng(0)
    users = rng.choice(data.n_users, 25, replace=False)
    users = np.append(users, np.flatnonzero(data.user_ids == 5000))
    scores = model.score(users)
    assert scores.shape == (len(users), data.n_items)
    checked = 0
    for row, u in enumerate(users):
        for i in range(data.n_items):
            expected = model.algo.predict(u, i, clip=False).est
            assert abs(float(scores[row, i]) - expected) < 1e-4  # float32 output
            checked += 1
    # the float64 pair predictions match to 1e-6, clipped and unclipped
    pairs_u = np.repeat(users, data.n_items)
    pairs_i = np.tile(np.arange(data.n_items), len(users))
    exact = model.predict_ratings(pairs_u, pairs_i, clip=False)
    clipped = model.predict_ratings(pairs_u, pairs_i)
    for n, (u, i) in enumerate(zip(pairs_u, pairs_i, strict=True)):
        assert abs(exact[n] - model.algo.predict(u, i, clip=False).est) < 1e-6
        assert abs(clipped[n] - model.algo.predict(u, i).est) < 1e-6
    assert checked == len(users) * data.n_items


def test_knn_uses_only_top_k_positive_neighbours(data):
    """With k=1 only the single most similar rated item moves the item mean."""
    model = get_algorithm("knn_item", k=1, min_k=1).fit(data)
    u = 0
    inner_u = model.inner_user[u]
    rated, r = model.user_ratings[inner_u]
    i = next(i for i in range(data.n_items) if model.inner_item[i] not in rated)
    ii = model.inner_item[i]
    sims = model.sim[ii, rated]
    best = int(np.argmax(sims))
    expected = model.means[ii]
    if sims[best] > 0:
        expected += (r[best] - model.means[rated[best]]) * sims[best] / sims[best]
    assert model.predict_ratings([u], [i], clip=False)[0] == pytest.approx(expected)


def test_every_algorithm_ranks_unseen_items_only(data):
    seen = data.seen()
    for name in ALGORITHMS:
        model = get_algorithm(name).fit(data)
        for users, items, scores in top_n(
            model, np.arange(data.n_users), 5, exclude=seen, batch=7
        ):
            for u, row, s in zip(users, items, scores, strict=True):
                taken = set(seen[u].indices)
                assert not taken & set(row[row >= 0].tolist()), name
                assert list(s) == sorted(s, reverse=True), name


def test_ease_learns_co_occurrence_and_explains_with_it():
    # users who take A also take B; C is taken by a separate crowd
    rows = []
    for u in range(30):
        rows += [(u, "A"), (u, "B")] if u < 20 else [(u, "C")]
    rows.append((99, "A"))
    frame = pd.DataFrame(rows, columns=["user", "item"])
    data = InteractionData.from_frame(frame)
    model = get_algorithm("ease", l2=1.0, popularity_damping=0.0).fit(data)
    u = int(np.flatnonzero(data.user_ids == 99)[0])
    ((_, items, _),) = top_n(model, np.array([u]), 1, exclude=data.seen())
    b = int(np.flatnonzero(data.item_ids == "B")[0])
    a = int(np.flatnonzero(data.item_ids == "A")[0])
    assert items[0, 0] == b
    assert model.explain(u, np.array([b]))[0] == a


def test_not_interested_pushes_neighbours_down():
    rows = [(u, "A", 1.0) for u in range(10)] + [(u, "B", 1.0) for u in range(10)]
    rows += [(u, "C", 1.0) for u in range(10, 20)] + [
        (u, "D", 1.0) for u in range(10, 20)
    ]
    rows += [(50, "X", 1.0), (51, "X", 1.0)]
    base = pd.DataFrame(rows, columns=["user", "item", "weight"])
    disliked = pd.concat(
        [base, pd.DataFrame([(50, "A", -1.0)], columns=["user", "item", "weight"])]
    )
    for frame, expect_b_low in ((base, False), (disliked, True)):
        data = InteractionData.from_frame(frame)
        model = get_algorithm("ease", l2=1.0, popularity_damping=0.0).fit(data)
        u = int(np.flatnonzero(data.user_ids == 50)[0])
        b = int(np.flatnonzero(data.item_ids == "B")[0])
        d = int(np.flatnonzero(data.item_ids == "D")[0])
        s = model.score(np.array([u]))[0]
        assert (s[b] < s[d]) == expect_b_low


def test_popularity_prefers_the_users_interests():
    frame = pd.DataFrame(
        [(u, "big") for u in range(10)] + [(u, "small") for u in range(2)],
        columns=["user", "item"],
    )
    data = InteractionData.from_frame(
        frame,
        user_ids=np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 42]),
        item_category={"big": 1, "small": 2},
        user_interests={42: [2]},
    )
    model = get_algorithm("popularity").fit(data)
    scores = model.score(np.array([10]))[0]
    small = int(np.flatnonzero(data.item_ids == "small")[0])
    assert scores.argmax() == small


def test_unknown_parameter_is_refused():
    with pytest.raises(ValueError, match="Unknown parameters"):
        get_algorithm("ease", lambda_=3)
    with pytest.raises(ValueError, match="Unknown algorithm"):
        get_algorithm("magic")


def test_explanations_prefer_a_course_of_the_same_category():
    # The learner took A (category 1) and X (category 2); B (category 1) is
    # co-taken with both, a little more with X: A is still the better reason.
    rows = [(u, "A") for u in range(0, 10)] + [(u, "B") for u in range(0, 20)]
    rows += [(u, "X") for u in range(8, 20)] + [(99, "A"), (99, "X")]
    frame = pd.DataFrame(rows, columns=["user", "item"])
    data = InteractionData.from_frame(frame, item_category={"A": 1, "B": 1, "X": 2})
    model = get_algorithm("ease", l2=1.0, popularity_damping=0.0).fit(data)
    u = int(np.flatnonzero(data.user_ids == 99)[0])
    b, a = (int(np.flatnonzero(data.item_ids == name)[0]) for name in ("B", "A"))
    assert model.explain(u, np.array([b]))[0] == a


def test_weak_support_explains_nothing():
    rows = [(u, "A") for u in range(50)] + [(u, "B") for u in range(50, 100)]
    rows += [(0, "B"), (200, "A")]
    frame = pd.DataFrame(rows, columns=["user", "item"])
    data = InteractionData.from_frame(frame)
    model = get_algorithm("ease", l2=1.0, popularity_damping=0.0).fit(data)
    u = int(np.flatnonzero(data.user_ids == 200)[0])
    b = int(np.flatnonzero(data.item_ids == "B")[0])
    assert model.explain(u, np.array([b]))[0] == -1


def _explain_one_by_one(model, user, items):
    """The reference: one learner at a time, from dense similarity blocks."""
    from recommendations.algorithms.base import Recommender

    h = model._history
    start, end = h.indptr[user], h.indptr[user + 1]
    history = h.indices[start:end][h.data[start:end] > 0]
    if len(history) == 0 or len(items) == 0:
        return np.full(len(items), -1)
    support = model.item_similarity(items, history)
    cats = model.data.item_category
    if cats is not None:
        same = cats[history][:, None] == cats[items][None, :]
        known = cats[items][None, :] >= 0
        support = np.where(
            same | ~known, support, support * Recommender.CROSS_CATEGORY_PENALTY
        )
    best = support.argmax(axis=0)
    out = history[best].copy()
    cosine = Recommender.item_similarity(model, items, history)
    together = cosine[best, np.arange(len(items))]
    weak = (support.max(axis=0) <= 0) | (together < Recommender.MIN_EXPLAIN_SUPPORT)
    out[weak] = -1
    return out


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("ease", {"l2": 5.0}),
        ("als", {"factors": 8, "iterations": 3}),
        ("svd", {"n_factors": 8}),
        ("knn_item", {"k": 5}),
    ],
)
def test_batched_reasons_equal_the_reasons_of_each_learner(name, params):
    frame = _ratings(n_users=80, n_items=40, n_rows=1500, seed=9)
    cats = {item: item % 4 for item in frame["item"].unique()}
    data = InteractionData.from_frame(frame, item_category=cats)
    model = get_algorithm(name, **params).fit(data)
    users = np.arange(data.n_users)
    checked = named = 0
    for chunk, items, _ in top_n(model, users, 6, exclude=data.seen(), batch=17):
        batched = model.explain_batch(chunk, items)
        for u, row, got in zip(chunk.tolist(), items, batched, strict=True):
            valid = row >= 0
            expected = _explain_one_by_one(model, u, row[valid])
            assert got[valid].tolist() == expected.tolist(), (name, u)
            assert (got[~valid] == -1).all()
            checked += int(valid.sum())
            named += int((got >= 0).sum())
    assert checked > 300 and named > 20  # the data exercises both outcomes


def test_ease_above_max_items_models_the_most_taken_courses_only():
    frame = _ratings(n_users=80, n_items=40, n_rows=1500, seed=5)
    data = InteractionData.from_frame(frame)
    small = get_algorithm("ease", l2=5.0, max_items=10).fit(data)
    kept = set(np.argsort(-data.popularity(), kind="stable")[:10].tolist())
    seen = data.seen()
    users = np.arange(data.n_users)
    outside = 0
    for chunk, items, _ in top_n(small, users, 5, exclude=seen):
        for u, row in zip(chunk.tolist(), items, strict=True):
            unseen_kept = len(kept - set(seen[u].indices.tolist()))
            picked = row[row >= 0].tolist()
            head = picked[: min(unseen_kept, len(picked))]
            # every modelled course the learner has not taken comes first
            assert set(head) <= kept
            outside += len(picked) - len(head)
    assert outside > 0  # learners who took most modelled courses exist here
    assert small.B.shape == (10, 10)
    explained = small.explain_batch(users[:10], np.tile(sorted(kept)[:3], (10, 1)))
    assert explained.shape == (10, 3)
