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

    def explain(self, user: int, items: np.ndarray) -> np.ndarray:
        """For each item, the index of the user's history item that best supports it.

        A history item in the recommended item's own category is preferred
        (`CROSS_CATEGORY_PENALTY`), and weak support (`MIN_EXPLAIN_SUPPORT`)
        explains nothing: -1 then, and the reason becomes popularity in the
        item's category. "Because you took X" should read as a reason to a
        learner, not as an accident of co-occurrence.
        """
        items = np.asarray(items, dtype=np.int64)
        h = self._history
        start, end = h.indptr[user], h.indptr[user + 1]
        history = h.indices[start:end][h.data[start:end] > 0]
        if len(history) == 0 or len(items) == 0:
            return np.full(len(items), -1, dtype=np.int64)
        support = self.item_similarity(items, history)
        categories = getattr(self.data, "item_category", None)
        if categories is not None:
            same = categories[history][:, None] == categories[items][None, :]
            known = categories[items][None, :] >= 0
            support = np.where(
                same | ~known, support, support * self.CROSS_CATEGORY_PENALTY
            )
        best = support.argmax(axis=0)
        out = history[best]
        # The model's own support has a model-specific scale; whether the
        # pair is really taken together is judged on one scale for all
        # models: the cosine of their interaction columns.
        cosine = Recommender.item_similarity(self, items, history)
        together = cosine[best, np.arange(len(items))]
        out[(support.max(axis=0) <= 0) | (together < self.MIN_EXPLAIN_SUPPORT)] = -1
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
