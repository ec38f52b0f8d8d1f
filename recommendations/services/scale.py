"""Platform scale: the model switch, streaming extraction and batched storage.

A nightly run at 1,000,000 learners × 50,000 courses × 20,000,000
interactions has to fit one worker (docs/recs.md, *Platform scale*):

- **The switch** (`model_for_size`): dense item × item models (EASE, and the
  EASE blend of "next") grow with courses² (memory) and courses³ (the
  inversion). Above `RECOMMENDATIONS_DENSE_MAX_ITEMS` published courses a
  run of such a model fits `RECOMMENDATIONS_SCALE_ALGORITHM` (implicit's
  ALS by default) instead; the run records what it fitted and why.
- **Extraction** (`load_interactions`): on PostgreSQL every signal is
  weighted and summed per (learner, course) in one SQL statement and read
  with `COPY … TO STDOUT` into a temporary file, then parsed column-wise:
  no Python object per interaction, no pandas group-by on the worker.
- **Scoring and storage** (`recommendation_batches`, `RowBatch`): a batch of
  learners' top N with reasons is a handful of numpy arrays, written with
  one COPY of text built column-wise (no Python tuple per row on
  PostgreSQL).
- **Rating models** (`bounded_rating_data`): Surprise keeps every rating in
  Python dicts and KNN an items² similarity matrix, so above
  `RECOMMENDATIONS_RATING_MAX_ROWS` ratings they are fitted on a seeded
  sample of learners (whole histories) and the
  `RECOMMENDATIONS_RATING_MAX_ITEMS` most rated courses.
"""

from __future__ import annotations

import dataclasses
import io
import tempfile
from collections.abc import Iterator

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection

from ..algorithms import ALGORITHMS, top_n
from ..algorithms.data import RATING_SCALE, InteractionData

#: Above this many courses a dense item × item model is not fitted (EASE's
#: Gram matrix is 4·n² bytes in float32: 1.6 GB at 20,000, 10 GB at 50,000,
#: and its inversion is O(n³)).
DEFAULT_DENSE_MAX_ITEMS = 15_000
DEFAULT_SCALE_ALGORITHM = "als"
#: Algorithms whose fit holds an items × items dense matrix, and what they
#: become above the threshold: another algorithm (None: the configured
#: scale algorithm) or the same one with parameters that drop the dense part.
#: Every other model marked `dense_items` (the EASE family) becomes the
#: configured scale algorithm, as EASE does.
DENSE_ALGORITHMS: dict[str, tuple[str | None, dict]] = {
    "ease": (None, {}),
    "next": ("next", {"blend": 0.0}),
}
DEFAULT_RATING_MAX_ROWS = 2_000_000
DEFAULT_RATING_MAX_ITEMS = 5_000
#: Learners a rating model is fitted on and scores (its lists and predicted
#: stars cover them): scoring is learners × courses.
DEFAULT_RATING_MAX_USERS = 100_000
DEFAULT_EVALUATE_MAX_USERS = 20_000


def dense_max_items() -> int:
    return int(
        getattr(settings, "RECOMMENDATIONS_DENSE_MAX_ITEMS", DEFAULT_DENSE_MAX_ITEMS)
    )


def scale_algorithm() -> str:
    name = getattr(settings, "RECOMMENDATIONS_SCALE_ALGORITHM", DEFAULT_SCALE_ALGORITHM)
    if name not in ALGORITHMS:
        raise ValueError(f"RECOMMENDATIONS_SCALE_ALGORITHM: unknown algorithm {name!r}")
    return name


#: ALS as the offline evaluation chose it for the switch (docs/recs.md,
#: *Platform scale*): NDCG@10 0.283 against 0.235 with ALS's own defaults.
DEFAULT_SCALE_PARAMETERS = {"alpha": 10.0, "regularization": 1.0}


