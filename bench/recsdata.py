"""Synthetic ratings shaped like MovieLens-100k, for developing the recommender.

Power-law item popularity, a skewed number of ratings per user (every user
has at least `min_per_user`), latent taste clusters (users mostly take items
of their cluster), and 1-5 stars that are higher inside one's taste.

    python bench/recsdata.py --out /tmp/synthetic.csv   # 943 × 1682 × 100,000
    python manage.py recommender_eval --ratings /tmp/synthetic.csv
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd


def synthetic_interactions(
    *,
    n_users: int = 943,
    n_items: int = 1682,
    n_rows: int = 100_000,
    n_clusters: int = 18,
    in_cluster: float = 0.7,
    min_per_user: int = 20,
    seed: int = 0,
) -> pd.DataFrame:
    """Unique (user, item) rows with stars and timestamps, in random order."""
    rng = np.random.default_rng(seed)
    user_cluster = rng.integers(0, n_clusters, n_users)
    item_cluster = rng.integers(0, n_clusters, n_items)
    # power-law popularity (Zipf-like exponent ~0.9 over ranks)
    popularity = 1.0 / np.power(rng.permutation(n_items) + 1.0, 0.9)
    # user activity: log-normal, scaled to the row budget, at least the minimum
    activity = rng.lognormal(0.0, 1.0, n_users)
    per_user = np.maximum(
        min_per_user, np.round(activity / activity.sum() * n_rows * 1.08)
    ).astype(int)
    per_user = np.minimum(per_user, n_items // 2)
    by_cluster = [np.flatnonzero(item_cluster == c) for c in range(n_clusters)]
    p_all = popularity / popularity.sum()
    users, items = [], []
    for u in range(n_users):
        k = per_user[u]
        own = by_cluster[user_cluster[u]]
        n_own = min(int(round(k * in_cluster)), len(own))
        p_own = popularity[own] / popularity[own].sum()
        picked = set(rng.choice(own, n_own, replace=False, p=p_own).tolist())
        while len(picked) < k:
            picked.update(rng.choice(n_items, k - len(picked), p=p_all).tolist())
        users.extend([u] * len(picked))
        items.extend(picked)
    users = np.asarray(users)
    items = np.asarray(items)
    order = rng.permutation(len(users))[:n_rows]
    users, items = users[order], items[order]
    match = user_cluster[users] == item_cluster[items]
    quality = rng.normal(0, 0.6, n_items)
    stars = 3.0 + 0.9 * match + quality[items] + rng.normal(0, 0.9, len(users))
    stars = np.clip(np.round(stars), 1, 5).astype(int)
    timestamps = 874_724_710 + np.sort(rng.integers(0, 18_000_000, len(users)))
    return pd.DataFrame(
        {
            "user": users + 1,
            "item": items + 1,
            "rating": stars,
            "timestamp": timestamps[rng.permutation(len(users))],
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--users", type=int, default=943)
    parser.add_argument("--items", type=int, default=1682)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    frame = synthetic_interactions(
        n_users=args.users, n_items=args.items, n_rows=args.rows, seed=args.seed
    )
    frame.to_csv(args.out, index=False)
    print(
        f"{args.out}: {len(frame)} ratings, {frame.user.nunique()} users, "
        f"{frame.item.nunique()} items"
    )


if __name__ == "__main__":
    main()
