"""EASE whose settings are chosen on held-out rows of its own training data,
with a coverage re-rank that gives courses nobody is shown one place each.

Nothing here knows which data set it is fitted on: λ, the popularity damping
and the depth of the coverage re-rank are picked on every fit by validation
inside the training rows (a fixed random tenth held out), so that the same
code serves MovieLens, a course platform and the demo. Figures: docs/recs.md,
*Offline evaluation*.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from django.utils.translation import gettext_lazy as _

from .base import Recommender
from .data import InteractionData
from .quality import dataclass_replace_rows
from .ranking import EASE

#: The re-rank may give up only one of a learner's last this many slots: their
#: first k − 3 courses are never touched.
COVER_SLOTS = 3


def greedy_cover(
    items: np.ndarray, scores: np.ndarray, *, k: int, depth: int
) -> list[tuple[int, int, int]]:
    """Swaps that put courses shown to nobody into one learner's top k each.

    `items` / `scores` are every learner's best `>= depth` unseen items, best
    first (-1 / -inf for an empty slot). A course outside every top k that
    some learner ranks within their first `depth` is swapped into the top k
    of the learner for whom it costs least: cost = (score of the learner's
    k-th − its score) / (the learner's best − their `depth`-th score). It
    takes the lowest of the last `COVER_SLOTS` slots whose course is still
    shown to someone else (so no course loses its only place), and each
    learner gives at most one slot.
    This is the greedy form of a coverage-maximising b-matching (Antikacioglu
    & Ravi, KDD 2017). Returns (row, new item, displaced item) triples.
    """
    n_rows, width = items.shape
    depth = min(depth, width)
    if depth <= k or n_rows == 0:
        return []
    top = items[:, :k]
    n_items = int(max(items.max(), 0)) + 1
    valid_top = top[top >= 0]
    shows = np.bincount(valid_top, minlength=n_items)
    tail = items[:, k:depth]
    candidate = (tail >= 0) & (shows[np.maximum(tail, 0)] == 0)
    rows, cols = np.nonzero(candidate)
    if len(rows) == 0:
        return []
    kth = scores[rows, k - 1]
    floor = scores[:, depth - 1]
    spread = scores[:, 0] - np.where(np.isfinite(floor), floor, scores[:, k - 1])
    cost = (kth - scores[rows, k + cols]) / np.maximum(spread[rows], 1e-12)
    order = np.lexsort((rows, cost))  # cheapest first, ties by row
    used = np.zeros(n_rows, dtype=bool)
    swaps = []
    for n in order.tolist():
        row, item = int(rows[n]), int(tail[rows[n], cols[n]])
        if used[row] or shows[item] > 0:
            continue
        for slot in range(k - 1, max(k - 1 - COVER_SLOTS, -1), -1):
            old = int(top[row, slot])
            if old >= 0 and shows[old] > 1:
                shows[old] -= 1
                shows[item] += 1
                used[row] = True
                swaps.append((row, item, old))
                break
    return swaps


def _ndcg(top: np.ndarray, held: sp.csr_matrix, k: int) -> float:
    """Mean NDCG@k (binary gains) of the rows of `top` against `held` rows
    (every row of `held` has at least one item)."""
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    top = top[:, :k]
    rows = np.repeat(np.arange(top.shape[0]), top.shape[1])
    cols = top.ravel()
    hits = np.zeros(len(cols), dtype=bool)
    ok = cols >= 0
    hits[ok] = np.asarray(held[rows[ok], cols[ok]]).ravel() > 0
    hits = hits.reshape(top.shape)
    n_rel = np.diff(held.indptr)
    ideal = np.cumsum(discount)[np.minimum(n_rel, k) - 1]
    gains = (hits * discount[: top.shape[1]]).sum(axis=1)
    return float(np.mean(gains / ideal)) if len(top) else 0.0


class EASETuned(EASE):
    """User-weighted EASE with λ, damping and a coverage re-rank chosen by
    validation inside the training rows.

    1. Rows enter XᵀX weighted by 1/n_u^γ (as in `ease_plus`).
    2. **Validation.** A fixed random `validation_share` of the rows is held
       out; on the rest the model is fitted for each λ of `l2_grid`, and each
       popularity damping α of `damping_grid` is scored on (at most
       `validation_users`) learners with held-out rows: the (λ, α) of the best
       NDCG@k is kept.
    3. **Coverage re-rank** (`greedy_cover`): courses outside every list get
       one place with the learner who ranks them highest, at most one slot
       per learner, a course only from the learner's first `depth`. The
       deepest depth of `depth_grid` whose held-out NDCG@k stays within
       `cover_cost` (relative) of no re-rank is kept: coverage bought at a
       capped price.

    Then everything is refitted on all the rows. Parameters given explicitly
    (`l2`, `popularity_damping`, `cover_depth` not None) are not searched.
    """

    name = "ease_tuned"
    label = _("EASE tuned on held-out rows, with a coverage re-rank")
    default_params = {
        "l2": None,
        "l2_grid": [100.0, 300.0, 1000.0],
        "popularity_damping": None,
        "damping_grid": [0.0, 0.05, 0.1, 0.15, 0.2, 0.3],
        "user_weight": 0.25,
        "cover_depth": None,
        "depth_grid": [0, 20, 30, 50, 100],
        "cover_cost": 0.005,
        "k": 10,
        "validation_share": 0.2,
        "validation_folds": 2,
        "validation_users": 5000,
        "binary": True,
        "max_items": 20_000,
        "random_state": 0,
    }

    # -- the weighted closed form ------------------------------------------

    def _gram(self, data: InteractionData, history: sp.csr_matrix, keep):
        x = history[:, keep]
        if self.params["binary"]:
            x = (x > 0).astype(np.float32)
        count = np.asarray((history > 0).sum(axis=1), dtype=np.float64).ravel()
        weight = 1.0 / np.power(
            np.maximum(count, 1.0), float(self.params["user_weight"])
        )
        xw = sp.diags(weight.astype(np.float32)) @ x
        dtype = np.float64 if len(keep) <= 5_000 else np.float32
        gram = (xw.T @ xw).toarray().astype(dtype)
        active = count > 0
        scale = float(np.mean(weight[active] ** 2)) if active.any() else 1.0
        return gram, scale

    def _fit_closed_form(self, data: InteractionData, l2: float, alpha: float):
        """Fit B on `data` (sets B, _signed, damping, _pop, kept, position)."""
        Recommender.fit(self, data)
        pop = data.popularity()
        keep = self._keep_most_taken(data, pop)
        gram, scale = self._gram(data, self._history, keep)
        params = self.params
        self.params = {**params, "popularity_damping": alpha}
        try:
            self._solve(data, gram, l2 * scale, keep, pop)
        finally:
            self.params = params
        self._swaps = None

    # -- validation --------------------------------------------------------

    def _ranked(self, users, seen, width: int):
        """Best `width` unseen items and their scores for `users`, best first."""
        from .base import top_n

        parts = [
            (items, scores)
            for _c, items, scores in top_n(self, users, width, exclude=seen)
        ]
        if not parts:
            return np.zeros((0, width), np.int64), np.zeros((0, width), np.float32)
        return np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts])

    def _folds(self, data: InteractionData):
        """Disjoint held-out folds of the positive rows, from one fixed draw:
        (train part, held matrix, validation learners, their sample)."""
        rng = np.random.default_rng(int(self.params["random_state"]))
        draw = rng.random(data.n_rows)
        share = float(self.params["validation_share"])
        limit = int(self.params["validation_users"])
        for fold in range(int(self.params["validation_folds"])):
            held = (draw >= fold * share) & (draw < (fold + 1) * share)
            held &= data.weight > 0
            part = dataclass_replace_rows(data, ~held)
            truth = sp.csr_matrix(
                (
                    np.ones(int(held.sum()), dtype=np.float32),
                    (data.user_index[held], data.item_index[held]),
                ),
                shape=(data.n_users, data.n_items),
            )
            users = np.flatnonzero(np.diff(truth.indptr) > 0)
            # a learner whose every row is held out has nothing to rank from
            history = np.diff(part.matrix(positive_only=True).indptr)
            users = users[history[users] > 0]
            if len(users) == 0:
                continue
            sample = users
            if len(users) > limit:
                sample = np.sort(rng.choice(users, limit, replace=False))
            yield part, truth, users, sample

    def _validate(self, data: InteractionData) -> dict:
        """Held-out NDCG@k of each (λ, α), then of each re-rank depth, averaged
        over the folds; the chosen values."""
        k = int(self.params["k"])
        l2s = (
            [float(self.params["l2"])]
            if self.params["l2"] is not None
            else [float(v) for v in self.params["l2_grid"]]
        )
        alphas = (
            [float(self.params["popularity_damping"])]
            if self.params["popularity_damping"] is not None
            else [float(v) for v in self.params["damping_grid"]]
        )
        folds = list(self._folds(data))
        report: dict = {"l2/damping": {}, "depth": {}}
        if not folds:
            return report
        sums: dict[tuple[float, float], float] = {}
        for part, truth, _users, sample in folds:
            seen, pop = part.seen(), part.popularity()
            for l2 in l2s:
                self._fit_closed_form(part, l2, 0.0)
                for alpha in alphas:
                    # the damping is applied at scoring: one solve per λ
                    self.damping = (1.0 / np.power(pop[self.kept] + 1.0, alpha)).astype(
                        np.float32
                    )
                    top, _s = self._ranked(sample, seen, k)
                    sums[(l2, alpha)] = sums.get((l2, alpha), 0.0) + _ndcg(
                        top, truth[sample], k
                    )
        means = {key: total / len(folds) for key, total in sums.items()}
        # the best mean; ties go to the first of the grid
        l2, alpha = max(
            means,
            key=lambda key: (
                round(means[key], 9),
                -l2s.index(key[0]),
                -alphas.index(key[1]),
            ),
        )
        report["l2/damping"] = {
            f"{a:g}/{b:g}": round(v, 4) for (a, b), v in means.items()
        }
        report["chosen_l2"], report["chosen_damping"] = l2, alpha
        if self.params["cover_depth"] is not None:
            report["chosen_depth"] = int(self.params["cover_depth"])
            return report
        # the depth is judged on every validation learner: what the re-rank
        # costs depends on how many learners share the uncovered courses
        depths = sorted(int(d) for d in self.params["depth_grid"])
        by_depth = dict.fromkeys(depths, 0.0)
        for part, truth, users, _sample in folds:
            self._fit_closed_form(part, l2, alpha)
            items, scores = self._ranked(users, part.seen(), max(max(depths), k))
            for depth in depths:
                swapped = items.copy()
                for row, new, old in greedy_cover(items, scores, k=k, depth=depth):
                    line = swapped[row]
                    a = np.flatnonzero(line == old)[0]
                    b = np.flatnonzero(line == new)[0]
                    line[a], line[b] = new, old
                by_depth[depth] += _ndcg(swapped, truth[users], k) / len(folds)
        plain = by_depth[depths[0]]
        chosen = depths[0]
        for depth in depths:
            if by_depth[depth] >= plain * (1.0 - float(self.params["cover_cost"])):
                chosen = depth
        report["depth"] = {str(d): round(v, 4) for d, v in by_depth.items()}
        report["chosen_depth"] = chosen
        return report

    # -- fit and score -----------------------------------------------------

    def fit(self, data: InteractionData) -> EASETuned:
        searching = any(
            self.params[p] is None for p in ("l2", "popularity_damping", "cover_depth")
        )
        self.validation = self._validate(data) if searching else {}
        l2 = self.validation.get("chosen_l2", self.params["l2"])
        alpha = self.validation.get("chosen_damping", self.params["popularity_damping"])
        depth = self.validation.get("chosen_depth", self.params["cover_depth"])
        self.chosen = {
            "l2": float(l2 if l2 is not None else self.params["l2_grid"][0]),
            "popularity_damping": float(alpha or 0.0),
            "cover_depth": int(depth or 0),
        }
        self._fit_closed_form(
            data, self.chosen["l2"], self.chosen["popularity_damping"]
        )
        self._fit_cover(data)
        return self

    def _fit_cover(self, data: InteractionData) -> None:
        """The swaps of every learner with a history, kept sorted by learner."""
        k = int(self.params["k"])
        depth = self.chosen["cover_depth"]
        self._swaps = None
        users = np.flatnonzero(np.diff(self._history.indptr) > 0)
        if depth <= k or len(users) == 0:
            return
        items, scores = self._ranked(users, data.seen(), depth)
        swaps = greedy_cover(items, scores, k=k, depth=depth)
        if not swaps:
            return
        table = np.array(swaps, dtype=np.int64)
        table[:, 0] = users[table[:, 0]]
        self._swaps = table[np.argsort(table[:, 0], kind="stable")]

    def score(self, users: np.ndarray) -> np.ndarray:
        users = np.asarray(users, dtype=np.int64)
        scores = EASE.score(self, users)
        if self._swaps is None or len(users) == 0:
            return scores
        lo = np.searchsorted(self._swaps[:, 0], users, side="left")
        hi = np.searchsorted(self._swaps[:, 0], users, side="right")
        rows = np.repeat(np.arange(len(users)), hi - lo)
        if len(rows) == 0:
            return scores
        picked = self._swaps[
            np.concatenate([np.arange(a, b) for a, b in zip(lo, hi, strict=True)])
        ]
        new, old = picked[:, 1], picked[:, 2]
        a, b = scores[rows, new].copy(), scores[rows, old].copy()
        scores[rows, new], scores[rows, old] = b, a
        return scores

    def learned_metrics(self) -> dict:
        """What validation chose, stored with the run's metrics (admin)."""
        return {"chosen": self.chosen, "validation_ndcg": self.validation}

    def params_for_storage(self) -> dict:
        return {**self.params, "chosen": getattr(self, "chosen", None)}