def scale_parameters() -> dict:
    """Parameters of the scale algorithm (RECOMMENDATIONS_SCALE_PARAMETERS).

    The defaults above apply to ALS only; another scale algorithm starts
    from its own defaults.
    """
    configured = getattr(settings, "RECOMMENDATIONS_SCALE_PARAMETERS", None)
    if configured is not None:
        return dict(configured)
    return dict(DEFAULT_SCALE_PARAMETERS) if scale_algorithm() == "als" else {}


@dataclasses.dataclass(frozen=True)
class ModelChoice:
    algorithm: str
    parameters: dict
    #: why the run fits something else than it was created for ("" if not)
    switched: str = ""


def model_for_size(algorithm: str, parameters: dict, n_items: int) -> ModelChoice:
    """What a run of `algorithm` fits on a catalogue of `n_items` courses.

    Below `RECOMMENDATIONS_DENSE_MAX_ITEMS` (and for every model that is not
    dense): the algorithm itself. Above it, a dense model is replaced as
    `DENSE_ALGORITHMS` says (EASE by `RECOMMENDATIONS_SCALE_ALGORITHM`).
    The run keeps its algorithm name: it is the list readers ask for.
    """
    limit = dense_max_items()
    rule = DENSE_ALGORITHMS.get(algorithm)
    if rule is None and getattr(ALGORITHMS.get(algorithm), "dense_items", False):
        rule = (None, {})  # the EASE family (ease_plus, ease_tuned...): as EASE
    if rule is None or n_items <= limit:
        return ModelChoice(algorithm, dict(parameters))
    target, overrides = rule
    if target is None:
        target = scale_algorithm()
        extra = scale_parameters()
        params = {**parameters, **extra} if target == algorithm else dict(extra)
        overrides = extra if target == algorithm else {}
    else:
        params = {**parameters, **overrides}
    reason = (
        f"{n_items:,} courses > RECOMMENDATIONS_DENSE_MAX_ITEMS ({limit:,}): "
        f"{algorithm} fitted as {target}"
        + (f" with {overrides}" if target == algorithm else "")
    )
    model = ALGORITHMS[target](**params)
    return ModelChoice(target, model.params, reason)


# --- extraction ----------------------------------------------------------


def _copy_frame(sql: str, params: list) -> pd.DataFrame:
    """Run `sql` with COPY … TO STDOUT into a temporary file, parse it with pandas."""
    with tempfile.TemporaryFile() as buffer:
        with connection.cursor() as cursor:
            # the driver's cursor: Django's debug wrapper takes no parameters
            raw = getattr(cursor, "cursor", cursor)
            with raw.copy(f"COPY ({sql}) TO STDOUT", params) as copy:
                for block in copy:
                    buffer.write(block)
        buffer.seek(0)
        return pd.read_csv(
            buffer,
            sep="\t",
            header=None,
            names=["user", "item", "weight", "stars", "timestamp"],
            dtype={
                "user": np.int64,
                "item": np.int64,
                "weight": np.float64,
                "stars": np.float64,
                "timestamp": np.float64,
            },
            na_values=["\\N"],
            keep_default_na=False,
            engine="c",
        )


def interaction_frame_streamed(weights: dict[str, float] | None = None) -> pd.DataFrame:
    """`build_interaction_frame` for published courses, aggregated by PostgreSQL."""
    from ..interactions import interaction_sql, signal_weights

    sql, params = interaction_sql(weights or signal_weights())
    return _copy_frame(sql, params)


