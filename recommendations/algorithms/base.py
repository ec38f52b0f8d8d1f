"""The one interface every recommender implements, and batched top-N ranking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from .data import InteractionData

#: Users scored at once: a batch is `batch × n_items` float32 scores, so
#: 1,000 users × 20,000 items is 80 MB whatever the number of users.
DEFAULT_BATCH = 1000


class Recommender:
    """Fit on an interaction frame, score users × all items, explain a pick.

    Subclasses set `name`, `default_params`, and implement `fit` and
    `score`. Rating models (Surprise) also implement `predict_ratings`.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    rating_model: ClassVar[bool] = False
    #: The fit holds a dense items × items matrix (memory grows with the
    #: catalogue squared): above RECOMMENDATIONS_DENSE_MAX_ITEMS the pipeline
    #: fits the scale model instead (services/scale.py).
    dense_items: ClassVar[bool] = False
    default_params: ClassVar[dict[str, Any]] = {}

    def __init__(self, **params: Any) -> None:
        unknown = set(params) - set(self.default_params)
        if unknown:
            raise ValueError(f"Unknown parameters for {self.name}: {sorted(unknown)}")
        self.params = {**self.default_params, **params}
        self.data: InteractionData | None = None
        self._history: sp.csr_matrix | None = None

    def fit(self, data: InteractionData) -> Recommender:
        self.data = data
        self._history = data.matrix(positive_only=True)
        return self

    def score(self, users: np.ndarray) -> np.ndarray:
        """Scores (len(users) × n_items, float32); higher is better."""
        raise NotImplementedError

    def predict_ratings(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{self.name} does not predict ratings")

    def item_similarity(self, items: np.ndarray, history: np.ndarray) -> np.ndarray:
        """How much each history item supports each item (len(history) × len(items)).

        The default compares the items' interaction columns (cosine); models
        with their own notion of neighbours override it.
        """
        m = self._history
        cols_a = m[:, history]
        cols_b = m[:, items]
        dot = (cols_a.T @ cols_b).toarray()
        norm_a = np.sqrt(np.asarray(cols_a.multiply(cols_a).sum(axis=0))).ravel()
        norm_b = np.sqrt(np.asarray(cols_b.multiply(cols_b).sum(axis=0))).ravel()
        return dot / np.maximum(np.outer(norm_a, norm_b), 1e-12)

    #: Below this cosine (of the two courses' learners) a history item does not
    #: explain a recommendation.
    MIN_EXPLAIN_SUPPORT = 0.05
    #: A history item of another category must support an item this many times
    #: more strongly than one of the same category to be named as the reason.
    CROSS_CATEGORY_PENALTY = 0.25

    def pair_support(self, history: np.ndarray, items: np.ndarray) -> np.ndarray:
        """How much history item `history[n]` supports item `items[n]`, per pair.

        Elementwise (1-D in, 1-D out), so that a whole batch of learners is
        explained at once. The default is the cosine of the two items'
        interaction columns; models with their own neighbours override it.
        """
        return self.pair_cosine(history, items)

    #: Item pairs whose cosine is below this are not stored in the sparse
    #: co-occurrence table (the table stays small whatever the catalogue).
    _COSINE_FLOOR = 0.01
    #: Items per block when building that table (block × n_items dense floats).
    _COSINE_BLOCK = 512

    def pair_cosine(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Cosine of the interaction columns of items a[n] and b[n] (0 below 0.01).

        Built once per fitted model as a sparse item × item table, block by
        block, keeping only pairs at or above `_COSINE_FLOOR`: its cost is the
        sum over learners of their history squared, never n_items².
        """
        table = getattr(self, "_cosine_table", None)
        if table is None:
            table = self._cosine_table = self._build_cosine_table()
        if len(a) == 0:
            return np.zeros(0, dtype=np.float32)
        return np.asarray(table[a, b], dtype=np.float32).ravel()

    def _build_cosine_table(self) -> sp.csr_matrix:
        x = (self._history > 0).astype(np.float32)
        xt = x.T.tocsr()
        norms = np.sqrt(np.asarray(x.sum(axis=0), dtype=np.float64).ravel())
        inv = np.where(norms > 0, 1.0 / np.maximum(norms, 1e-12), 0.0)
        blocks = []
        n_items = x.shape[1]
        for start in range(0, n_items, self._COSINE_BLOCK):
            stop = min(start + self._COSINE_BLOCK, n_items)
            co = (xt[start:stop] @ x).tocoo()
            cos = co.data * inv[co.row + start] * inv[co.col]
            keep = cos >= self._COSINE_FLOOR
            blocks.append(
                sp.csr_matrix(
                    (cos[keep].astype(np.float32), (co.row[keep], co.col[keep])),
                    shape=(stop - start, n_items),
                )
            )
        if not blocks:
            return sp.csr_matrix((0, 0), dtype=np.float32)
        table = sp.vstack(blocks, format="csr")
        table.sort_indices()
        return table

    #: Below this cosine (of the two courses' learners) a history item does not
    #: explain a recommendation.
    MIN_EXPLAIN_SUPPORT = 0.05
    #: A history item of another category must support an item this many times
    #: more strongly than one of the same category to be named as the reason.
    CROSS_CATEGORY_PENALTY = 0.25

    def explain(self, user: int, items: np.ndarray) -> np.ndarray:
        """For each item, the index of the user's history item that best supports it.

        One learner's row of `explain_batch`.
        """
        items = np.asarray(items, dtype=np.int64).reshape(1, -1)
        return self.explain_batch(np.array([user], dtype=np.int64), items)[0]

    def explain_batch(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """The history item that best supports each recommended item, per learner.

        `items` is len(users) × n (item indexes, -1 for an empty slot); the
        answer has the same shape, -1 where nothing explains the item. A
        history item in the recommended item's own category is preferred
        (`CROSS_CATEGORY_PENALTY`), and weak support (`MIN_EXPLAIN_SUPPORT`)
        explains nothing: the reason becomes popularity in the item's
        category. "Because you took X" should read as a reason to a learner,
        not as an accident of co-occurrence.

        Vectorised over the whole batch: every (history item, recommended
        item) pair of every learner is one row of flat arrays, scored by
        `pair_support`, and the best history item per slot is picked with
        one sort (ties go to the lower history index).
        """
        users = np.asarray(users, dtype=np.int64)
        items = np.asarray(items, dtype=np.int64)
        out = np.full(items.shape, -1, dtype=np.int64)
        if items.size == 0:
            return out
        h = self._history[users]
        h.eliminate_zeros()
        n_slots = items.shape[1]
        counts = np.diff(h.indptr)
        row_of_entry = np.repeat(np.arange(len(users)), counts)
        pair_hist = np.repeat(h.indices.astype(np.int64), n_slots)
        pair_row = np.repeat(row_of_entry, n_slots)
        pair_slot = np.tile(np.arange(n_slots), len(h.indices))
        pair_item = items[pair_row, pair_slot]
        valid = pair_item >= 0
        pair_hist, pair_row = pair_hist[valid], pair_row[valid]
        pair_slot, pair_item = pair_slot[valid], pair_item[valid]
        if len(pair_item) == 0:
            return out
        support = np.asarray(
            self.pair_support(pair_hist, pair_item), dtype=np.float64
        ).ravel()
        categories = getattr(self.data, "item_category", None)
        if categories is not None:
            cat_item = categories[pair_item]
            different = (categories[pair_hist] != cat_item) & (cat_item >= 0)
            support = np.where(
                different, support * self.CROSS_CATEGORY_PENALTY, support
            )
        key = pair_row * n_slots + pair_slot
        # best support first within each slot, then the lower history index
        order = np.lexsort((pair_hist, -support, key))
        key_sorted = key[order]
        first = order[np.r_[True, key_sorted[1:] != key_sorted[:-1]]]
        best_hist, best_item = pair_hist[first], pair_item[first]
        # The model's own support has a model-specific scale; whether the pair
        # is really taken together is judged on one scale for all models: the
        # cosine of their interaction columns.
        together = self.pair_cosine(best_hist, best_item)
        ok = (support[first] > 0) & (together >= self.MIN_EXPLAIN_SUPPORT)
        out[pair_row[first][ok], pair_slot[first][ok]] = best_hist[ok]
        return out

    def params_for_storage(self) -> dict[str, Any]:
        return dict(self.params)


def iter_batches(n: int, batch: int = DEFAULT_BATCH) -> Iterator[np.ndarray]:
    for start in range(0, n, batch):
        yield np.arange(start, min(start + batch, n), dtype=np.int64)


def top_n(
    model: Recommender,
    users: np.ndarray,
    n: int,
    *,
    exclude: sp.csr_matrix | None = None,
    batch: int = DEFAULT_BATCH,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Yield (users, items[len, n], scores[len, n]) per batch, best first.

    `exclude` (users × items, boolean) marks items never to rank (already
    taken, dismissed). Excluded slots come back with item -1. Ties are broken
    by item index so the ranking is deterministic.
    """
    users = np.asarray(users, dtype=np.int64)
    n_items = model.data.n_items
    n = min(n, n_items)
    for start in range(0, len(users), batch):
        chunk = users[start : start + batch]
        scores = np.asarray(model.score(chunk), dtype=np.float32)
        if exclude is not None:
            ex = exclude[chunk]
            rows = np.repeat(np.arange(len(chunk)), np.diff(ex.indptr))
            scores[rows, ex.indices] = -np.inf
        if n < n_items:
            part = np.argpartition(-scores, n - 1, axis=1)[:, :n]
        else:
            part = np.tile(np.arange(n_items), (len(chunk), 1))
        part_scores = np.take_along_axis(scores, part, axis=1)
        # argpartition picks arbitrarily among items tied at the boundary;
        # re-rank those rows fully so that ties always go to the lower index.
        boundary = part_scores.min(axis=1, keepdims=True)
        tied = np.flatnonzero((scores >= boundary).sum(axis=1) > n)
        if len(tied):
            exact = np.argsort(-scores[tied], axis=1, kind="stable")[:, :n]
            part[tied] = exact
            part_scores[tied] = np.take_along_axis(scores[tied], exact, axis=1)
        # Sort by score desc, then item index asc (lexsort: last key first).
        order = np.lexsort((part, -part_scores), axis=1)
        items = np.take_along_axis(part, order, axis=1)
        best = np.take_along_axis(part_scores, order, axis=1)
        items[~np.isfinite(best)] = -1
        yield chunk, items, best
