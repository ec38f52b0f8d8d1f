"""Content-based neighbours for courses nobody has taken yet (cold start).

TF-IDF over title, subtitle and description with character n-grams (2-4,
within word boundaries), which works for Chinese without a word segmenter
and for English alike; cosine similarity between courses.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from courses.models import Course


def _texts(ids: list[int]) -> list[str]:
    rows = dict(
        (cid, f"{title} {title} {subtitle} {description}")
        for cid, title, subtitle, description in Course.objects.filter(
            id__in=ids
        ).values_list("id", "title", "subtitle", "description")
    )
    return [rows.get(cid, "") for cid in ids]


def content_neighbours(
    course_ids: np.ndarray, targets: np.ndarray, *, limit: int = 10
) -> dict[int, list[tuple[int, float]]]:
    """For each target course id: the `limit` most similar of `course_ids`."""
    ids = [int(c) for c in course_ids]
    if len(ids) < 2 or len(targets) == 0:
        return {}
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 4), min_df=1, sublinear_tf=True
    )
    matrix = normalize(vectorizer.fit_transform(_texts(ids)))
    position = {cid: n for n, cid in enumerate(ids)}
    out: dict[int, list[tuple[int, float]]] = {}
    rows = [position[int(t)] for t in targets if int(t) in position]
    if not rows:
        return {}
    sims = (matrix[rows] @ matrix.T).toarray()
    for row, target_pos in zip(sims, rows, strict=True):
        row[target_pos] = -1.0
        best = np.argsort(-row, kind="stable")[:limit]
        out[ids[target_pos]] = [(ids[b], float(row[b])) for b in best if row[b] > 0]
    return out
