"""The interaction frame every algorithm is fitted on, independent of Django.

An interaction frame is a pandas DataFrame with one row per (user, item) and
the columns:

- ``user``, ``item``: raw ids (course ids on the platform, anything in a CSV);
- ``weight``: implicit strength, the sum of the configured signal weights
  (negative for "not interested");
- ``stars``: an explicit 1-5 rating, NaN when the user gave none.

`InteractionData` indexes it once (users and items to 0..n-1) and keeps the
sparse matrices the algorithms need.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import scipy.sparse as sp

RATING_SCALE = (1.0, 5.0)


@dataclasses.dataclass
class InteractionData:
    user_ids: np.ndarray  # raw id of user index u
    item_ids: np.ndarray  # raw id of item index i
    user_index: np.ndarray  # per row
    item_index: np.ndarray  # per row
    weight: np.ndarray  # per row, float32
    stars: np.ndarray  # per row, float64, NaN when none
    # Optional side information for popularity-in-interests and reasons.
    item_category: np.ndarray | None = None  # category id per item, -1 if none
    user_interests: dict[int, list[int]] = dataclasses.field(default_factory=dict)
    has_implicit: bool = False  # weights carry more than "a row exists"
    #: per row, when it happened (timestamp, else the row's position): the
    #: order of each user's history for sequence models
    order: np.ndarray | None = None

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        user_ids: np.ndarray | None = None,
        item_ids: np.ndarray | None = None,
        item_category: dict | None = None,
        user_interests: dict | None = None,
    ) -> InteractionData:
        """Index a frame; `user_ids`/`item_ids` fix the universe (default: the frame's)."""
        frame = frame.drop_duplicates(["user", "item"], keep="last")
        if "timestamp" in frame and frame["timestamp"].notna().any():
            order = frame["timestamp"].to_numpy(dtype=np.float64)
            # rows without a time go last, in row order
            order = np.where(np.isnan(order), np.inf, order)
        else:
            order = np.arange(len(frame), dtype=np.float64)
        if user_ids is None:
            user_ids = np.unique(frame["user"].to_numpy())
        if item_ids is None:
            item_ids = np.unique(frame["item"].to_numpy())
        users = pd.Index(user_ids)
        items = pd.Index(item_ids)
        u = users.get_indexer(frame["user"].to_numpy())
        i = items.get_indexer(frame["item"].to_numpy())
        keep = (u >= 0) & (i >= 0)
        weight = (
            frame["weight"].to_numpy(dtype=np.float32)
            if "weight" in frame
            else np.ones(len(frame), dtype=np.float32)
        )
        stars = (
            frame["stars"].to_numpy(dtype=np.float64)
            if "stars" in frame
            else np.full(len(frame), np.nan)
        )
        categories = None
        if item_category is not None:
            categories = np.array(
                [item_category.get(raw, -1) for raw in item_ids.tolist()],
                dtype=np.int64,
            )
        interests: dict[int, list[int]] = {}
        if user_interests:
            position = {raw: n for n, raw in enumerate(user_ids.tolist())}
            for raw, cats in user_interests.items():
                if raw in position and cats:
                    interests[position[raw]] = list(cats)
        return cls(
            user_ids=np.asarray(user_ids),
            item_ids=np.asarray(item_ids),
            user_index=u[keep].astype(np.int64),
            item_index=i[keep].astype(np.int64),
            weight=weight[keep],
            stars=stars[keep],
            item_category=categories,
            user_interests=interests,
            has_implicit=bool(np.any(weight[keep] != 1.0)),
            order=order[keep],
        )

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_rows(self) -> int:
        return len(self.user_index)

    def matrix(self, *, positive_only: bool = False) -> sp.csr_matrix:
        """User × item weights (CSR, float32); negatives kept unless asked."""
        weight = self.weight
        if positive_only:
            weight = np.clip(weight, 0, None)
        m = sp.csr_matrix(
            (weight, (self.user_index, self.item_index)),
            shape=(self.n_users, self.n_items),
            dtype=np.float32,
        )
        m.eliminate_zeros()
        m.sort_indices()
        return m

    def seen(self) -> sp.csr_matrix:
        """Which items each user has any row for (never recommended back)."""
        m = sp.csr_matrix(
            (
                np.ones(self.n_rows, dtype=np.bool_),
                (self.user_index, self.item_index),
            ),
            shape=(self.n_users, self.n_items),
        )
        m.sort_indices()
        return m

    def ratings(self, kind: str) -> pd.DataFrame:
        """Rows (u, i, rating) for rating models.

        "explicit": only the stars users gave. "derived": stars where given,
        otherwise a 1-5 rating derived from the implicit weight (the weight
        relative to the 95th percentile of positive weights, so that one
        heavy user does not squash everyone else to 1).
        """
        stars = self.stars
        if kind == "explicit":
            has = ~np.isnan(stars)
            return pd.DataFrame(
                {"u": self.user_index[has], "i": self.item_index[has], "r": stars[has]}
            )
        positive = self.weight > 0
        w = self.weight[positive]
        cap = float(np.percentile(w, 95)) if len(w) else 1.0
        derived = 1.0 + 4.0 * np.clip(w / max(cap, 1e-9), 0.0, 1.0)
        given = stars[positive]
        rating = np.where(np.isnan(given), derived, given)
        # Negative signals ("not interested") become the lowest rating.
        neg = ~positive
        return pd.DataFrame(
            {
                "u": np.concatenate([self.user_index[positive], self.user_index[neg]]),
                "i": np.concatenate([self.item_index[positive], self.item_index[neg]]),
                "r": np.concatenate([rating, np.full(int(neg.sum()), RATING_SCALE[0])]),
            }
        )

    def popularity(self) -> np.ndarray:
        """Number of users with a positive interaction, per item."""
        positive = self.weight > 0
        return np.bincount(self.item_index[positive], minlength=self.n_items).astype(
            np.float64
        )

    def sequences(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Positive rows sorted by user then time: (users, items, row order)."""
        positive = self.weight > 0
        users = self.user_index[positive]
        items = self.item_index[positive]
        order = (
            self.order[positive]
            if self.order is not None
            else np.arange(int(positive.sum()), dtype=np.float64)
        )
        rank = np.lexsort((np.arange(len(users)), order, users))
        return users[rank], items[rank], order[rank]
