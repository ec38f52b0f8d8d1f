"""Surprise SVD and item-based KNNWithMeans, scored from their fitted parameters.

Surprise predicts one (user, item) pair at a time in Python. Here the fitted
parameters are used directly: SVD scores a batch of users against every item
with one matrix product; KNNWithMeans with sparse neighbour sums over each
user's rated items, selecting the top-k neighbours exactly as Surprise does
(the k most similar of the user's rated items, ties to the earlier rating,
only positive similarities counted, `min_k`, the item-mean fallback and the
global-mean default for unknown users or items). `tests/recommendations`
checks the results equal `algo.predict()` within 1e-6.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy as _

from .base import Recommender
from .data import RATING_SCALE, InteractionData

_BLAS = None


def _blas():
    global _BLAS
    if _BLAS is None:
        from threadpoolctl import ThreadpoolController

        _BLAS = ThreadpoolController()
    return _BLAS


def _trainset(ratings: pd.DataFrame):
    from surprise import Dataset, Reader

    frame = ratings[["u", "i", "r"]]
    dataset = Dataset.load_from_df(frame, Reader(rating_scale=RATING_SCALE))
    return dataset.build_full_trainset()


class _SurpriseModel(Recommender):
    rating_model = True
    ratings_kind = "explicit"

    def _fit_surprise(self, data: InteractionData, algo) -> None:
        super().fit(data)
        ratings = data.ratings(self.ratings_kind)
        if ratings.empty:
            raise ValueError("No ratings to fit on.")
        self.trainset = _trainset(ratings)
        algo.fit(self.trainset)
        self.algo = algo
        ts = self.trainset
        # our index -> Surprise inner id (-1 when unknown to the trainset)
        self.inner_user = np.full(data.n_users, -1, dtype=np.int64)
        self.inner_item = np.full(data.n_items, -1, dtype=np.int64)
        for raw, inner in ts._raw2inner_id_users.items():
            self.inner_user[int(raw)] = inner
        for raw, inner in ts._raw2inner_id_items.items():
            self.inner_item[int(raw)] = inner
        self.global_mean = float(ts.global_mean)
        self.item_known = self.inner_item >= 0

    def predict_ratings(
        self, users: np.ndarray, items: np.ndarray, *, clip: bool = True
    ) -> np.ndarray:
        """Predictions for pairs, equal to `algo.predict(u, i, clip=clip).est`."""
        users = np.asarray(users, dtype=np.int64)
        items = np.asarray(items, dtype=np.int64)
        out = np.empty(len(users), dtype=np.float64)
        frame = pd.DataFrame({"u": users, "i": items, "n": np.arange(len(users))})
        for u, group in frame.groupby("u", sort=False):
            row = self._score_rows(np.array([u]), group["i"].to_numpy())
            out[group["n"].to_numpy()] = row[0]
        if clip:
            np.clip(out, *RATING_SCALE, out=out)
        return out

    def score(self, users: np.ndarray) -> np.ndarray:
        return self._score_rows(np.asarray(users), None).astype(np.float32)

    def _score_rows(self, users: np.ndarray, items: np.ndarray | None) -> np.ndarray:
        raise NotImplementedError


class SurpriseSVD(_SurpriseModel):
    name = "svd"
    label = _("Surprise SVD (explicit stars)")
    default_params = {
        "n_factors": 100,
        "n_epochs": 20,
        "lr_all": 0.005,
        "reg_all": 0.02,
        "random_state": 42,
    }

    def fit(self, data: InteractionData) -> SurpriseSVD:
        from surprise import SVD

        algo = SVD(
            n_factors=int(self.params["n_factors"]),
            n_epochs=int(self.params["n_epochs"]),
            lr_all=float(self.params["lr_all"]),
            reg_all=float(self.params["reg_all"]),
            random_state=int(self.params["random_state"]),
        )
        self._fit_surprise(data, algo)
        self.bu = np.asarray(algo.bu, dtype=np.float64)
        self.bi = np.asarray(algo.bi, dtype=np.float64)
        self.pu = np.asarray(algo.pu, dtype=np.float64)
        self.qi = np.asarray(algo.qi, dtype=np.float64)
        # Per our item index: bias and factors, zero for unknown items.
        known = self.item_known
        self.item_bias = np.zeros(data.n_items)
        self.item_bias[known] = self.bi[self.inner_item[known]]
        self.item_factors = np.zeros((data.n_items, self.qi.shape[1]))
        self.item_factors[known] = self.qi[self.inner_item[known]]
        norms = np.linalg.norm(self.item_factors, axis=1, keepdims=True)
        self._unit = self.item_factors / np.maximum(norms, 1e-9)
        self.our_user_of_inner = np.empty(self.trainset.n_users, dtype=np.int64)
        self.our_user_of_inner[self.inner_user[self.inner_user >= 0]] = np.flatnonzero(
            self.inner_user >= 0
        )
        self.our_item_of_inner_svd = np.empty(self.trainset.n_items, dtype=np.int64)
        self.our_item_of_inner_svd[self.inner_item[known]] = np.flatnonzero(known)
        return self

    def factor_rows(self) -> dict[str, tuple]:
        """Per kind ("user", "item"): (indexes, biases, factors, n_ratings).

        Only what the trainset knows; with `global_mean` these reproduce
        `algo.predict()` for any pair (unknown sides contribute nothing).
        """
        ts = self.trainset
        user_n = np.zeros(self.data.n_users, dtype=np.int64)
        for inner_u, rated in ts.ur.items():
            user_n[self.our_user_of_inner[inner_u]] = len(rated)
        item_n = np.zeros(self.data.n_items, dtype=np.int64)
        for inner_i, rated in ts.ir.items():
            item_n[self.our_item_of_inner_svd[inner_i]] = len(rated)
        users = np.flatnonzero(self.inner_user >= 0)
        items = np.flatnonzero(self.item_known)
        return {
            "user": (
                users,
                self.bu[self.inner_user[users]],
                self.pu[self.inner_user[users]].astype(np.float32),
                user_n[users],
            ),
            "item": (
                items,
                self.item_bias[items],
                self.item_factors[items].astype(np.float32),
                item_n[items],
            ),
        }

    def _score_rows(self, users, items):
        # est = mu + bu + bi + qi·pu; unknown user -> no bu and no product;
        # unknown item -> no bi and no product (Surprise's biased SVD).
        inner = self.inner_user[users]
        known_user = inner >= 0
        bu = np.where(known_user, self.bu[np.maximum(inner, 0)], 0.0)
        pu = self.pu[np.maximum(inner, 0)] * known_user[:, None]
        bi = self.item_bias if items is None else self.item_bias[items]
        qi = self.item_factors if items is None else self.item_factors[items]
        # One BLAS thread: for a batch this small, waking a thread pool costs
        # more than the product (4x slower on the 2-core bench machine).
        with _blas().limit(limits=1, user_api="blas"):
            product = pu @ qi.T
        return self.global_mean + bu[:, None] + bi[None, :] + product

    def item_similarity(self, items, history):
        return self._unit[history] @ self._unit[items].T

    def pair_support(self, history, items):
        return np.einsum("ij,ij->i", self._unit[history], self._unit[items])


class SurpriseSVDImplicit(SurpriseSVD):
    name = "svd_implicit"
    label = _("Surprise SVD (ratings derived from implicit signals)")
    ratings_kind = "derived"


class SurpriseKNNItem(_SurpriseModel):
    name = "knn_item"
    label = _("Surprise KNNWithMeans, item-based (explicit stars)")
    default_params = {"k": 40, "min_k": 1, "similarity": "pearson_baseline"}

    def fit(self, data: InteractionData) -> SurpriseKNNItem:
        from surprise import KNNWithMeans

        def make(similarity: str) -> KNNWithMeans:
            return KNNWithMeans(
                k=int(self.params["k"]),
                min_k=int(self.params["min_k"]),
                sim_options={"name": similarity, "user_based": False},
                verbose=False,
            )

        self.similarity_used = self.params["similarity"]
        try:
            self._fit_surprise(data, make(self.similarity_used))
        except ZeroDivisionError:
            # Surprise's pearson_baseline divides by zero when the ratings have
            # no spread at all (e.g. every derived rating equal); MSD is defined.
            self.similarity_used = "msd"
            self._fit_surprise(data, make("msd"))
        algo = self.algo
        ts = self.trainset
        known = self.item_known
        inner = self.inner_item[known]
        # similarity between our item indexes (0 rows/cols for unknown items)
        self.sim = np.asarray(algo.sim, dtype=np.float64)
        self.means = np.asarray(algo.means, dtype=np.float64)
        self.item_mean = np.full(data.n_items, np.nan)
        self.item_mean[known] = self.means[inner]
        self.our_item_of_inner = np.empty(ts.n_items, dtype=np.int64)
        self.our_item_of_inner[inner] = np.flatnonzero(known)
        # each user's ratings in Surprise's order (ties go to the earlier one)
        # positive similarities between our item indexes, for batched sums
        n = data.n_items
        self.sim_pos = np.zeros((n, n), dtype=np.float64)
        self.sim_pos[np.ix_(known, known)] = np.clip(
            self.sim[np.ix_(inner, inner)], 0.0, None
        )
        self.sim_pos_t = np.ascontiguousarray(self.sim_pos.T)
        self.has_pos_t = (self.sim_pos_t > 0).astype(np.float64)
        self.item_mean_or_global = np.where(
            np.isnan(self.item_mean), self.global_mean, self.item_mean
        )
        self.user_ratings: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for inner_u, rated in ts.ur.items():
            if rated:
                iids, rs = zip(*rated, strict=True)
                self.user_ratings[inner_u] = (
                    np.asarray(iids, dtype=np.int64),
                    np.asarray(rs, dtype=np.float64),
                )
        return self

    def params_for_storage(self):
        return {**self.params, "similarity_used": self.similarity_used}

    def _score_rows(self, users, items):
        n_items = self.data.n_items
        cand = np.arange(n_items) if items is None else np.asarray(items)
        cand_inner = self.inner_item[cand]
        cand_known = cand_inner >= 0
        k, min_k = int(self.params["k"]), int(self.params["min_k"])
        out = np.full((len(users), len(cand)), self.global_mean)
        # Users with at most k ratings: every positive neighbour counts, so
        # the whole batch is three matrix products.
        light_rows, light_items, light_dev = [], [], []
        heavy_users = []
        for row, u in enumerate(users):
            inner_u = self.inner_user[u]
            if inner_u < 0 or inner_u not in self.user_ratings:
                continue  # unknown user: default prediction everywhere
            rated, r = self.user_ratings[inner_u]
            if len(rated) <= k:
                light_rows.append(np.full(len(rated), len(light_items)))
                light_items.append(self.our_item_of_inner[rated])
                light_dev.append(r - self.means[rated])
                heavy_users.append((row, None))
            else:
                heavy_users.append((row, inner_u))
        if light_items:
            import scipy.sparse as sp

            rows = np.concatenate(light_rows)
            cols = np.concatenate(light_items)
            shape = (len(light_items), n_items)
            dev = sp.csr_matrix((np.concatenate(light_dev), (rows, cols)), shape=shape)
            ind = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
            num = np.asarray(dev @ self.sim_pos_t)[:, cand]
            den = np.asarray(ind @ self.sim_pos_t)[:, cand]
            actual_k = np.asarray(ind @ self.has_pos_t)[:, cand]
            with np.errstate(divide="ignore", invalid="ignore"):
                adj = np.where((den != 0) & (actual_k >= min_k), num / den, 0.0)
            est = self.item_mean_or_global[cand] + adj
            est[:, ~cand_known] = self.global_mean
            light_out = [row for row, inner_u in heavy_users if inner_u is None]
            out[light_out] = est
        for row, inner_u in heavy_users:
            if inner_u is None:
                continue
            rated, r = self.user_ratings[inner_u]
            dev = r - self.means[rated]
            ci = cand_inner[cand_known]
            sims = self.sim[np.ix_(ci, rated)]  # candidates × rated, rating order
            positive = sims > 0
            n_pos = positive.sum(axis=1)
            heavy = np.flatnonzero(n_pos > k)
            if len(heavy):
                # Surprise keeps the k largest similarities (heapq.nlargest,
                # stable) and then counts only the positive ones.
                order = np.argsort(-sims[heavy], axis=1, kind="stable")[:, :k]
                keep = np.zeros_like(positive[heavy])
                np.put_along_axis(keep, order, True, axis=1)
                positive[heavy] &= keep
            w = np.where(positive, sims, 0.0)
            sum_sim = w.sum(axis=1)
            sum_ratings = w @ dev
            actual_k = positive.sum(axis=1)
            sum_ratings[actual_k < min_k] = 0.0
            with np.errstate(divide="ignore", invalid="ignore"):
                adj = np.where(sum_sim != 0, sum_ratings / sum_sim, 0.0)
            out[row, cand_known] = self.means[ci] + adj
        return out

    def item_similarity(self, items, history):
        a, b = self.inner_item[history], self.inner_item[items]
        sims = self.sim[np.ix_(np.maximum(a, 0), np.maximum(b, 0))]
        sims[a < 0] = 0
        sims[:, b < 0] = 0
        return sims

    def pair_support(self, history, items):
        a, b = self.inner_item[history], self.inner_item[items]
        sims = self.sim[np.maximum(a, 0), np.maximum(b, 0)]
        return np.where((a >= 0) & (b >= 0), sims, 0.0)


class SurpriseKNNItemImplicit(SurpriseKNNItem):
    name = "knn_item_implicit"
    label = _(
        "Surprise KNNWithMeans, item-based (ratings derived from implicit signals)"
    )
    ratings_kind = "derived"
