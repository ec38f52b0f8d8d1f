"""Offline evaluation with one fixed protocol (no Django needed).

Protocol: ``mask = numpy.random.default_rng(seed).random(n_rows) < test_size``
picks the test rows in file order. For every user with test rows, every item
the user has no train row for is ranked; the relevant items are the user's
test items whatever their rating. Per algorithm: precision@k, recall@k,
NDCG@k (binary gains, log2 discount, ideal = min(#relevant, k) hits),
catalogue coverage@k (distinct items in all top-k lists / all items), RMSE
and MAE for rating models, fit and scoring seconds.

Protocol "next" (`evaluate_next`): each learner's last interaction (by
timestamp, ties and files without one by row order) is held out, every
other row is training data; learners with a single row are not evaluated.
HR@k (the held-out item is in the top k) and NDCG@k (1/log2(1+rank) on a
hit) per learner, averaged; coverage@k as above.

A model that cannot work on the data (a rating model on binary
interactions) is skipped with the reason instead of a near-zero score.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from .algorithms import ALGORITHMS, InteractionData, get_algorithm, top_n

#: Algorithms evaluated on a plain ratings file (the *_implicit variants equal
#: their explicit twins there: every row has stars and weight 1).
FILE_ALGORITHMS = [
    "popularity",
    "svd",
    "knn_item",
    "item_knn",
    "rp3beta",
    "als",
    "ease",
    "ease_plus",
    "ease_plus_stars",
    "ease_tuned",
]
PLATFORM_ALGORITHMS = list(ALGORITHMS)


def load_ratings_csv(path: str) -> pd.DataFrame:
    """Read user,item[,rating][,timestamp] (header required) in file order.

    Without a rating column the file is binary interactions (enrolments):
    rating models are then skipped. The timestamp, when present, orders each
    learner's rows for the "next" protocol.
    """
    frame = pd.read_csv(path)
    missing = {"user", "item"} - set(frame.columns)
    if missing:
        raise ValueError(
            f"{path}: missing column(s) {sorted(missing)}; "
            "expected a header with user,item[,rating][,timestamp]"
        )
    out = pd.DataFrame(
        {
            "user": frame["user"].to_numpy(),
            "item": frame["item"].to_numpy(),
            "weight": np.ones(len(frame), dtype=np.float32),
            "stars": (
                pd.to_numeric(frame["rating"], errors="coerce").to_numpy(
                    dtype=np.float64
                )
                if "rating" in frame
                else np.full(len(frame), np.nan)
            ),
        }
    )
    if "timestamp" in frame:
        out["timestamp"] = pd.to_numeric(frame["timestamp"], errors="coerce")
    return out


def cannot_work(name: str, frame: pd.DataFrame) -> str | None:
    """Why `name` cannot work on `frame` (None when it can)."""
    if ALGORITHMS[name].rating_model or getattr(ALGORITHMS[name], "needs_stars", False):
        stars = frame["stars"].to_numpy(dtype=np.float64)
        stars = stars[~np.isnan(stars)]
        if len(stars) == 0:
            return "needs star ratings; this data has none (binary interactions)"
        if len(np.unique(stars)) < 2:
            return "needs star ratings; every rating here is the same value"
    return None


def split_mask(n_rows: int, *, test_size: float, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random(n_rows) < test_size


def ranking_metrics(
    top: dict[int, list[int]], relevant: dict[int, set[int]], *, k: int, n_items: int
) -> dict[str, float]:
    """Mean P@k, R@k, NDCG@k over the users in `relevant`, and coverage@k."""
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    precision, recall, ndcg = [], [], []
    shown: set[int] = set()
    for user, rel in relevant.items():
        items = top.get(user, [])[:k]
        shown.update(items)
        hits = np.array([item in rel for item in items] + [False] * (k - len(items)))
        n_hits = int(hits.sum())
        precision.append(n_hits / k)
        recall.append(n_hits / len(rel))
        ideal = discount[: min(len(rel), k)].sum()
        ndcg.append(float((hits * discount).sum() / ideal))
    return {
        f"precision@{k}": float(np.mean(precision)) if precision else 0.0,
        f"recall@{k}": float(np.mean(recall)) if recall else 0.0,
        f"ndcg@{k}": float(np.mean(ndcg)) if ndcg else 0.0,
        f"coverage@{k}": len(shown) / n_items if n_items else 0.0,
    }


def _fit_and_rank(
    model, train: InteractionData, users: np.ndarray, seen, k: int
) -> tuple[dict[int, list[int]], float, float]:
    """Fit, then each user's top k unseen items; with fit and scoring seconds."""
    started = time.perf_counter()
    model.fit(train)
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    top: dict[int, list[int]] = {}
    for chunk, items, _scores in top_n(model, users, k, exclude=seen):
        for u, row in zip(chunk.tolist(), items.tolist(), strict=True):
            top[u] = [i for i in row if i >= 0]
    return top, fit_s, time.perf_counter() - started