def load_interactions() -> tuple[InteractionData, dict]:
    """The run's interaction data: streamed on PostgreSQL, pandas elsewhere.

    Returns (data, extra): extra["frame"] is the (user, item, weight, stars,
    timestamp) frame the offline evaluation reads, extra["categories"] maps
    course id → top-level category id.
    """
    from ..interactions import (
        item_categories,
        published_course_ids,
        user_interest_categories,
    )

    if connection.vendor != "postgresql":
        from .training import _load_data_pandas

        return _load_data_pandas()
    items = published_course_ids()
    frame = interaction_frame_streamed()
    # rows in (learner, course) order, as the pandas path gives them: models
    # fitted by SGD in row order (Surprise) then fit the same on both paths
    order = np.lexsort((frame["item"].to_numpy(), frame["user"].to_numpy()))
    frame = frame.take(order).reset_index(drop=True)
    users, user_index = np.unique(frame["user"].to_numpy(), return_inverse=True)
    item_index = np.searchsorted(items, frame["item"].to_numpy())
    categories = item_categories(items)
    weight = frame["weight"].to_numpy(dtype=np.float32)
    timestamp = frame["timestamp"].to_numpy()
    order = np.where(np.isnan(timestamp), np.inf, timestamp)
    if not np.isfinite(order).any():
        order = np.arange(len(frame), dtype=np.float64)
    interests: dict[int, list[int]] = {}
    raw_interests = user_interest_categories()
    if raw_interests:
        position = pd.Index(users)
        keys = np.fromiter(raw_interests.keys(), dtype=np.int64)
        at = position.get_indexer(keys)
        for raw, n in zip(keys.tolist(), at.tolist(), strict=True):
            if n >= 0 and raw_interests[raw]:
                interests[n] = list(raw_interests[raw])
    data = InteractionData(
        user_ids=users.astype(np.int64),
        item_ids=items,
        user_index=user_index.astype(np.int64).ravel(),
        item_index=item_index.astype(np.int64),
        weight=weight,
        stars=frame["stars"].to_numpy(dtype=np.float64),
        item_category=np.array(
            [categories.get(raw, -1) for raw in items.tolist()], dtype=np.int64
        ),
        user_interests=interests,
        has_implicit=bool(np.any(weight != 1.0)),
        order=order,
    )
    return data, {"frame": frame, "categories": categories}


# --- scoring and storage --------------------------------------------------


class RowBatch:
    """One batch of `Recommendation` rows as columns (numpy arrays).

    Iterating gives the row tuples (`RECOMMENDATION_COLUMNS` order) for any
    store; `copy_text()` is the same rows as PostgreSQL COPY text, built
    column-wise.
    """

    def __init__(self, columns: dict[str, np.ndarray]) -> None:
        self.columns = columns

    def __len__(self) -> int:
        return len(self.columns["user_id"])

    def __iter__(self) -> Iterator[tuple]:
        c = self.columns
        reason_course = c["reason_course_id"].tolist()
        reason_category = c["reason_category_id"].tolist()
        for n, row in enumerate(
            zip(
                c["run_id"].tolist(),
                c["user_id"].tolist(),
                c["course_id"].tolist(),
                c["rank"].tolist(),
                c["score"].tolist(),
                c["reason"].tolist(),
                strict=True,
            )
        ):
            rc, rcat = reason_course[n], reason_category[n]
            yield (*row, rc if rc >= 0 else None, rcat if rcat >= 0 else None)

    def copy_text(self, columns: tuple[str, ...]) -> str:
        frame = pd.DataFrame({name: self.columns[name] for name in columns})
        for name in ("reason_course_id", "reason_category_id"):
            if name in frame:
                frame[name] = frame[name].where(frame[name] >= 0).astype("Int64")
        out = io.StringIO()
        frame.to_csv(
            out, sep="\t", header=False, index=False, na_rep="\\N", lineterminator="\n"
        )
        return out.getvalue()


