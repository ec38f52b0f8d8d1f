"""Ranking-quality models: EASE with user weighting and an exposure-aware re-rank,
implicit item-kNN and RP3beta (the baselines it was chosen against).

Kept apart from `ranking.py` (the plain EASE and ALS, and the scale switch)
so that the quality work and the scale work do not collide. How the
parameters were chosen, and every figure: docs/recs.md, *Offline evaluation*.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from django.utils.translation import gettext_lazy as _

from .base import Recommender
from .data import InteractionData
from .ranking import EASE

#: Item-item models keep this many neighbours per item (sparse, any catalogue).
_BLOCK = 512


def _positive_binary(data: InteractionData) -> sp.csr_matrix:
    x = data.matrix(positive_only=True)
    x.data = (x.data > 0).astype(np.float32)
    x.eliminate_zeros()
    return x


def _top_k_rows(dense: np.ndarray, k: int, offset: int) -> sp.csr_matrix:
    """Keep the k largest entries of each row (the diagonal block excluded)."""
    rows, n = dense.shape
    dense[np.arange(rows), np.arange(offset, offset + rows)] = 0.0
    if 0 < k < n:
        drop = np.argpartition(-dense, k, axis=1)[:, k:]
        np.put_along_axis(dense, drop, 0.0, axis=1)
    out = sp.csr_matrix(dense.astype(np.float32))
    out.eliminate_zeros()
    return out


class _ItemItem(Recommender):
    """Scores = history × W with a sparse item × item W (top-k per row)."""

    def _weights_block(self, x, xt, start: int, stop: int) -> np.ndarray:
        raise NotImplementedError

    def fit(self, data: InteractionData) -> _ItemItem:
        super().fit(data)
        x = _positive_binary(data)
        xt = x.T.tocsr()
        self._prepare(x)
        blocks = []
        k = int(self.params["neighbours"])
        for start in range(0, data.n_items, _BLOCK):
            stop = min(start + _BLOCK, data.n_items)
            dense = self._weights_block(x, xt, start, stop)
            blocks.append(_top_k_rows(dense, k, start))
        self.W = (
            sp.vstack(blocks, format="csr")
            if blocks
            else sp.csr_matrix((0, 0), dtype=np.float32)
        )
        self._x = x
        self._pop = (data.popularity() / max(data.popularity().max(), 1.0)).astype(
            np.float32
        )
        return self

    def _prepare(self, x) -> None:
        pass

    def score(self, users: np.ndarray) -> np.ndarray:
        scores = np.asarray((self._x[users] @ self.W).toarray(), dtype=np.float32)
        return scores + 1e-6 * self._pop

    def pair_support(self, history: np.ndarray, items: np.ndarray) -> np.ndarray:
        return np.asarray(self.W[np.asarray(history), np.asarray(items)]).ravel()


class ItemKNN(_ItemItem):
    """Implicit item-kNN: cosine of the items' learner columns, top k neighbours."""

    name = "item_knn"
    label = _("Item-kNN (cosine, implicit feedback)")
    default_params = {"neighbours": 200, "shrink": 10.0}

    def _prepare(self, x) -> None:
        self._norm = np.sqrt(np.asarray(x.sum(axis=0), dtype=np.float64).ravel())

    def _weights_block(self, x, xt, start, stop):
        co = (xt[start:stop] @ x).toarray().astype(np.float64)
        denom = np.outer(self._norm[start:stop], self._norm)
        return co / (denom + float(self.params["shrink"]) + 1e-12)


