"""Similar questions and related threads: TF-IDF over character n-grams.

``analyzer="char_wb"`` with 2–3-grams matches Chinese without a word segmenter
and tolerates English inflections and typos. The fitted vectorizer and the
matrix of every live thread (title weighted twice, plus the start of the
opening post) are kept in the cache under one key and rebuilt by a Celery task
(after new threads, debounced, and by beat); a keystroke only transforms the
query and takes one sparse dot product. Privacy is applied afterwards, in the
database, on the few candidate ids.

A request never builds the index: fitting it reads every live thread (0.5-0.8 s
at 10,000 threads, growing with them). When the cache has none (flushed,
evicted, Redis restarted) the request asks the worker for one and shows no
similar threads meanwhile, or this process's older copy when it has one.

Except where the worker's index cannot reach the web process: a cache local
to each process (`make run`'s local memory). There the web process fits its
own on first use and again after new threads (the embedded setup's data is
small: a few ms), since the worker's copy would stay in the worker.
"""

from __future__ import annotations

import logging
import time

import numpy as np
from django.core.cache import cache

logger = logging.getLogger(__name__)

# v2: the matrix kept by term (terms x threads), see `similar_thread_ids`.
INDEX_KEY = "community:similarity:index:v2"
VERSION_KEY = "community:similarity:version:v2"
PENDING_KEY = "community:similarity:rebuild-pending"
INDEX_TIMEOUT = 60 * 60 * 24
REBUILD_DEBOUNCE_SECONDS = 30
MAX_DOCUMENTS = 50_000
BODY_CHARS = 400
MIN_SCORE = 0.12


def _documents():
    from .models import Post, Thread, Visibility

    threads = (
        Thread.objects.filter(is_deleted=False, status=Visibility.VISIBLE)
        .order_by("-last_activity_at")
        .values_list("pk", "space_id", "kind", "title")[:MAX_DOCUMENTS]
    )
    rows = list(threads)
    bodies = (
        dict(
            Post.objects.filter(
                kind=Post.Kind.OPENING, thread_id__in=[r[0] for r in rows]
            ).values_list("thread_id", "body")
        )
        if len(rows) <= 5000
        else {}
    )
    return rows, bodies


