"""Text handling shared by training, suggestions and feedback (Chinese and English).

Words: jieba for runs of Chinese characters, a light suffix-stripping stemmer for
Latin words, stop words removed. Characters: the text lowercased with spacing
normalised, for character n-grams that need no tokenizer at all.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata

import jieba

jieba.setLogLevel(logging.WARNING)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN_RE = re.compile(rf"[{_CJK}]+|[a-z0-9][a-z0-9_+#.\-]*[a-z0-9+#]|[a-z0-9]")
_CJK_RE = re.compile(rf"[{_CJK}]")
# Sentence and clause ends in both scripts; used to split a reference into
# key points when the creator lists none.
_SENTENCE_RE = re.compile(r"(?<=[.!?;。！？；])\s*|\n+")

EN_STOP = frozenset(
    """a an the and or but if then else of to in on at by for with from as is are
    was were be been being it its this that these those there here which who whom
    whose what when where why how do does did done can could should would may might
    must shall will not no so than too very also just only such into about over
    under between we you they he she i me my our your their them his her us all any
    each some more most other same own both few many much one ones thing things
    etc e.g i.e eg ie because has have had having used use uses using""".split()
)
ZH_STOP = frozenset(
    """的 了 是 在 和 与 及 或 而 就 都 也 还 又 被 把 对 从 向 以 之 其 这 那 这个 那个
    这些 那些 一个 一种 一些 有 为 着 所 等 等等 可以 能 会 要 我 你 他 她 它 我们 你们
    他们 它们 自己 如果 因为 所以 但是 然后 就是 并且 以及 通过 进行 一般 比较 非常 很
    什么 怎么 如何 吗 呢 吧 啊 个 中 上 下 里""".split()
)
STOP = EN_STOP | ZH_STOP

_SUFFIXES = (
    "izations",
    "ization",
    "ational",
    "fulness",
    "ousness",
    "iveness",
    "ments",
    "ments",
    "ement",
    "ities",
    "ation",
    "ators",
    "ingly",
    "ness",
    "ment",
    "ings",
    "able",
    "ible",
    "ally",
    "ions",
    "ator",
    "ity",
    "ing",
    "ion",
    "ies",
    "ive",
    "ize",
    "ise",
    "ers",
    "est",
    "ous",
    "ed",
    "es",
    "ly",
    "er",
    "al",
    "s",
)


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A deliberately light English stemmer: enough to match "sorting"/"sorted"."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]  # "stopp" -> "stop"
    return word.rstrip("e") if len(word) > 4 else word


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), lowercase, one space between words."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(text.split())


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text or ""))


@functools.lru_cache(maxsize=4096)
def _tokens_cached(text: str) -> tuple[str, ...]:
    result: list[str] = []
    for match in _TOKEN_RE.finditer(text):
        piece = match.group(0)
        if _CJK_RE.match(piece):
            for word in jieba.lcut(piece, HMM=True):
                if word not in STOP:
                    result.append(word)
        elif piece not in STOP:
            result.append(stem(piece))
    return tuple(result)


def tokens(text: str) -> list[str]:
    """Content words of `text`: jieba words for Chinese, stems for English."""
    return list(_tokens_cached(normalise(text)))


def char_text(text: str) -> str:
    """The text for character n-grams: normalised, punctuation as spaces."""
    text = normalise(text)
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def split_key_points(reference: str, explicit: str = "") -> list[str]:
    """The reference's key points: the creator's lines, else its sentences.

    A long sentence (over 60 characters, 24 in Chinese) is cut further at
    commas, so that an answer that covers only half of it is told what it missed.
    """
    lines = [line.strip(" -*•\t") for line in (explicit or "").splitlines()]
    points = [line for line in lines if line]
    if points:
        return points
    sentences = [s.strip() for s in _SENTENCE_RE.split(reference or "")]
    result: list[str] = []
    for sentence in sentences:
        if not sentence or not tokens(sentence):
            continue
        if len(sentence) > (24 if has_cjk(sentence) else 60):
            parts = [p.strip() for p in re.split(r"(?<=[,，、:：])\s*", sentence)]
            merged: list[str] = []
            for part in parts:
                if merged and len(tokens(merged[-1])) < 4:
                    merged[-1] = f"{merged[-1]} {part}".strip()
                elif part:
                    merged.append(part)
            if merged and len(tokens(merged[-1])) < 3 and len(merged) > 1:
                last = merged.pop()
                merged[-1] = f"{merged[-1]} {last}"
            result.extend(m for m in merged if tokens(m))
        else:
            result.append(sentence)
    return [p.rstrip(",，、:：;； ") for p in result[:12]]