def evaluate(
    frame: pd.DataFrame,
    *,
    algorithms: Iterable[str] | None = None,
    params: dict[str, dict] | None = None,
    test_size: float = 0.2,
    seed: int = 42,
    k: int = 10,
    item_category: dict | None = None,
    user_interests: dict | None = None,
    item_ids: np.ndarray | None = None,
    on_algorithm: Callable[[str], None] | None = None,
) -> list[dict]:
    """Evaluate each algorithm on one split of `frame` (rows in file order)."""
    algorithms = list(algorithms or FILE_ALGORITHMS)
    params = params or {}
    mask = split_mask(len(frame), test_size=test_size, seed=seed)
    user_ids = np.unique(frame["user"].to_numpy())
    if item_ids is None:
        item_ids = np.unique(frame["item"].to_numpy())
    train = InteractionData.from_frame(
        frame[~mask],
        user_ids=user_ids,
        item_ids=item_ids,
        item_category=item_category,
        user_interests=user_interests,
    )
    test = InteractionData.from_frame(frame[mask], user_ids=user_ids, item_ids=item_ids)
    relevant: dict[int, set[int]] = {}
    for u, i in zip(test.user_index.tolist(), test.item_index.tolist(), strict=True):
        relevant.setdefault(u, set()).add(i)
    eval_users = np.array(sorted(relevant), dtype=np.int64)
    seen = train.seen()
    # test rows in file order, for RMSE/MAE (duplicates kept, as in the file)
    test_rows = frame[mask]
    users_index = pd.Index(user_ids)
    items_index = pd.Index(item_ids)
    test_u = users_index.get_indexer(test_rows["user"].to_numpy())
    test_i = items_index.get_indexer(test_rows["item"].to_numpy())
    test_r = test_rows["stars"].to_numpy(dtype=np.float64)

    results = []
    for name in algorithms:
        if on_algorithm:
            on_algorithm(name)
        reason = cannot_work(name, frame)
        if reason:
            results.append({"algorithm": name, "skipped": reason})
            continue
        model = get_algorithm(name, **params.get(name, {}))
        top, fit_s, score_s = _fit_and_rank(model, train, eval_users, seen, k)
        row: dict = {"algorithm": name, "rmse": None, "mae": None}
        if model.rating_model and len(test_r) and not np.all(np.isnan(test_r)):
            rated = ~np.isnan(test_r)
            predicted = model.predict_ratings(test_u[rated], test_i[rated])
            err = predicted - test_r[rated]
            row["rmse"] = float(np.sqrt(np.mean(err**2)))
            row["mae"] = float(np.mean(np.abs(err)))
        row.update(ranking_metrics(top, relevant, k=k, n_items=len(item_ids)))
        row["fit_s"] = round(fit_s, 4)
        row["score_s"] = round(score_s, 4)
        results.append(row)
    return results


def next_split(frame: pd.DataFrame) -> np.ndarray:
    """Mask of the held-out rows: each user's last row (timestamp, then row order).

    Users with a single row keep it for training and are not evaluated.
    """
    position = np.arange(len(frame))
    keys = [position]
    if "timestamp" in frame and frame["timestamp"].notna().all():
        keys.append(frame["timestamp"].to_numpy())
    users = pd.factorize(frame["user"])[0]
    keys.append(users)
    order = np.lexsort(keys)  # by user, then timestamp, then row order
    last = np.r_[users[order][1:] != users[order][:-1], True]
    first = np.r_[True, users[order][1:] != users[order][:-1]]
    held = np.zeros(len(frame), dtype=bool)
    held[order[last & ~first]] = True
    return held