def _factor_top_n(model, users: np.ndarray, n: int, *, exclude, batch: int = 1000):
    """`top_n` for a pure dot-product model (ALS), with implicit's C++ top-k.

    The product and the selection run in implicit's threads, without a
    users × courses score matrix in numpy: 0.65 s of CPU per 1,000 learners
    against 50,000 courses where `top_n` takes 1.7 s (bench --full-width).
    Excluded courses never come back; a slot with nothing left is -1.
    """
    from implicit.cpu.topk import topk

    n = min(n, model.data.n_items)
    items_f = np.ascontiguousarray(model.item_factors, dtype=np.float32)
    for start in range(0, len(users), batch):
        chunk = users[start : start + batch]
        query = np.ascontiguousarray(model.user_factors[chunk], dtype=np.float32)
        ids, scores = topk(
            items_f, query, n, filter_query_items=exclude[chunk].astype(np.float32)
        )
        ids = ids.astype(np.int64)
        ids[~np.isfinite(scores) | (ids < 0)] = -1
        yield chunk, ids, scores


def _transition_top_n(model, users: np.ndarray, n: int, *, exclude, batch: int = 1000):
    """`top_n` for the transitions model without its EASE blend (`next` above
    the dense limit), without a learners × courses score matrix.

    A learner's score of a course is their transitions to it scaled to [0, 1]
    plus a 1e-6 popularity tie-break; a course with no transition from their
    last courses scores its tie-break alone. So the best N are among their
    few transitions and the N most popular other courses, which is all this
    reads: the same lists and scores as `top_n` (a test compares them), in a
    fraction of its time at 50,000 courses (bench --full-width).
    """
    n_items = model.data.n_items
    n = min(n, n_items)
    tie = 1e-6 * model._pop  # float32, as NextCourse.score adds it
    by_popularity = np.lexsort((np.arange(n_items), -tie)).tolist()
    blocked = np.zeros(n_items, dtype=bool)
    for start in range(0, len(users), batch):
        chunk = users[start : start + batch]
        product = (model._recent[chunk] @ model.T).tocsr()
        product.eliminate_zeros()
        taken = exclude[chunk].tocsr()
        items = np.full((len(chunk), n), -1, dtype=np.int64)
        scores = np.full((len(chunk), n), -np.inf, dtype=np.float32)
        for row in range(len(chunk)):
            cols = product.indices[product.indptr[row] : product.indptr[row + 1]]
            if len(cols) == n_items:
                # every course has a transition (a tiny catalogue): its lowest
                # is not 0, so the scaling differs; the generic ranking
                _, one, one_scores = next(
                    top_n(model, chunk[row : row + 1], n, exclude=exclude)
                )
                items[row], scores[row] = one[0], one_scores[0]
                continue
            values = product.data[product.indptr[row] : product.indptr[row + 1]]
            high = values.max() if len(values) else np.float32(0)
            scaled = values / np.maximum(np.float32(high), 1e-12) + tie[cols]
            seen = taken.indices[taken.indptr[row] : taken.indptr[row + 1]]
            blocked[cols] = True
            blocked[seen] = True
            fill = []
            for item in by_popularity:
                if not blocked[item]:
                    fill.append(item)
                    if len(fill) == n:
                        break
            blocked[cols] = False
            blocked[seen] = False
            keep = ~np.isin(cols, seen)
            found = np.concatenate([cols[keep], np.asarray(fill, dtype=cols.dtype)])
            found_scores = np.concatenate([scaled[keep], tie[fill]]).astype(np.float32)
            best = np.lexsort((found, -found_scores))[:n]
            items[row, : len(best)] = found[best]
            scores[row, : len(best)] = found_scores[best]
        yield chunk, items, scores


def _ranker(model):
    """The batched top N for `model`: implicit's top-k for plain ALS scores,
    the sparse transitions for `next` without its EASE blend."""
    from ..algorithms.ranking import ALS
    from ..algorithms.sequence import NextCourse

    if isinstance(model, ALS) and type(model).score is ALS.score:
        return _factor_top_n
    if (
        isinstance(model, NextCourse)
        and type(model).score is NextCourse.score
        and model._ease is None
    ):
        return _transition_top_n
    return top_n


