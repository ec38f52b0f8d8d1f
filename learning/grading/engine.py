"""The scorer: per-question similarity features stacked into a global regressor.

Nothing here touches the database: production (`learning.grading.services`) and
the evaluation command (`grading_eval`) both build `QuestionData` and call the
same functions, so the figures the command prints are the figures of the site.

How it works, and why. A question has a reference answer and, once the creator
has graded some answers, a handful of graded answers (often about a dozen). A
model fitted on a dozen examples alone is noisy, so each question contributes
*features* instead: similarity to the reference (character n-grams, jieba or
stemmed word n-grams, BM25), coverage of the reference's key points, the scores
of the most similar graded answers (k nearest neighbours, leave-one-out on the
graded answers themselves), the score at the same rank of similarity among the
graded answers, a small per-question ridge fit, length and the question's own
score distribution. One regressor, trained across every question's graded
answers, learns how much to trust each feature; it predicts a score between 0
and 1 (a fraction of the maximum). Out-of-fold residuals calibrate an interval
and a probability that the suggestion is within a tolerance (split conformal,
scaled by how much the nearest graded answers disagree).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
from sklearn.ensemble import ExtraTreesRegressor
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from . import embeddings
from .similarity import (
    BM25,
    char_grams,
    cosine,
    distinctive,
    knn,
    soft,
    weighted_recall,
    word_analyzer,
)
from .text import char_text, split_key_points, tokens

#: Below this many graded answers a question gets only the reference-only score.
MIN_GRADED = 3
#: A key point counts as covered from this share of its words / characters.
COVERED_AT = 0.5
#: Interval coverage and tolerance (fractions of the maximum score).
INTERVAL_COVERAGE = 0.8
TOLERANCE = 0.1
#: Rows needed before the gradient-boosted trees join the ridge regression.
TREES_FROM_ROWS = 150
#: Regularisation of the per-question kernel ridge on the graded answers.
KERNEL_LAMBDA = 0.5

FEATURES = (
    "ref_char",
    "ref_word",
    "ref_bm25",
    "ref_recall",
    "precision",
    "kp_mean",
    "kp_covered",
    "question_only",
    "len_log",
    "len_vs_ref",
    "len_vs_graded",
    "knn_char",
    "knn_word",
    "soft_char",
    "soft_word",
    "nn_score",
    "nn_sim",
    "good_sim",
    "bad_sim",
    "rank_score",
    "local_ridge",
    "kernel_ridge",
    "q_mean",
    "q_std",
    "q_n",
)
#: Appended when sentence embeddings are on (learning/grading/embeddings.py).
EMBEDDING_FEATURES = ("emb_ref", "emb_kp", "emb_knn", "emb_soft", "emb_kernel")
#: `QuestionModel(embed=AUTO)`: embeddings when the optional packages are there.
AUTO = object()


@dataclasses.dataclass
class QuestionData:
    """One question: its texts and its graded answers (scores as 0..1)."""

    key: str
    question: str
    reference: str
    key_points: str = ""
    answers: Sequence[str] = ()
    scores: Sequence[float] = ()


@dataclasses.dataclass
class KeyPointResult:
    text: str
    coverage: float

    @property
    def covered(self) -> bool:
        return self.coverage >= COVERED_AT


@dataclasses.dataclass
class Prediction:
    """A suggestion as a fraction of the maximum score, with its confidence."""

    score: float
    low: float
    high: float
    confidence: float | None
    reference_only: bool
    key_points: list[KeyPointResult]
    neighbours: list[tuple[int, float]]  # (index into the graded answers, sim)


class QuestionModel:
    """What one question knows: its reference, key points and graded answers."""

    def __init__(self, data: QuestionData, *, embed=AUTO):
        self.data = data
        self.embed: embeddings.Encoder | None = (
            embeddings.encoder() if embed is AUTO else embed
        )
        self.key_points = split_key_points(data.reference, data.key_points)
        self.answers = list(data.answers)
        self.scores = np.asarray(data.scores, dtype=float)
        # The sentinel keeps the vocabularies non-empty when every text is
        # punctuation or stop words (a reference of "…" must not crash).
        corpus = [
            "kp sentinel",
            data.reference,
            data.question,
            *self.key_points,
            *self.answers,
        ]
        self.char_vec = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=1
        ).fit([char_text(t) for t in corpus])
        self.word_vec = TfidfVectorizer(
            analyzer=word_analyzer, sublinear_tf=True, min_df=1
        ).fit(corpus)
        self.ref_tokens = tokens(data.reference)
        self.ref_token_set = set(self.ref_tokens)
        self.question_tokens = set(tokens(data.question))
        self.kp_tokens = distinctive([set(tokens(k)) for k in self.key_points])
        self.kp_grams = distinctive([char_grams(k) for k in self.key_points])
        self.ref_char = self._char(data.reference)
        self.ref_word = self._word(data.reference)
        self.answer_tokens = [tokens(a) for a in self.answers]
        self.bm25 = BM25(self.ref_tokens, [*self.answer_tokens, self.ref_tokens])
        self.bm25_ref = self.bm25.score(self.ref_tokens) or 1.0
        self.g_char = self._char_matrix(self.answers)
        self.g_word = self.word_vec.transform(self.answers) if self.answers else None
        self.ref_len = max(1, len(self.ref_tokens))
        lengths = [len(t) for t in self.answer_tokens]
        self.median_len = max(1.0, float(np.median(lengths))) if lengths else 1.0
        self._base_graded = (
            self._base_features(self.answers, self.answer_tokens)
            if self.answers
            else None
        )
        if self.embed is not None:
            self.e_ref = self.embed([data.reference])[0]
            self.e_kp = self.embed(self.key_points) if self.key_points else None
            self.e_graded = self.embed(self.answers)

    @property
    def n_graded(self) -> int:
        return len(self.answers)

    def nearest(self, texts: Sequence[str]) -> list[list[tuple[int, float]]]:
        """Per text, the graded answers by similarity (characters or words).

        The higher of the two: for short answers a typo ("pariss") leaves the
        characters alike while the words differ.
        """
        if not self.answers or not texts:
            return [[] for _ in texts]
        sims = np.maximum(
            cosine(self._char_matrix(texts), self.g_char),
            cosine(self.word_vec.transform(list(texts)), self.g_word),
        )
        return [[(int(j), float(row[j])) for j in np.argsort(-row)] for row in sims]

    def _char(self, text: str):
        return self.char_vec.transform([char_text(text)])

    def _char_matrix(self, texts: Sequence[str]):
        if not texts:
            return None
        return self.char_vec.transform([char_text(t) for t in texts])

    def _word(self, text: str):
        return self.word_vec.transform([text])

    # --- features that need no graded answer --------------------------------

    def key_point_coverage(self, text: str, words: list[str] | None = None):
        words = set(tokens(text) if words is None else words)
        grams = char_grams(text)
        result = []
        for point, kp_words, kp_grams in zip(
            self.key_points, self.kp_tokens, self.kp_grams, strict=True
        ):
            by_words = weighted_recall(kp_words, words)
            by_chars = weighted_recall(kp_grams, grams)
            result.append(KeyPointResult(point, max(by_words, 0.9 * by_chars)))
        return result

    def _base_features(self, texts: Sequence[str], words: list[list[str]]):
        """Per-answer features from the reference alone: (n, 11) array."""
        chars = self._char_matrix(texts)
        ref_char = cosine(chars, self.ref_char)[:, 0]
        ref_word = cosine(self.word_vec.transform(list(texts)), self.ref_word)[:, 0]
        rows = []
        for text, answer_words, rc, rw in zip(
            texts, words, ref_char, ref_word, strict=True
        ):
            word_set = set(answer_words)
            n = max(1, len(answer_words))
            coverage = [k.coverage for k in self.key_point_coverage(text, answer_words)]
            in_ref = sum(1 for w in answer_words if w in self.ref_token_set)
            only_question = sum(
                1
                for w in answer_words
                if w in self.question_tokens and w not in self.ref_token_set
            )
            rows.append(
                [
                    rc,
                    rw,
                    min(1.5, self.bm25.score(answer_words) / self.bm25_ref),
                    len(word_set & self.ref_token_set)
                    / max(1, len(self.ref_token_set)),
                    in_ref / n,
                    float(np.mean(coverage)) if coverage else rc,
                    float(np.mean([c >= COVERED_AT for c in coverage]))
                    if coverage
                    else float(rc > 0.5),
                    only_question / n,
                    math.log1p(len(answer_words)),
                    math.log((len(answer_words) + 1) / (self.ref_len + 1)),
                    math.log((len(answer_words) + 1) / (self.median_len + 1)),
                ]
            )
        return np.asarray(rows, dtype=float)

    def reference_only_score(self, base_row: np.ndarray) -> float:
        """Before any grade: key-point coverage, tempered by overall similarity."""
        kp_mean, kp_covered = base_row[5], base_row[6]
        similarity = min(1.0, max(base_row[0], base_row[1]) / 0.6)
        return float(
            np.clip(0.45 * kp_mean + 0.35 * kp_covered + 0.2 * similarity, 0, 1)
        )

    # --- features from the graded answers -----------------------------------

    def features(
        self, texts: Sequence[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray, list[list[tuple[int, float]]]]:
        """Feature rows, neighbour disagreement and nearest graded answers.

        Without `texts`, the graded answers themselves, each leaving itself out
        (so that training sees what a new answer will see).
        """
        loo = texts is None
        if loo:
            texts = self.answers
            words = self.answer_tokens
            base = self._base_graded
        else:
            texts = list(texts)
            words = [tokens(t) for t in texts]
            base = self._base_features(texts, words)
        n_new = len(texts)
        g = self.scores
        if self.n_graded == 0:
            raise ValueError("features need graded answers")
        char_sim = cosine(self._char_matrix(texts), self.g_char)
        word_sim = cosine(self.word_vec.transform(texts), self.g_word)
        mask = np.ones((n_new, self.n_graded), dtype=bool)
        if loo:
            np.fill_diagonal(mask, False)
        base_g = self._base_graded
        combo_g = base_g[:, [0, 1, 5]].mean(axis=1)
        combo_new = base[:, [0, 1, 5]].mean(axis=1)
        local = self._local_ridge(base, loo=loo)
        kernel = self._kernel_ridge(char_sim, word_sim, loo=loo)
        if self.embed is not None:
            e_new = self.e_graded if loo else self.embed(texts)
            emb_sim = e_new @ self.e_graded.T
            emb_ref = e_new @ self.e_ref
            emb_kp = (
                (e_new @ self.e_kp.T).mean(axis=1)
                if self.e_kp is not None and len(self.e_kp)
                else emb_ref
            )
            emb_kernel = self._embedding_ridge(emb_sim, loo=loo)
        rows, spread, neighbours = [], [], []
        for i in range(n_new):
            m = mask[i]
            scores = g[m]
            cs, ws = char_sim[i][m], word_sim[i][m]
            index = np.flatnonzero(m)
            if len(scores) == 0:  # a single graded answer, left out
                scores, cs, ws, index = np.array([0.5]), np.zeros(1), np.zeros(1), [-1]
            knn_c, disp_c = knn(cs, scores)
            knn_w, disp_w = knn(ws, scores)
            order = np.argsort(-(cs + ws))
            good = scores >= 0.8
            bad = scores <= 0.5
            ranked = np.sort(combo_g[m]) if m.sum() else np.array([combo_new[i]])
            pct = np.searchsorted(ranked, combo_new[i], side="right") / max(
                1, len(ranked)
            )
            rows.append(
                [
                    *base[i],
                    knn_c,
                    knn_w,
                    soft(cs, scores),
                    soft(ws, scores),
                    scores[order[0]],
                    (cs[order[0]] + ws[order[0]]) / 2,
                    max([base[i][0], *cs[good]]) if good.any() else base[i][0],
                    max(cs[bad]) if bad.any() else 0.0,
                    float(np.quantile(scores, min(1.0, max(0.0, pct)))),
                    local[i],
                    kernel[i],
                    float(scores.mean()),
                    float(scores.std()),
                    math.log1p(len(scores)),
                ]
            )
            if self.embed is not None:
                es = emb_sim[i][m] if len(g[m]) else np.zeros(1)
                rows[-1].extend(
                    [
                        float(emb_ref[i]),
                        float(emb_kp[i]),
                        knn(es, scores)[0],
                        soft(es, scores),
                        float(emb_kernel[i]),
                    ]
                )
            spread.append((disp_c + disp_w) / 2)
            neighbours.append(
                [(int(index[j]), float((cs[j] + ws[j]) / 2)) for j in order[:3]]
            )
        return np.asarray(rows, dtype=float), np.asarray(spread), neighbours

    def _kernel_ridge(self, char_sim, word_sim, *, loo: bool) -> np.ndarray:
        """Kernel ridge on the graded answers' n-grams: which wording scores well.

        Leave-one-out predictions for the graded answers come from the hat
        matrix in closed form, so training costs one small inverse per question.
        """
        gram = (cosine(self.g_char, self.g_char) + cosine(self.g_word, self.g_word)) / 2
        return self._ridge_on_gram(gram, (char_sim + word_sim) / 2, loo=loo)

    def _embedding_ridge(self, emb_sim, *, loo: bool) -> np.ndarray:
        """Kernel ridge on the graded answers' sentence vectors (by meaning)."""
        return self._ridge_on_gram(self.e_graded @ self.e_graded.T, emb_sim, loo=loo)

    def _ridge_on_gram(self, gram, kernel, *, loo: bool) -> np.ndarray:
        y = self.scores
        centre = y.mean()
        inverse = np.linalg.inv(gram + KERNEL_LAMBDA * np.eye(len(y)))
        if loo:
            hat = gram @ inverse
            residual = (y - centre) - hat @ (y - centre)
            return np.clip(y - residual / np.maximum(1e-3, 1 - np.diag(hat)), -0.2, 1.2)
        return np.clip(centre + kernel @ (inverse @ (y - centre)), -0.2, 1.2)

    def _local_ridge(self, base: np.ndarray, *, loo: bool) -> np.ndarray:
        """A ridge fit of the score on a few reference features, this question only."""
        cols = [0, 1, 3, 5]
        x_g = self._base_graded[:, cols]
        y = self.scores
        mean, std = x_g.mean(axis=0), x_g.std(axis=0) + 1e-6
        z_g = np.c_[np.ones(len(y)), (x_g - mean) / std]
        penalty = np.eye(z_g.shape[1]) * 3.0
        penalty[0, 0] = 0
        inverse = np.linalg.pinv(z_g.T @ z_g + penalty)
        beta = inverse @ z_g.T @ y
        if loo:
            hat = np.einsum("ij,jk,ik->i", z_g, inverse, z_g)
            fitted = z_g @ beta
            prediction = y - (y - fitted) / np.maximum(1e-3, 1 - hat)
        else:
            z = np.c_[np.ones(len(base)), (base[:, cols] - mean) / std]
            prediction = z @ beta
        return np.clip(prediction, -0.2, 1.2)