def hit_metrics(
    top: dict[int, list[int]], held: dict[int, int], *, k: int, n_items: int
) -> dict[str, float]:
    """HR@k and NDCG@k for one held-out item per user, and coverage@k."""
    hits, ndcg = [], []
    shown: set[int] = set()
    for user, item in held.items():
        items = top.get(user, [])[:k]
        shown.update(items)
        if item in items:
            hits.append(1.0)
            ndcg.append(1.0 / np.log2(items.index(item) + 2))
        else:
            hits.append(0.0)
            ndcg.append(0.0)
    return {
        f"hr@{k}": float(np.mean(hits)) if hits else 0.0,
        f"ndcg@{k}": float(np.mean(ndcg)) if ndcg else 0.0,
        f"coverage@{k}": len(shown) / n_items if n_items else 0.0,
    }


def evaluate_next(
    frame: pd.DataFrame,
    *,
    algorithms: Iterable[str] | None = None,
    params: dict[str, dict] | None = None,
    k: int = 10,
    item_category: dict | None = None,
    user_interests: dict | None = None,
    item_ids: np.ndarray | None = None,
    on_algorithm: Callable[[str], None] | None = None,
) -> list[dict]:
    """Next-item protocol: hold out each learner's last course, rank the rest."""
    algorithms = list(algorithms or FILE_ALGORITHMS)
    params = params or {}
    held_mask = next_split(frame)
    user_ids = np.unique(frame["user"].to_numpy())
    if item_ids is None:
        item_ids = np.unique(frame["item"].to_numpy())
    train_frame = frame[~held_mask]
    train = InteractionData.from_frame(
        train_frame,
        user_ids=user_ids,
        item_ids=item_ids,
        item_category=item_category,
        user_interests=user_interests,
    )
    held_rows = frame[held_mask]
    users_index = pd.Index(user_ids)
    items_index = pd.Index(item_ids)
    held = dict(
        zip(
            users_index.get_indexer(held_rows["user"].to_numpy()).tolist(),
            items_index.get_indexer(held_rows["item"].to_numpy()).tolist(),
            strict=True,
        )
    )
    held = {u: i for u, i in held.items() if u >= 0 and i >= 0}
    eval_users = np.array(sorted(held), dtype=np.int64)
    seen = train.seen()
    results = []
    for name in algorithms:
        if on_algorithm:
            on_algorithm(name)
        reason = cannot_work(name, frame)
        if reason:
            results.append({"algorithm": name, "skipped": reason})
            continue
        model = get_algorithm(name, **params.get(name, {}))
        top, fit_s, score_s = _fit_and_rank(model, train, eval_users, seen, k)
        row = {"algorithm": name}
        row.update(hit_metrics(top, held, k=k, n_items=len(item_ids)))
        row["fit_s"] = round(fit_s, 4)
        row["score_s"] = round(score_s, 4)
        results.append(row)
    return results


def format_table(results: list[dict], *, k: int, protocol: str = "split") -> str:
    if protocol == "next":
        columns = ["algorithm", f"hr@{k}", f"ndcg@{k}", f"coverage@{k}"]
    else:
        columns = [
            "algorithm",
            "rmse",
            "mae",
            f"precision@{k}",
            f"recall@{k}",
            f"ndcg@{k}",
            f"coverage@{k}",
        ]
    columns += ["fit_s", "score_s"]
    widths = [max(18, len(c)) if c == "algorithm" else max(9, len(c)) for c in columns]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in results:
        if row.get("skipped"):
            lines.append(
                f"{row['algorithm'].ljust(widths[0])}  skipped: {row['skipped']}"
            )
            continue
        cells = []
        for c, w in zip(columns, widths, strict=True):
            value = row.get(c)
            if value is None:
                text = "-"
            elif isinstance(value, float):
                text = f"{value:.4f}" if not c.endswith("_s") else f"{value:.2f}"
            else:
                text = str(value)
            cells.append(text.ljust(w))
        lines.append("  ".join(cells))
    return "\n".join(lines)
