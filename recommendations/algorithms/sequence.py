"""What learners take next: item-to-item transitions blended with EASE."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from django.utils.translation import gettext_lazy as _

from .base import Recommender
from .data import InteractionData
from .ranking import EASE


class NextCourse(Recommender):
    """Transitions between consecutive courses, from the learner's last few courses.

    T[i, j] counts how often a learner took j within `window` courses after
    i (each later step weighted `decay` times the one before); each row is
    normalised to a distribution. A learner's scores are the transitions
    from their last `history` courses (the most recent weighing most),
    plus `blend` × the EASE scores of their whole history (so that courses
    nobody took right after theirs can still be ranked). Both parts are
    scaled to [0, 1] per learner before they are added.
    """

    name = "next"
    label = _("Next course: transitions from the last courses, blended with EASE")
    default_params = {
        "window": 3,
        "decay": 0.5,
        "history": 3,
        "blend": 0.3,
        "l2": 300.0,
    }

    def fit(self, data: InteractionData) -> NextCourse:
        super().fit(data)
        users, items, _ = data.sequences()
        n = data.n_items
        window, decay = int(self.params["window"]), float(self.params["decay"])
        rows, cols, vals = [], [], []
        for step in range(1, window + 1):
            same = users[step:] == users[:-step]
            rows.append(items[:-step][same])
            cols.append(items[step:][same])
            vals.append(np.full(int(same.sum()), decay ** (step - 1)))
        t = sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(n, n),
            dtype=np.float64,
        )
        t.setdiag(0)
        t.eliminate_zeros()
        total = np.asarray(t.sum(axis=1)).ravel()
        self.T = sp.diags(1.0 / np.maximum(total, 1e-12)) @ t
        self.T = self.T.astype(np.float32).tocsr()
        # each user's last `history` courses, most recent first, with weights
        h = int(self.params["history"])
        last = np.r_[users[1:] != users[:-1], True]
        ends = np.flatnonzero(last)
        starts = np.r_[0, ends[:-1] + 1]
        r, c, v = [], [], []
        for back in range(h):
            pos = ends - back
            ok = pos >= starts
            r.append(users[ends[ok]])
            c.append(items[pos[ok]])
            v.append(np.full(int(ok.sum()), decay**back))
        self._recent = sp.csr_matrix(
            (np.concatenate(v), (np.concatenate(r), np.concatenate(c))),
            shape=(data.n_users, n),
            dtype=np.float32,
        )
        self._ease = None
        if float(self.params["blend"]) > 0:
            self._ease = EASE(l2=self.params["l2"], popularity_damping=0.0).fit(data)
        pop = data.popularity()
        self._pop = (pop / max(pop.max(), 1.0)).astype(np.float32)
        return self

    @staticmethod
    def _unit(scores: np.ndarray) -> np.ndarray:
        low = scores.min(axis=1, keepdims=True)
        high = scores.max(axis=1, keepdims=True)
        return (scores - low) / np.maximum(high - low, 1e-12)

    def score(self, users: np.ndarray) -> np.ndarray:
        scores = self._unit(np.asarray((self._recent[users] @ self.T).todense()))
        if self._ease is not None:
            scores += float(self.params["blend"]) * self._unit(self._ease.score(users))
        scores += 1e-6 * self._pop
        return scores.astype(np.float32)

    def pair_support(self, history: np.ndarray, items: np.ndarray) -> np.ndarray:
        return np.asarray(self.T[history, items], dtype=np.float32).ravel()

    def item_similarity(self, items: np.ndarray, history: np.ndarray) -> np.ndarray:
        return self.T[history][:, items].toarray()