@dataclasses.dataclass
class GlobalModel:
    """The regressor across questions and its conformal calibration."""

    estimators: list
    residual_scale: np.ndarray  # sorted |residual| / (spread + SPREAD_FLOOR)
    rows: int
    questions: int
    cv_pearson: float | None
    cv_rmse: float | None
    #: Trained with the sentence-embedding features (EMBEDDING_FEATURES).
    embeddings: bool = False

    SPREAD_FLOOR = 0.08

    def predict_raw(self, x: np.ndarray) -> np.ndarray:
        predictions = [estimator.predict(x) for estimator in self.estimators]
        return np.clip(np.mean(predictions, axis=0), 0.0, 1.0)

    def interval(self, prediction: float, spread: float) -> tuple[float, float, float]:
        """(low, high, probability within TOLERANCE) for one prediction."""
        scale = spread + self.SPREAD_FLOOR
        q = float(np.quantile(self.residual_scale, INTERVAL_COVERAGE))
        low = max(0.0, prediction - q * scale)
        high = min(1.0, prediction + q * scale)
        within = np.searchsorted(self.residual_scale, TOLERANCE / scale, side="right")
        return low, high, float(within / len(self.residual_scale))


def _estimators(n_rows: int) -> list:
    ridge = make_pipeline(StandardScaler(), Ridge(alpha=100.0))
    if n_rows < TREES_FROM_ROWS:
        return [ridge]
    # Extremely randomised trees: single-threaded, quick on a few thousand rows,
    # and on the tuning data as good as boosting (see docs/grading.md).
    trees = ExtraTreesRegressor(
        n_estimators=200,
        min_samples_leaf=5,
        max_features=0.5,
        random_state=0,
        n_jobs=1,
    )
    return [ridge, trees]


