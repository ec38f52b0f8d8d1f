"""Popularity within the user's interests: the baseline and the cold-start list."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from django.utils.translation import gettext_lazy as _

from .base import Recommender
from .data import InteractionData


class PopularityInInterests(Recommender):
    """Most-taken items, those in the user's categories first.

    A user's categories are the interests chosen at onboarding plus the
    categories of what they already took. Without categories (a plain
    ratings file) this is global popularity.
    """

    name = "popularity"
    label = _("Popularity in the user's interests")
    default_params = {"interest_boost": 1.0}

    def fit(self, data: InteractionData) -> PopularityInInterests:
        super().fit(data)
        pop = data.popularity()
        # log scale keeps the boost meaningful whatever the data size
        self.pop = (np.log1p(pop) / max(np.log1p(pop.max()), 1e-9)).astype(np.float32)
        self.user_category: sp.csr_matrix | None = None
        if data.item_category is not None and np.any(data.item_category >= 0):
            cats = data.item_category
            n_cats = int(cats.max()) + 1
            valid = cats >= 0
            item_cat = sp.csr_matrix(
                (
                    np.ones(int(valid.sum()), dtype=np.float32),
                    (np.flatnonzero(valid), cats[valid]),
                ),
                shape=(data.n_items, n_cats),
            )
            from_history = (self._history > 0).astype(np.float32) @ item_cat
            rows, cols = [], []
            for u, interest in data.user_interests.items():
                for c in interest:
                    if 0 <= c < n_cats:
                        rows.append(u)
                        cols.append(c)
            from_profile = sp.csr_matrix(
                (np.ones(len(rows), dtype=np.float32), (rows, cols)),
                shape=(data.n_users, n_cats),
            )
            self.user_category = ((from_history + from_profile) > 0).astype(np.float32)
            self.item_cat_t = item_cat.T.tocsr()
        return self

    def score(self, users: np.ndarray) -> np.ndarray:
        scores = np.tile(self.pop, (len(users), 1))
        if self.user_category is not None:
            in_interest = (self.user_category[users] @ self.item_cat_t).toarray() > 0
            scores += self.params["interest_boost"] * in_interest
        return scores

    def explain_batch(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Popularity names no course as the reason: the category does."""
        return np.full(np.shape(items), -1, dtype=np.int64)