class RP3Beta(_ItemItem):
    """RP3beta (Paudel et al. 2017): a 3-step random walk user→item→user→item,
    each transition probability raised to α, the arrival item's popularity
    divided out to the power β."""

    name = "rp3beta"
    label = _("RP3beta (random walk with popularity penalty)")
    default_params = {"alpha": 0.8, "beta": 0.5, "neighbours": 200}

    def _prepare(self, x) -> None:
        pop = np.asarray(x.sum(axis=0), dtype=np.float64).ravel()
        deg = np.asarray(x.sum(axis=1), dtype=np.float64).ravel()
        alpha = float(self.params["alpha"])
        self._p_ui = (sp.diags(1.0 / np.maximum(deg, 1.0)) @ x).power(alpha).tocsc()
        self._p_iu = (
            (sp.diags(1.0 / np.maximum(pop, 1.0)) @ x.T.tocsr()).power(alpha).tocsr()
        )
        self._penalty = 1.0 / np.power(np.maximum(pop, 1.0), float(self.params["beta"]))

    def _weights_block(self, x, xt, start, stop):
        walk = (self._p_iu[start:stop] @ self._p_ui).toarray().astype(np.float64)
        return walk * self._penalty[None, :]


class ExposureRerank:
    """Mixin: a calibrated popularity penalty on what the lists over-show.

    At fit time (`_fit_exposure`) a fixed sample of learners is ranked in
    order, mini-batch by mini-batch, each batch penalising the courses that
    the batches before it already showed more than their fair share
    (k / n_items per list): score − ρ · spread_u · log(1 + share_j),
    spread_u being the gap between the learner's best and `pool`-th best
    unseen score. The shares reached at the end are frozen, and `score`
    applies the same penalty to every learner: a course that would fill
    everyone's list gives way, for the learners to whom it matters least, to
    a course nobody is shown. Unlike a uniform popularity damping this
    leaves popular courses alone where they are not over-shown.

    The class provides `_raw_score(users)`; params `exposure_penalty` (ρ),
    `exposure_k`, `exposure_sample`, `pool`, `random_state`.
    """

    def _raw_score(self, users: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _raw_and_spread(self, users: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raw = np.asarray(self._raw_score(users), dtype=np.float32)
        masked = raw.copy()
        seen = self._seen[users]
        rows = np.repeat(np.arange(len(users)), np.diff(seen.indptr))
        masked[rows, seen.indices] = -np.inf
        n = masked.shape[1]
        pool = min(int(self.params["pool"]), n) - 1
        if pool < 1:
            return raw, np.zeros((len(users), 1), dtype=np.float32)
        finite = np.isfinite(masked)
        best = masked.max(axis=1)
        # taken courses count as the worst unseen one: with fewer unseen
        # courses than `pool` the spread is down to the worst unseen one
        worst = np.where(finite, masked, np.inf).min(axis=1)
        masked = np.where(finite, masked, worst[:, None])
        nth = np.partition(masked, n - 1 - pool, axis=1)[:, n - 1 - pool]
        ok = np.isfinite(best) & np.isfinite(nth)
        spread = np.where(ok, best - np.where(ok, nth, 0.0), 0.0)
        return raw, np.maximum(spread, 0.0).astype(np.float32)[:, None]

    def _fit_exposure(self, data: InteractionData) -> None:
        """Shares of the top-k lists each course fills, under the penalty itself."""
        self._seen = data.seen()
        n_items = data.n_items
        self.exposure = np.zeros(n_items, dtype=np.float32)
        rho = float(self.params["exposure_penalty"])
        k = min(int(self.params["exposure_k"]), n_items - 1)
        users = np.flatnonzero(np.diff(self._history.indptr) > 0)
        if rho <= 0 or len(users) == 0 or k < 1:
            return
        sample = int(self.params["exposure_sample"])
        if len(users) > sample:
            rng = np.random.default_rng(int(self.params["random_state"]))
            users = np.sort(rng.choice(users, sample, replace=False))
        fair = k / n_items
        counts = np.zeros(n_items, dtype=np.float64)
        ranked = 0
        for start in range(0, len(users), 100):
            chunk = users[start : start + 100]
            raw, spread = self._raw_and_spread(chunk)
            share = counts / (max(ranked, 1) * fair)
            penalised = raw - rho * spread * np.log1p(share).astype(np.float32)
            seen = self._seen[chunk]
            rows = np.repeat(np.arange(len(chunk)), np.diff(seen.indptr))
            penalised[rows, seen.indices] = -np.inf
            top = np.argpartition(-penalised, k, axis=1)[:, :k]
            counts += np.bincount(top.ravel(), minlength=n_items)
            ranked += len(chunk)
        self.exposure = (counts / (ranked * fair)).astype(np.float32)

    def score(self, users: np.ndarray) -> np.ndarray:
        users = np.asarray(users, dtype=np.int64)
        rho = float(self.params["exposure_penalty"])
        if rho <= 0:
            return np.asarray(self._raw_score(users), dtype=np.float32)
        raw, spread = self._raw_and_spread(users)
        return raw - rho * spread * np.log1p(self.exposure)[None, :]


class EASEPlus(ExposureRerank, EASE):
    """EASE fitted on user-weighted rows, then an exposure-aware re-rank.

    1. **User weighting.** Each learner's row enters the Gram matrix XᵀX
       weighted by 1/n_u^γ (n_u = the learner's number of courses), so that
       a few very active learners do not dominate the item–item weights;
       λ is given on the unweighted scale (`l2` × the mean squared weight).
    2. **Popularity damping** as in `ease` (÷ (popularity + 1)^α).
    3. **Exposure-aware re-rank** (`ExposureRerank`, penalty ρ).
    """

    name = "ease_plus"
    label = _("EASE with user weighting and an exposure-aware re-rank")
    default_params = {
        "l2": 300.0,
        "user_weight": 0.25,
        "popularity_damping": 0.1,
        "exposure_penalty": 0.13,
        "exposure_k": 10,
        "exposure_sample": 5000,
        "pool": 100,
        "binary": True,
        "max_items": 20_000,
        "random_state": 0,
    }

    def fit(self, data: InteractionData) -> EASEPlus:
        Recommender.fit(self, data)
        pop = data.popularity()
        keep = self._keep_most_taken(data, pop)
        x = self._history[:, keep]
        if self.params["binary"]:
            x = (x > 0).astype(np.float32)
        count = np.asarray((self._history > 0).sum(axis=1), dtype=np.float64).ravel()
        gamma = float(self.params["user_weight"])
        weight = 1.0 / np.power(np.maximum(count, 1.0), gamma)
        xw = sp.diags(weight.astype(np.float32)) @ x
        dtype = np.float64 if len(keep) <= 5_000 else np.float32
        gram = (xw.T @ xw).toarray().astype(dtype)
        active = count > 0
        scale = float(np.mean(weight[active] ** 2)) if active.any() else 1.0
        self._solve(data, gram, float(self.params["l2"]) * scale, keep, pop)
        self._fit_exposure(data)
        return self

    def _raw_score(self, users: np.ndarray) -> np.ndarray:
        return EASE.score(self, users)


def _standardise(scores: np.ndarray) -> np.ndarray:
    """Per row: (s − mean) / std over the finite entries (0 where none)."""
    finite = np.isfinite(scores) & (scores > -1e5)
    values = np.where(finite, scores, np.nan)
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(values, axis=1, keepdims=True)
        std = np.nanstd(values, axis=1, keepdims=True)
    out = (values - mean) / np.where(std > 0, std, 1.0)
    return np.where(finite, out, -1e6).astype(np.float32)


class StarsBlend(ExposureRerank, Recommender):
    """A ranking list that uses a rating model's predicted stars as a feature.

    raw = z(ranking model) + w · z(predicted stars), each standardised per
    learner over all courses; then the exposure-aware re-rank of
    `ExposureRerank`. The ranking model is `ease_plus` without its own
    re-rank. With `weight` None, w is learned at fit time: 10 % of the rows
    (a fixed random draw) are held out, both models are fitted on the rest,
    and the w of `weights` with the best NDCG@k on the held-out rows (no
    re-rank) is kept, 0 when the stars do not help; then both models are
    refitted on everything. Needs star ratings.
    """

    name = "ease_plus_stars"
    label = _("EASE+ blended with Surprise's predicted stars")
    dense_items = True  # its base is ease_plus
    needs_stars = True
    default_params = {
        "base": "ease_plus",
        "rating": "svd",
        "weight": None,
        "weights": [0.0, 0.05, 0.1, 0.2, 0.4],
        "k": 10,
        "exposure_penalty": 0.13,
        "exposure_k": 10,
        "exposure_sample": 5000,
        "pool": 100,
        "random_state": 0,
    }

    def _models(self, data: InteractionData):
        from . import get_algorithm

        base = get_algorithm(self.params["base"], exposure_penalty=0.0).fit(data)
        rating = get_algorithm(self.params["rating"]).fit(data)
        return base, rating

    def fit(self, data: InteractionData) -> StarsBlend:
        super().fit(data)
        weight = self.params["weight"]
        self.validation: dict[float, float] = {}
        rated = int(np.count_nonzero(~np.isnan(data.stars)))
        if rated < 2 or len(np.unique(data.stars[~np.isnan(data.stars)])) < 2:
            # no stars to learn from (a platform without reviews yet): the
            # blend is its base model
            from . import get_algorithm

            self.weight = 0.0
            self.base = get_algorithm(self.params["base"], exposure_penalty=0.0)
            self.base.fit(data)
            self.rating = None
            self._fit_exposure(data)
            return self
        if weight is None:
            weight = self._learn_weight(data)
        self.weight = float(weight)
        self.base, self.rating = self._models(data)
        self._fit_exposure(data)
        return self

    def learned_metrics(self) -> dict:
        """What the run learned, stored with its metrics (shown in the admin)."""
        return {
            "stars_weight": self.weight,
            "stars_validation_ndcg": {
                str(w): round(v, 4) for w, v in self.validation.items()
            },
        }

    def _learn_weight(self, data: InteractionData) -> float:
        from ..evaluation import ranking_metrics
        from .base import top_n

        rng = np.random.default_rng(int(self.params["random_state"]))
        held = rng.random(data.n_rows) < 0.1
        part = dataclass_replace_rows(data, ~held)
        self.base, self.rating = self._models(part)
        relevant: dict[int, set[int]] = {}
        for u, i in zip(
            data.user_index[held].tolist(), data.item_index[held].tolist(), strict=True
        ):
            relevant.setdefault(u, set()).add(i)
        users = np.array(sorted(relevant), dtype=np.int64)
        k = int(self.params["k"])
        seen = part.seen()

        class _Plain:  # the blend without the re-rank, for top_n
            def __init__(inner, w):
                inner.data, inner.w = data, w

            def score(inner, chunk):
                return self._blend(chunk, inner.w)

        best, best_w = -1.0, 0.0
        for w in self.params["weights"]:
            top = {
                int(u): [i for i in row if i >= 0]
                for chunk, items, _s in top_n(_Plain(float(w)), users, k, exclude=seen)
                for u, row in zip(chunk.tolist(), items.tolist(), strict=True)
            }
            ndcg = ranking_metrics(top, relevant, k=k, n_items=data.n_items)[
                f"ndcg@{k}"
            ]
            self.validation[float(w)] = ndcg
            if ndcg > best + 1e-9:
                best, best_w = ndcg, float(w)
        return best_w

    def _blend(self, users: np.ndarray, weight: float) -> np.ndarray:
        base = _standardise(np.asarray(self.base.score(users), dtype=np.float32))
        if weight == 0:
            return base
        stars = _standardise(np.asarray(self.rating.score(users), dtype=np.float32))
        return base + weight * np.where(base > -1e5, stars, 0.0)

    def _raw_score(self, users: np.ndarray) -> np.ndarray:
        return self._blend(users, self.weight)

    def pair_support(self, history: np.ndarray, items: np.ndarray) -> np.ndarray:
        return self.base.pair_support(history, items)

    def params_for_storage(self) -> dict:
        return {
            **self.params,
            "learned_weight": getattr(self, "weight", None),
            "validation_ndcg": {
                str(w): round(v, 4) for w, v in getattr(self, "validation", {}).items()
            },
        }


def dataclass_replace_rows(data: InteractionData, keep: np.ndarray) -> InteractionData:
    """The same universe of users and items, only the rows in `keep`."""
    import dataclasses

    return dataclasses.replace(
        data,
        user_index=data.user_index[keep],
        item_index=data.item_index[keep],
        weight=data.weight[keep],
        stars=data.stars[keep],
        order=None if data.order is None else data.order[keep],
    )