def training_rows(models: Sequence[QuestionModel]):
    """Stacked leave-one-out features of every question with enough grades."""
    xs, ys, spreads, groups = [], [], [], []
    for number, model in enumerate(models):
        if model.n_graded < MIN_GRADED:
            continue
        x, spread, _ = model.features()
        xs.append(x)
        ys.append(model.scores)
        spreads.append(spread)
        groups.append(np.full(len(x), number))
    if not xs:
        return None
    width = min(x.shape[1] for x in xs)  # embeddings only when every question has them
    return (
        np.vstack([x[:, :width] for x in xs]),
        np.concatenate(ys),
        np.concatenate(spreads),
        np.concatenate(groups),
    )


def global_fit(models: Sequence[QuestionModel], *, seed: int = 0) -> GlobalModel | None:
    """Train the regressor across questions; None when too few grades exist."""
    rows = training_rows(models)
    if rows is None:
        return None
    x, y, spread, groups = rows
    if len(y) < 2 * MIN_GRADED:
        return None
    folds = min(5, len(y) // MIN_GRADED)
    oof = np.zeros(len(y))
    for train, test in KFold(folds, shuffle=True, random_state=seed).split(x):
        fitted = [e.fit(x[train], y[train]) for e in _estimators(len(train))]
        oof[test] = np.clip(np.mean([e.predict(x[test]) for e in fitted], axis=0), 0, 1)
    estimators = [e.fit(x, y) for e in _estimators(len(y))]
    residual_scale = np.sort(np.abs(y - oof) / (spread + GlobalModel.SPREAD_FLOOR))
    return GlobalModel(
        embeddings=x.shape[1] > len(FEATURES),
        estimators=estimators,
        residual_scale=residual_scale,
        rows=len(y),
        questions=len(set(groups.tolist())),
        cv_pearson=pearson(y, oof),
        cv_rmse=rmse(y, oof),
    )


def predict(
    model: QuestionModel, texts: Sequence[str], global_model: GlobalModel | None
) -> list[Prediction]:
    """Suggestions for new answers to one question."""
    texts = list(texts)
    if not texts:
        return []
    base = model._base_features(texts, [tokens(t) for t in texts])
    coverage = [model.key_point_coverage(t) for t in texts]
    # A regressor trained with embeddings cannot score without them (the
    # optional packages were removed since): the reference-only suggestion
    # until the next training. One trained without them ignores their columns.
    needs_embeddings = getattr(global_model, "embeddings", False)
    if (
        model.n_graded < MIN_GRADED
        or global_model is None
        or (needs_embeddings and model.embed is None)
    ):
        return [
            Prediction(
                score=model.reference_only_score(row),
                low=0.0,
                high=1.0,
                confidence=None,
                reference_only=True,
                key_points=points,
                neighbours=[],
            )
            for row, points in zip(base, coverage, strict=True)
        ]
    x, spread, neighbours = model.features(texts)
    if not needs_embeddings:
        x = x[:, : len(FEATURES)]
    raw = global_model.predict_raw(x)
    result = []
    for i, score in enumerate(raw):
        low, high, confidence = global_model.interval(float(score), float(spread[i]))
        result.append(
            Prediction(
                score=float(score),
                low=low,
                high=high,
                confidence=confidence,
                reference_only=False,
                key_points=coverage[i],
                neighbours=neighbours[i],
            )
        )
    return result


def pearson(a, b) -> float | None:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def rmse(a, b) -> float | None:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if not len(a):
        return None
    return float(np.sqrt(np.mean((a - b) ** 2)))