def build_index() -> dict:
    """Fit the vectorizer on every live thread and store it in the cache."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    started = time.monotonic()
    rows, bodies = _documents()
    index = {"ids": [], "kinds": [], "vectorizer": None, "by_term": None}
    if rows:
        texts = [
            f"{title} {title} {(bodies.get(pk) or '')[:BODY_CHARS]}".lower()
            for pk, _space, _kind, title in rows
        ]
        vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 3),
            min_df=1,
            sublinear_tf=True,
            dtype=np.float32,
        )
        matrix = vectorizer.fit_transform(texts)
        # Not needed to transform queries, and large once pickled (sklearn docs).
        vectorizer.stop_words_ = None
        index = {
            "ids": [r[0] for r in rows],
            "kinds": [r[2] for r in rows],
            "vectorizer": vectorizer,
            # Kept transposed, in rows: a query's scores are then one sparse
            # product, with no conversion of the whole matrix per query.
            "by_term": matrix.T.tocsr(),
        }
    index["version"] = time.time_ns()
    cache.set(INDEX_KEY, index, INDEX_TIMEOUT)
    cache.set(VERSION_KEY, index["version"], INDEX_TIMEOUT)
    _local["index"] = index
    logger.info(
        "community similarity index: %d threads in %.2fs",
        len(index["ids"]),
        time.monotonic() - started,
    )
    return index


#: This process's copy of the index, so that a keystroke does not unpickle the
#: whole matrix from the cache: only the small version stamp is read each time.
_local: dict = {}


def get_index() -> dict | None:
    """The index kept in the cache (this process's copy while it is current);
    None when there is none yet: a rebuild is asked for, not done here."""
    version = cache.get(VERSION_KEY)
    local = _local.get("index")
    if local is not None and version is not None and local["version"] == version:
        return local
    index = cache.get(INDEX_KEY) if version is not None else None
    if index is None:
        if not worker_shares_the_cache():
            return build_index()
        rebuild_soon()
        # Tasks run eagerly (tests, the embedded setup) have built it by now;
        # otherwise this process's older copy, if any, until the worker's.
        return _local.get("index")
    _local["index"] = index
    return index


def worker_shares_the_cache() -> bool:
    """Whether an index the worker builds reaches this process: not with a
    cache that lives in each process (local memory, or none at all)."""
    from django.core.cache import caches
    from django.core.cache.backends.dummy import DummyCache
    from django.core.cache.backends.locmem import LocMemCache

    return not isinstance(caches["default"], (LocMemCache, DummyCache))


def index_loaded() -> bool:
    """Whether this process holds an index (reads nothing)."""
    return "index" in _local


def index_missing() -> bool:
    """No index kept yet (core.pagecache.keep_while: a thread page made
    without related threads is kept only until the worker has built one)."""
    return cache.get(VERSION_KEY) is None


def warm() -> None:
    """What a process's first thread page would load (core.warmup): the
    index kept in the cache (never built here), and one query transformed
    (sklearn's first transform imports and checks what it needs)."""
    version = cache.get(VERSION_KEY)
    index = cache.get(INDEX_KEY) if version is not None else None
    if index is None or index.get("version") != version:
        return
    _local["index"] = index
    if index["ids"]:
        similar_thread_ids("warm-up")


def rebuild_soon() -> None:
    """Ask the worker for an index now (none is kept), at most once per
    debounce window; optional work, dropped if the broker is down."""
    from core.tasks import enqueue

    from .tasks import rebuild_similarity_index

    if cache.add(PENDING_KEY, 1, REBUILD_DEBOUNCE_SECONDS):
        enqueue(rebuild_similarity_index, durable=False)


def schedule_rebuild() -> None:
    """Ask the worker for a rebuild, at most once per debounce window (with a
    cache of this process only, drop this process's index: its next use fits
    a new one, new threads included)."""
    from .tasks import rebuild_similarity_index

    if not worker_shares_the_cache():
        cache.delete(VERSION_KEY)
        _local.pop("index", None)
        return
    if cache.add(PENDING_KEY, 1, REBUILD_DEBOUNCE_SECONDS):
        # Run at the end of the window, so that it includes every thread of it.
        rebuild_similarity_index.apply_async(countdown=REBUILD_DEBOUNCE_SECONDS)


def similar_thread_ids(
    text: str, *, limit: int = 5, kind: str | None = None, exclude: int | None = None
) -> list[tuple[int, float]]:
    """Candidate (thread id, score) pairs, best first, before privacy filtering."""
    text = (text or "").strip().lower()[:1000]
    if len(text) < 2:
        return []
    index = get_index()
    if index is None or not index["ids"]:
        return []
    query = index["vectorizer"].transform([text])
    # Cosine similarity (both sides are L2-normalised). sklearn's
    # linear_kernel(query, matrix) converted the whole threads x terms matrix
    # on every call (1 ms at 10,000 threads, growing with them); by term it
    # is 0.1 ms.
    scores = (query @ index["by_term"]).toarray().ravel()
    wanted = min(len(scores), limit * 6)
    top = np.argpartition(-scores, wanted - 1)[:wanted]
    order = top[np.argsort(-scores[top])]
    found: list[tuple[int, float]] = []
    for position in order:
        score = float(scores[position])
        if score < MIN_SCORE:
            break
        thread_id = index["ids"][position]
        if thread_id == exclude:
            continue
        if kind is not None and index["kinds"][position] != kind:
            continue
        found.append((thread_id, score))
        if len(found) >= limit * 3:
            break
    return found


def similar_threads(*, user, text: str, limit: int = 5, kind=None, exclude=None):
    """Visible threads most similar to `text` (one query after the index)."""
    from .selectors import listed_threads

    candidates = similar_thread_ids(text, limit=limit, kind=kind, exclude=exclude)
    if not candidates:
        return []
    ids = [pk for pk, _score in candidates]
    by_id = {
        t.pk: t
        for t in listed_threads(user)
        .filter(pk__in=ids)
        .select_related("space", "accepted_post")
    }
    result = []
    for pk, score in candidates:
        thread = by_id.get(pk)
        if thread is not None:
            thread.similarity = score
            result.append(thread)
        if len(result) >= limit:
            break
    return result


def related_threads(*, user, thread, limit: int = 5):
    return similar_threads(user=user, text=thread.title, limit=limit, exclude=thread.pk)


def rebuild_now() -> int:
    cache.delete(PENDING_KEY)
    return len(build_index()["ids"])
