"""Models made for ranking implicit feedback: EASE and implicit's ALS."""

from __future__ import annotations

import numpy as np
from django.utils.translation import gettext_lazy as _

from .base import Recommender
from .data import InteractionData


class EASE(Recommender):
    """Embarrassingly Shallow Autoencoder (Steck, 2019), closed form.

    B = I - P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹ and a zero diagonal; a
    user's scores are x_u·B. The final scores are divided by
    (popularity + 1)^α, a popularity-damping re-rank that trades a little
    precision for catalogue coverage. λ and α were tuned with
    `recommender_eval` (see docs/recs.md): λ=300, α=0.2.

    The item × item matrix is dense: memory is 8·n_items² bytes (32 MB for
    2,000 courses, 3.2 GB for 20,000), fine for a course catalogue.
    "Not interested" rows keep their negative weight in x_u, so dismissing a
    course pushes its neighbours down.
    """

    name = "ease"
    label = _("EASE (closed-form item model) with popularity damping")
    dense_items = True
    default_params = {
        "l2": 300.0,
        "popularity_damping": 0.2,
        "binary": True,
        "max_items": 20_000,
    }

    def fit(self, data: InteractionData) -> EASE:
        super().fit(data)
        pop = data.popularity()
        keep = self._keep_most_taken(data, pop)
        x = self._history[:, keep]
        if self.params["binary"]:
            x = (x > 0).astype(np.float32)
        dtype = np.float64 if len(keep) <= 5_000 else np.float32
        gram = (x.T @ x).toarray().astype(dtype)
        self._solve(data, gram, float(self.params["l2"]), keep, pop)
        return self

    def _keep_most_taken(self, data: InteractionData, pop: np.ndarray) -> np.ndarray:
        """The courses the dense matrix covers; sets `kept` and `position`.

        Above `max_items` the dense model covers the most taken courses only
        (memory 4·max_items² bytes); the others are left to the content
        neighbours and the popularity lists.
        """
        limit = int(self.params["max_items"])
        if data.n_items > limit:
            keep = np.sort(np.argsort(-pop, kind="stable")[:limit])
        else:
            keep = np.arange(data.n_items)
        self.kept = keep
        self.position = np.full(data.n_items, -1, dtype=np.int64)
        self.position[keep] = np.arange(len(keep))
        return keep

    def _solve(self, data, gram, l2: float, keep, pop) -> None:
        """The closed form B = I − P·diag(1/diag P), P = (G + l2·I)⁻¹ (`gram`
        is consumed), and what scoring needs: the signed history of the kept
        courses, the popularity damping and the tie-breaking popularity."""
        gram[np.diag_indices_from(gram)] += l2
        p = np.linalg.inv(gram)
        del gram
        p /= -np.diag(p)
        np.fill_diagonal(p, 0.0)
        self.B = p.astype(np.float32)
        del p
        signed = data.matrix()
        if self.params["binary"]:
            signed.data = np.sign(signed.data)
        self._signed = signed[:, keep].astype(np.float32).tocsr()
        alpha = float(self.params["popularity_damping"])
        self.damping = (1.0 / np.power(pop[keep] + 1.0, alpha)).astype(np.float32)
        # Users with no history get popularity as a tie-breaker.
        self._pop = (pop / max(pop.max(), 1.0)).astype(np.float32)

    def score(self, users: np.ndarray) -> np.ndarray:
        raw = np.asarray(self._signed[users] @ self.B)
        if len(self.kept) == self.data.n_items:
            scores = raw * self.damping
        else:
            # courses outside the model rank after every modelled one
            scores = np.full((len(users), self.data.n_items), -1e6, dtype=np.float32)
            scores[:, self.kept] = raw * self.damping
        scores += 1e-6 * self._pop
        return scores

    def _gather(self, history: np.ndarray, items: np.ndarray) -> np.ndarray:
        a, b = self.position[history], self.position[items]
        values = self.B[np.maximum(a, 0), np.maximum(b, 0)]
        return np.where((a >= 0) & (b >= 0), values, 0.0)

    def item_similarity(self, items: np.ndarray, history: np.ndarray) -> np.ndarray:
        items = np.asarray(items)
        history = np.asarray(history)
        return self._gather(history[:, None], items[None, :])

    def pair_support(self, history: np.ndarray, items: np.ndarray) -> np.ndarray:
        return self._gather(np.asarray(history), np.asarray(items))


class ALS(Recommender):
    """implicit's alternating least squares on confidence-weighted feedback."""

    name = "als"
    label = _("implicit ALS (64 factors)")
    default_params = {
        "factors": 64,
        "regularization": 0.05,
        "alpha": 2.0,
        "iterations": 15,
        "random_state": 42,
    }

    def fit(self, data: InteractionData) -> ALS:
        from implicit.cpu.als import AlternatingLeastSquares
        from threadpoolctl import threadpool_limits

        super().fit(data)
        # implicit parallelises itself; a BLAS thread pool on top only fights it.
        with threadpool_limits(1, "blas"):
            model = AlternatingLeastSquares(
                factors=int(self.params["factors"]),
                regularization=float(self.params["regularization"]),
                alpha=float(self.params["alpha"]),
                iterations=int(self.params["iterations"]),
                random_state=int(self.params["random_state"]),
            )
            model.fit(self._history, show_progress=False)
        self.user_factors = np.asarray(model.user_factors, dtype=np.float32)
        self.item_factors = np.asarray(model.item_factors, dtype=np.float32)
        norms = np.linalg.norm(self.item_factors, axis=1, keepdims=True)
        self._unit = self.item_factors / np.maximum(norms, 1e-9)
        return self

    def score(self, users: np.ndarray) -> np.ndarray:
        return self.user_factors[users] @ self.item_factors.T

    def item_similarity(self, items: np.ndarray, history: np.ndarray) -> np.ndarray:
        return self._unit[history] @ self._unit[items].T

    def pair_support(self, history: np.ndarray, items: np.ndarray) -> np.ndarray:
        return np.einsum("ij,ij->i", self._unit[history], self._unit[items])
