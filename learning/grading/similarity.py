"""Similarity measures the scorer's features are made of (no state, no model).

Character and word n-gram cosines, BM25 of the reference against an answer,
key-point weights and the neighbour scores; `engine` builds features from them.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from .text import char_text, has_cjk, tokens


def word_analyzer(text: str) -> list[str]:
    words = tokens(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


# Chinese function characters: a bigram with one of them says little.
_FUNCTION_CHARS = frozenset(
    "的了是在和与及或而就都也还又被把对从向以之其这那个着所等为"
)


def char_grams(text: str) -> set[str]:
    """Character bigrams (Chinese) or trigrams (other scripts) for coverage."""
    text = char_text(text).replace(" ", "")
    if has_cjk(text):
        grams = {text[i : i + 2] for i in range(max(0, len(text) - 1))}
        return {g for g in grams if not (set(g) & _FUNCTION_CHARS)}
    return {text[i : i + 3] for i in range(max(0, len(text) - 2))}


def cosine(a, b) -> np.ndarray:
    """Cosine of every row of `a` with every row of `b` (both L2-normalised)."""
    return np.asarray((a @ b.T).todense())


class BM25:
    """Okapi BM25 of one query (the reference) against many documents."""

    def __init__(self, query: list[str], documents: list[list[str]]):
        self.query = Counter(query)
        self.n = max(1, len(documents))
        self.avgdl = max(1.0, sum(len(d) for d in documents) / self.n)
        df = Counter(word for d in documents for word in set(d))
        self.idf = {
            w: math.log(1 + (self.n - df.get(w, 0) + 0.5) / (df.get(w, 0) + 0.5))
            for w in self.query
        }

    def score(self, document: list[str], k1: float = 1.2, b: float = 0.75) -> float:
        counts = Counter(document)
        norm = k1 * (1 - b + b * len(document) / self.avgdl)
        return sum(
            self.idf[w] * counts[w] * (k1 + 1) / (counts[w] + norm)
            for w in self.query
            if counts.get(w)
        )


def distinctive(sets: list[set[str]]) -> list[dict[str, float]]:
    """Weights of each key point's words: 1 / (key points sharing the word)^2.

    "first in first out" shares "first" and "out" with "last in first out": the
    word that tells them apart ("queue", "stack") is what an answer must have.
    """
    counts = Counter(word for words in sets for word in words)
    return [{word: 1.0 / counts[word] ** 2 for word in words} for words in sets]


def weighted_recall(weights: dict[str, float], present: set[str]) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    return sum(w for word, w in weights.items() if word in present) / total


def knn(sims: np.ndarray, scores: np.ndarray, k: int = 3) -> tuple[float, float]:
    """Similarity-weighted mean score of the k nearest, and their disagreement."""
    k = min(k, len(sims))
    top = np.argsort(-sims)[:k]
    weights = np.maximum(sims[top], 1e-3)
    mean = float(np.average(scores[top], weights=weights))
    spread = float(np.sqrt(np.average((scores[top] - mean) ** 2, weights=weights)))
    return mean, spread


def soft(sims: np.ndarray, scores: np.ndarray, temperature: float = 0.05) -> float:
    weights = np.exp((sims - sims.max()) / temperature)
    return float(np.average(scores, weights=weights))
