"""Search text: how documents and queries become terms (see courses.services.search).

Chinese is segmented by jieba (search mode for documents: a long word also
gives its shorter dictionary words), English lower-cased and stemmed
(Snowball), everything else split on non-word characters. A query is parsed
into words, each matching any of its forms; English words that no document
contains are corrected to the closest indexed word (`SearchTerm`).
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Length

from courses.models import SearchTerm

MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 8
#: A typo is corrected to an indexed word at least this similar.
CORRECTION_CUTOFF = 0.75
_WORD = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ASCII_WORD = re.compile(r"[a-z]+")
_SENTENCE_END = re.compile(r"(?<=[。！？；\n])|(?<=[.!?;] )")
# Dropped from queries of several words only (alone they are a query).
STOPWORDS = frozenset(
    "a an and are as at be by for from in is it of on or the to with "
    "的 了 和 与 及 或 在 是 之".split()
)


# --- analysis ------------------------------------------------------------------

_stemmer = None


# Snowball is pure Python (about 0.2 ms a word) and the words of a catalogue
# repeat: indexing the 10,000 bench courses stemmed 85,000 words, a few
# thousand of them distinct.
@functools.lru_cache(maxsize=50000)
def _stem(word: str) -> str:
    global _stemmer
    if _stemmer is None:
        import snowballstemmer

        _stemmer = snowballstemmer.stemmer("english")
    return _stemmer.stemWord(word)


def _jieba():
    import jieba

    jieba.setLogLevel(60)  # its "Building prefix dict" lines are noise here
    return jieba


def warm_analysers() -> None:
    """Load jieba's dictionary and the stemmer (core.warmup), as the first
    search or indexed text would."""
    _jieba().initialize()
    _stem("warming")


def _normalise(token: str) -> list[str]:
    """Lower-cased word pieces of a token, English words stemmed."""
    pieces = []
    for piece in _WORD.findall(token.lower()):
        if _ASCII_WORD.fullmatch(piece):
            piece = _stem(piece)
        pieces.append(piece)
    return pieces


def analyse(text: str) -> list[str]:
    """The index terms of a text, in order (Chinese in jieba's search mode)."""
    if not text:
        return []
    terms: list[str] = []
    # Sentence by sentence (jieba splits there too), each analysed once:
    # the demo and bench catalogues repeat most sentences of their texts.
    for sentence in _SENTENCE_END.split(text):
        terms.extend(_analyse_sentence(sentence))
    return terms


@functools.lru_cache(maxsize=20000)
def _analyse_sentence(sentence: str) -> tuple[str, ...]:
    terms: list[str] = []
    for token in _jieba().cut_for_search(sentence):
        terms.extend(_normalise(token))
    return tuple(terms)


def surface_words(text: str) -> dict[str, str]:
    """Stemmed English term → a word that produced it (shown as "did you mean")."""
    words: dict[str, str] = {}
    for word in _ASCII_WORD.findall(text.lower()):
        words.setdefault(_stem(word), word)
    return words


# --- the query ------------------------------------------------------------------


@dataclass
class QueryWord:
    """One word of a query: the terms any of which it matches."""

    text: str  # as the user typed it (lower-cased)
    term: str  # the analysed term
    parts: list[str] = field(default_factory=list)  # a Chinese word's pieces
    prefix: str = ""  # the last word, matched as a prefix too
    corrected: str = ""  # the surface word of a corrected typo

    @property
    def is_cjk(self) -> bool:
        return bool(_CJK.search(self.term))


@dataclass
class ParsedQuery:
    text: str
    words: list[QueryWord]

    @property
    def corrected(self) -> bool:
        return any(word.corrected for word in self.words)

    @property
    def corrected_text(self) -> str:
        """The query as corrected ("did you mean"), or "" when nothing was."""
        if not self.corrected:
            return ""
        return " ".join(word.corrected or word.text for word in self.words)

    def __bool__(self) -> bool:
        return bool(self.words)


def clean_query(query: str | None) -> str:
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def parse(query: str | None, *, kind: str = "course", correct: bool = True):
    """The words of a query, typos corrected against the kind's vocabulary."""
    text = clean_query(query)
    words: list[QueryWord] = []
    for token in _jieba().cut(text):
        for piece in _WORD.findall(token.lower()):
            term = _stem(piece) if _ASCII_WORD.fullmatch(piece) else piece
            word = QueryWord(text=piece, term=term)
            if _CJK.search(piece) and len(piece) >= 3:
                word.parts = sorted(
                    {
                        p
                        for p in _jieba().cut_for_search(piece)
                        if len(p) == 2 and _CJK.search(p)
                    }
                )
            words.append(word)
    if len(words) > 1:
        words = [w for w in words if w.text not in STOPWORDS] or words
    words = _merge_duplicates(words)[:MAX_QUERY_WORDS]
    if words:
        last = words[-1]
        if last.is_cjk and len(last.term) == 1:
            last.prefix = last.term  # one character: the words that start with it
        elif not last.is_cjk and len(last.text) >= 2:
            last.prefix = last.text  # "pyth" while typing "python"
    parsed = ParsedQuery(text=text, words=words)
    if correct and words:
        _correct(parsed, kind)
    return parsed


def _merge_duplicates(words: list[QueryWord]) -> list[QueryWord]:
    seen: set[str] = set()
    kept = []
    for word in words:
        if word.term not in seen:
            seen.add(word.term)
            kept.append(word)
    return kept


def _correct(parsed: ParsedQuery, kind: str) -> None:
    """Replace English words that no document contains by the closest that one does."""
    candidates = [w for w in parsed.words if not w.is_cjk and len(w.text) >= 4]
    if not candidates:
        return
    wanted = Q(term__in=[w.term for w in candidates])
    for word in candidates:
        if word.prefix:
            wanted |= Q(term__startswith=word.prefix)
    known = set(
        SearchTerm.objects.filter(wanted, kind=kind).values_list("term", flat=True)[
            :200
        ]
    )
    unknown = [
        w
        for w in candidates
        if w.term not in known
        and not (w.prefix and any(t.startswith(w.prefix) for t in known))
    ]
    if not unknown:
        return
    lengths = [len(w.term) for w in unknown]
    vocabulary = dict(
        SearchTerm.objects.annotate(length=Length("term"))
        .filter(kind=kind, length__gte=min(lengths) - 2, length__lte=max(lengths) + 2)
        .values_list("term", "word")
    )
    for word in unknown:
        close = difflib.get_close_matches(
            word.term, list(vocabulary), n=1, cutoff=CORRECTION_CUTOFF
        )
        if close:
            word.term = close[0]
            word.prefix = ""
            word.corrected = vocabulary[close[0]] or close[0]