def recommendation_batches(
    run_pk: int,
    model,
    data: InteractionData,
    categories: dict[int, int],
    *,
    n: int,
    skip: set[int],
    on_batch,
) -> Iterator[RowBatch]:
    """Per batch of learners: their top N with the reason of each course.

    The rules are those of the per-row loop they replace: a history course
    that explains the pick → "because you took X"; else the course's
    category among the learner's interests → "popular in Y"; else
    "popular" (with the course's category).
    """
    from ..models import Reason

    users = np.flatnonzero(~np.isin(data.user_ids, np.fromiter(skip, dtype=np.int64)))
    users = users.astype(np.int64)
    exclude = data.seen()
    item_ids = np.asarray(data.item_ids, dtype=np.int64)
    user_ids = np.asarray(data.user_ids, dtype=np.int64)
    cat_of_item = np.array(
        [
            -1 if categories.get(raw) is None else categories[raw]
            for raw in item_ids.tolist()
        ],
        dtype=np.int64,
    )
    # (learner index, interest category) as sorted keys, for one searchsorted
    width = int(max(cat_of_item.max(initial=0), 0)) + 1
    keys = [
        u * width + c
        for u, cats in data.user_interests.items()
        for c in cats
        if c is not None and 0 <= c < width
    ]
    interest_keys = np.unique(np.asarray(keys, dtype=np.int64))
    reason_codes = np.array(
        [str(Reason.BECAUSE_YOU_TOOK), str(Reason.POPULAR_IN), str(Reason.POPULAR)],
        dtype=object,
    )
    done = 0
    for chunk, items, scores in _ranker(model)(model, users, n, exclude=exclude):
        explained = model.explain_batch(chunk, items)
        if model.rating_model:
            scores = np.clip(scores, *RATING_SCALE)
        valid = items >= 0
        rows, slots = np.nonzero(valid)  # row-major: each learner's slots in order
        rank = (np.cumsum(valid, axis=1) * valid)[rows, slots]
        picked = items[rows, slots]
        because = explained[rows, slots]
        learner = chunk[rows]
        category = cat_of_item[picked]
        if len(interest_keys):
            probe = learner * width + np.maximum(category, 0)
            at = np.searchsorted(interest_keys, probe)
            at = np.minimum(at, len(interest_keys) - 1)
            mine = (interest_keys[at] == probe) & (category >= 0)
        else:
            mine = np.zeros(len(picked), dtype=bool)
        kind = np.where(because >= 0, 0, np.where(mine, 1, 2))
        yield RowBatch(
            {
                "run_id": np.full(len(picked), run_pk, dtype=np.int64),
                "user_id": user_ids[learner],
                "course_id": item_ids[picked],
                "rank": rank.astype(np.int64),
                "score": scores[rows, slots].astype(np.float64),
                "reason": reason_codes[kind],
                "reason_course_id": np.where(
                    because >= 0, item_ids[np.maximum(because, 0)], -1
                ),
                "reason_category_id": np.where(kind == 0, -1, category),
            }
        )
        done += len(chunk)
        on_batch(done / max(len(users), 1))


# --- rating models ---------------------------------------------------------


def rating_max_rows() -> int:
    return int(
        getattr(settings, "RECOMMENDATIONS_RATING_MAX_ROWS", DEFAULT_RATING_MAX_ROWS)
    )


def rating_max_items() -> int:
    return int(
        getattr(settings, "RECOMMENDATIONS_RATING_MAX_ITEMS", DEFAULT_RATING_MAX_ITEMS)
    )


def rating_max_users() -> int:
    return int(
        getattr(settings, "RECOMMENDATIONS_RATING_MAX_USERS", DEFAULT_RATING_MAX_USERS)
    )


