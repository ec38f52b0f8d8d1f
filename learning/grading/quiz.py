"""Quiz short-text answers that matched no accepted answer: review and rescore.

A short answer is graded at once by exact match (case and spaces ignored). An
answer that missed ("pyhton" for "Python", a correct paraphrase) waits here for
the creator, with a suggestion: the most similar accepted answer or earlier
reviewed answer (character and word n-grams, as for assignments) and what it
was worth. One click marks it correct (optionally accepting that wording from
now on) or confirms it wrong; the attempt's score, pass and the lesson's
completion follow.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Attempt, AttemptAnswer, Question
from . import engine

#: Answers listed for review at once; reviewed answers read per question.
MAX_REVIEW_ROWS = 50
MAX_REVIEWED_PER_QUESTION = 200
#: From this similarity to a correct answer, suggest "correct".
LIKELY_CORRECT = 0.6


@dataclasses.dataclass
class ShortAnswerRow:
    answer: AttemptAnswer
    closest: str
    closest_correct: bool
    similarity: float

    @property
    def suggest_correct(self) -> bool:
        return self.closest_correct and self.similarity >= LIKELY_CORRECT

    @property
    def similarity_percent(self) -> int:
        return round(self.similarity * 100)


def _accepted(question: Question) -> list[str]:
    return [
        line.strip() for line in question.accepted_answers.splitlines() if line.strip()
    ]


def short_answers_to_review(user) -> list[ShortAnswerRow]:
    """Missed short answers of the user's courses (staff: all), newest first."""
    rows = (
        AttemptAnswer.objects.filter(
            question__kind=Question.Kind.TEXT,
            is_correct=False,
            reviewed_at__isnull=True,
        )
        .exclude(text_answer="")
        .select_related(
            "question", "attempt__user", "attempt__quiz__lesson__section__course"
        )
        .order_by("-attempt__created_at", "-pk")
    )
    if not user.is_staff:
        rows = rows.filter(attempt__quiz__lesson__section__course__creator=user)
    rows = list(rows[:MAX_REVIEW_ROWS])
    by_question: dict[int, list[AttemptAnswer]] = defaultdict(list)
    for row in rows:
        by_question[row.question_id].append(row)
    reviewed: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for question_id, text, correct in (
        AttemptAnswer.objects.filter(
            question_id__in=list(by_question), reviewed_at__isnull=False
        )
        .order_by("-reviewed_at")
        .values_list("question_id", "text_answer", "is_correct")[
            : MAX_REVIEWED_PER_QUESTION * max(1, len(by_question))
        ]
    ):
        if len(reviewed[question_id]) < MAX_REVIEWED_PER_QUESTION:
            reviewed[question_id].append((text, correct))
    result = []
    for question_id, answers in by_question.items():
        question = answers[0].question
        known = [(text, True) for text in _accepted(question)] + reviewed[question_id]
        if not known:
            result.extend(ShortAnswerRow(a, "", False, 0.0) for a in answers)
            continue
        model = engine.QuestionModel(
            engine.QuestionData(
                key=str(question_id),
                question=question.prompt,
                reference="\n".join(_accepted(question)) or question.prompt,
                answers=[text for text, _ in known],
                scores=[1.0 if correct else 0.0 for _, correct in known],
            )
        )
        for answer, ranked in zip(
            answers, model.nearest([a.text_answer for a in answers]), strict=True
        ):
            index, similarity = ranked[0]
            text, correct = known[index]
            result.append(ShortAnswerRow(answer, text, correct, similarity))
    result.sort(key=lambda r: (-r.answer.attempt.created_at.timestamp(), -r.answer.pk))
    return result


@transaction.atomic
def short_answer_review(
    *, answer: AttemptAnswer, reviewer, is_correct: bool, accept_wording: bool = False
) -> Attempt:
    """Record the creator's decision and rescore the attempt.

    Passing because of the review completes the lesson (once). Marking an
    answer wrong again lowers the score; a lesson already completed stays so.
    """
    from ..services import lesson_mark_completed, normalise_text_answer

    attempt = (
        Attempt.objects.select_for_update()
        .select_related("quiz__lesson__section", "user")
        .get(pk=answer.attempt_id)
    )
    answer = AttemptAnswer.objects.select_related("question").get(pk=answer.pk)
    if answer.question.kind != Question.Kind.TEXT:
        raise ValidationError(
            _("Only short text answers can be reviewed."), code="not_text"
        )
    AttemptAnswer.objects.filter(pk=answer.pk).update(
        is_correct=is_correct, reviewed_at=timezone.now(), reviewed_by=reviewer
    )
    answers = list(attempt.answers.select_related("question"))
    max_points = sum(a.question.points for a in answers)
    points = sum(a.question.points for a in answers if a.is_correct)
    attempt.points = points
    attempt.max_points = max_points
    attempt.score_percent = round(points * 100 / max_points) if max_points else 0
    attempt.passed = attempt.score_percent >= attempt.quiz.pass_mark_percent
    attempt.save(update_fields=["points", "max_points", "score_percent", "passed"])
    if attempt.passed:
        lesson_mark_completed(user=attempt.user, lesson=attempt.quiz.lesson)
    if is_correct and accept_wording:
        question = Question.objects.select_for_update().get(pk=answer.question_id)
        known = {normalise_text_answer(line) for line in _accepted(question)}
        if normalise_text_answer(answer.text_answer) not in known:
            question.accepted_answers = "\n".join(
                [*_accepted(question), answer.text_answer.strip()]
            )
            question.save(update_fields=["accepted_answers"])
    return attempt
