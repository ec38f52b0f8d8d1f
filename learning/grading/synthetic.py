"""Graded short answers made up from a bank of questions, for tuning and demos.

Each question has a reference answer, key points (each written several ways,
with a partial version that earns half), misconceptions (which often reuse the
reference's words, as real wrong answers do) and vague filler. A learner is an
ability; the answer is the key points they know, in their own wording, with
misconceptions, filler, typos and the question repeated back. Two graders score
it with their own noise and harshness, and `score_avg` is their mean, as in the
public data sets of this shape. The figures on this data are a check of the
machinery, not a promise about real answers: say so wherever they are quoted.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

BANK_FILE = Path(__file__).with_name("question_bank.json")


def load_bank() -> list[dict]:
    import json

    return json.loads(BANK_FILE.read_text(encoding="utf-8"))


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 8 or rng.random() > 0.35:
        return text
    i = rng.randrange(1, len(text) - 2)
    if text[i].isalpha() and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


def _answer(item: dict, ability: float, rng: random.Random) -> tuple[str, float]:
    """One learner's answer and its true score (0..5)."""
    zh = item["lang"] == "zh"
    parts: list[str] = []
    earned = 0.0
    total = sum(p["w"] for p in item["points"])
    for point in item["points"]:
        knows = rng.random() < ability ** (0.7 + 0.3 * point["w"])
        if knows:
            if rng.random() < 0.25 and point.get("partial"):
                parts.append(rng.choice(point["partial"]))
                earned += 0.5 * point["w"]
            else:
                # Learners often echo the course's own wording (the first way).
                say = point["say"]
                parts.append(say[0] if rng.random() < 0.4 else rng.choice(say))
                earned += point["w"]
        elif rng.random() < 0.3 and point.get("partial"):
            parts.append(rng.choice(point["partial"]))
            earned += 0.4 * point["w"]
    penalty = 0.0
    for wrong in item["wrong"]:
        if rng.random() < 0.25 * (1 - ability) + 0.02:
            parts.append(wrong)
            penalty += 1.0
    if rng.random() < 0.35 or not parts:
        parts.append(rng.choice(item["filler"]))
    rng.shuffle(parts)
    if rng.random() < 0.2:
        parts.insert(0, item["question"].rstrip("?？"))
    if zh:
        text = "，".join(p.rstrip("。") for p in parts) + "。"
    else:
        text = " ".join(p if p.endswith(".") else p + "." for p in parts)
        if rng.random() < 0.3:
            text = text.lower()
        text = " ".join(_typo(w, rng) for w in text.split(" "))
    true = 5.0 * earned / total - 1.2 * penalty
    return text, max(0.0, min(5.0, true))


def _grader(true: float, harshness: float, rng: random.Random) -> float:
    score = true - harshness + rng.gauss(0, 0.45)
    return max(0.0, min(5.0, round(score)))


def generate(
    *, seed: int = 0, per_question: int = 28, bank: list[dict] | None = None
) -> list[dict]:
    """Rows with id, question, desired_answer, student_answer, score_avg."""
    rng = random.Random(seed)  # noqa: S311 (reproducible made-up data)
    rows = []
    for number, item in enumerate(bank or load_bank(), start=1):
        harsh_a, harsh_b = rng.uniform(-0.3, 0.4), rng.uniform(-0.3, 0.4)
        for _ in range(per_question):
            ability = rng.betavariate(4.0, 1.3)
            text, true = _answer(item, ability, rng)
            score = (_grader(true, harsh_a, rng) + _grader(true, harsh_b, rng)) / 2
            rows.append(
                {
                    "id": f"{item['lang']}{number}",
                    "question": item["question"],
                    "desired_answer": item["reference"],
                    "student_answer": text,
                    "score_avg": score,
                }
            )
    return rows


def split(rows: list[dict], *, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """Half of each question's answers to train on, half to predict."""
    rng = random.Random(seed)  # noqa: S311 (reproducible made-up data)
    by_question: dict[str, list[dict]] = {}
    for row in rows:
        by_question.setdefault(row["id"], []).append(row)
    train, test = [], []
    for items in by_question.values():
        items = items[:]
        rng.shuffle(items)
        half = len(items) // 2
        train.extend(items[:half])
        test.extend(items[half:])
    return train, test


def write_csv(path: Path, rows: list[dict]) -> None:
    columns = ["id", "question", "desired_answer", "student_answer", "score_avg"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