def _subset(
    data: InteractionData, rows: np.ndarray, users: np.ndarray, items: np.ndarray
) -> InteractionData:
    """`data` restricted to `rows`, re-indexed on the universe users × items."""
    u_pos = np.full(data.n_users, -1, dtype=np.int64)
    u_pos[users] = np.arange(len(users))
    i_pos = np.full(data.n_items, -1, dtype=np.int64)
    i_pos[items] = np.arange(len(items))
    interests = {
        int(u_pos[u]): cats
        for u, cats in data.user_interests.items()
        if u < len(u_pos) and u_pos[u] >= 0
    }
    return InteractionData(
        user_ids=data.user_ids[users],
        item_ids=data.item_ids[items],
        user_index=u_pos[data.user_index[rows]],
        item_index=i_pos[data.item_index[rows]],
        weight=data.weight[rows],
        stars=data.stars[rows],
        item_category=(
            None if data.item_category is None else data.item_category[items]
        ),
        user_interests=interests,
        has_implicit=data.has_implicit,
        order=None if data.order is None else data.order[rows],
    )


def bounded_rating_data(
    data: InteractionData, *, kind: str, seed: int = 0
) -> tuple[InteractionData, str]:
    """The data a Surprise model is fitted on: all of it, or a bounded sample.

    Rows counted are the ones the model fits (`kind`: "explicit" = stars
    only, "derived" = every interaction). Above the caps: the
    `RECOMMENDATIONS_RATING_MAX_ITEMS` courses with the most such rows, then
    a seeded random sample of learners (whole histories kept) until
    `RECOMMENDATIONS_RATING_MAX_ROWS` rows or `RECOMMENDATIONS_RATING_MAX_USERS`
    learners. Returns (data, note); the note
    is "" when nothing was cut.
    """
    max_rows, max_items = rating_max_rows(), rating_max_items()
    max_users = rating_max_users()
    counted = (
        ~np.isnan(data.stars)
        if kind == "explicit"
        else np.ones(data.n_rows, dtype=bool)
    )
    n_counted = int(counted.sum())
    if (
        n_counted <= max_rows
        and data.n_items <= max_items
        and data.n_users <= max_users
    ):
        return data, ""
    per_item = np.bincount(data.item_index[counted], minlength=data.n_items)
    if data.n_items > max_items:
        items = np.sort(np.argsort(-per_item, kind="stable")[:max_items])
    else:
        items = np.arange(data.n_items)
    in_items = np.zeros(data.n_items, dtype=bool)
    in_items[items] = True
    rows_ok = in_items[data.item_index]
    per_user = np.bincount(data.user_index[rows_ok & counted], minlength=data.n_users)
    candidates = np.flatnonzero(per_user > 0)
    order = np.random.default_rng(seed).permutation(candidates)
    total = np.cumsum(per_user[order])
    fit = min(int(np.searchsorted(total, max_rows, side="right")), max_users)
    users = np.sort(order[:fit])
    in_users = np.zeros(data.n_users, dtype=bool)
    in_users[users] = True
    rows = np.flatnonzero(rows_ok & in_users[data.user_index])
    note = (
        f"bounded: {len(users):,} of {len(candidates):,} learners, "
        f"{len(items):,} of {data.n_items:,} courses, "
        f"{int((counted[rows]).sum()):,} of {n_counted:,} ratings "
        "(RECOMMENDATIONS_RATING_MAX_ROWS / _MAX_ITEMS)"
    )
    return _subset(data, rows, users, items), note


def evaluate_max_users() -> int:
    return int(
        getattr(
            settings, "RECOMMENDATIONS_EVALUATE_MAX_USERS", DEFAULT_EVALUATE_MAX_USERS
        )
    )


def evaluation_sample(frame: pd.DataFrame, *, seed: int = 0) -> pd.DataFrame:
    """At most `RECOMMENDATIONS_EVALUATE_MAX_USERS` learners' rows (seeded)."""
    limit = evaluate_max_users()
    users = np.unique(frame["user"].to_numpy())
    if len(users) <= limit:
        return frame
    keep = np.random.default_rng(seed).choice(users, size=limit, replace=False)
    return frame[frame["user"].isin(keep)]
