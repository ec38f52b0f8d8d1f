"""Quizzes: attempts graded at once, and their authoring by the course's creator."""

import dataclasses
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import events
from courses.models import Lesson

from ..models import (
    Attempt,
    AttemptAnswer,
    Choice,
    Enrollment,
    Question,
    Quiz,
)
from .progress import active_enrollment, lesson_mark_completed

# --- Quizzes ------------------------------------------------------------------


class AttemptLimitReached(ValidationError):
    """The learner has used every attempt the quiz allows."""


def normalise_text_answer(text: str) -> str:
    """Case and spaces do not matter: "  Hello World " equals "helloworld"."""
    return "".join((text or "").split()).casefold()


@dataclasses.dataclass
class QuestionResult:
    question: Question
    is_correct: bool
    selected_ids: set[int]
    text_answer: str
    correct_ids: set[int]


def _grade_question(question: Question, given) -> QuestionResult:
    choices = list(question.choices.all())
    correct_ids = {c.pk for c in choices if c.is_correct}
    if question.kind == Question.Kind.TEXT:
        text = str(given or "")[:500]
        accepted = {
            normalise_text_answer(line)
            for line in question.accepted_answers.splitlines()
            if line.strip()
        }
        is_correct = bool(text.strip()) and normalise_text_answer(text) in accepted
        return QuestionResult(question, is_correct, set(), text, correct_ids)
    valid_ids = {c.pk for c in choices}
    if given is None:
        given = []
    elif isinstance(given, int | str):
        given = [given]
    selected = set()
    for value in given:
        try:
            choice_id = int(value)
        except (TypeError, ValueError):
            continue
        if choice_id in valid_ids:
            selected.add(choice_id)
    if question.kind == Question.Kind.SINGLE and len(selected) > 1:
        selected = set()
    is_correct = bool(correct_ids) and selected == correct_ids
    return QuestionResult(question, is_correct, selected, "", correct_ids)


def _given(answer) -> bool:
    """Whether the learner answered: a choice ticked or some text written."""
    if isinstance(answer, list | tuple):
        return any(str(value).strip() for value in answer)
    return bool(str(answer or "").strip())


@transaction.atomic
def quiz_attempt_submit(*, user, quiz: Quiz, answers: Mapping[int, object]) -> Attempt:
    """Grade the answers at once and record the attempt.

    `answers` maps a question id to a list of choice ids (choice questions) or
    a string (short text). The learner's enrolment row is locked while the
    attempts are counted, so that two simultaneous submits cannot exceed the
    limit; beyond it, `AttemptLimitReached` is raised and nothing is saved.
    """
    lesson = quiz.lesson
    course_id = lesson.section.course_id
    if active_enrollment(user, course_id, lock=True) is None:
        # Creators, staff and free-preview takers have no enrolment to lock.
        User.objects.select_for_update().filter(pk=user.pk).first()
    used = Attempt.objects.filter(quiz=quiz, user=user).count()
    if quiz.max_attempts and used >= quiz.max_attempts:
        raise AttemptLimitReached(
            _("You have used all %(count)d attempts of this quiz.")
            % {"count": quiz.max_attempts},
            code="attempt_limit",
        )
    questions = list(quiz.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("This quiz has no questions yet."), code="empty")
    for given in answers.values():
        # NUL cannot be stored (PostgreSQL refuses it): say so, save nothing.
        for value in given if isinstance(given, list | tuple) else [given]:
            ProhibitNullCharactersValidator()(str(value or ""))
    if not any(_given(answers.get(q.pk)) for q in questions):
        # A click on "Submit" before answering would use up an attempt for 0%.
        raise ValidationError(
            _(
                "Answer at least one question: an empty attempt would use one of "
                "your attempts."
            ),
            code="blank",
        )
    results = [_grade_question(q, answers.get(q.pk)) for q in questions]
    max_points = sum(r.question.points for r in results)
    points = sum(r.question.points for r in results if r.is_correct)
    score = round(points * 100 / max_points) if max_points else 0
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=used + 1,
        points=points,
        max_points=max_points,
        score_percent=score,
        passed=score >= quiz.pass_mark_percent,
    )
    answer_rows = AttemptAnswer.objects.bulk_create(
        [
            AttemptAnswer(
                attempt=attempt,
                question=r.question,
                text_answer=r.text_answer,
                is_correct=r.is_correct,
            )
            for r in results
        ]
    )
    through = AttemptAnswer.selected_choices.through
    through.objects.bulk_create(
        [
            through(attemptanswer_id=row.pk, choice_id=choice_id)
            for row, r in zip(answer_rows, results, strict=True)
            for choice_id in sorted(r.selected_ids)
        ]
    )
    Enrollment.objects.filter(user=user, course_id=course_id, is_active=True).update(
        last_lesson=lesson, last_activity_at=timezone.now()
    )
    if attempt.passed:
        lesson_mark_completed(user=user, lesson=lesson)
    events.send_on_commit(
        events.quiz_attempted,
        sender=Attempt,
        attempt_id=attempt.pk,
        quiz_id=quiz.pk,
        lesson_id=lesson.pk,
        course_id=course_id,
        user_id=user.pk,
        score=score,
        passed=attempt.passed,
    )
    return attempt


# --- Authoring (the course's creator, staff) -----------------------------------


@dataclasses.dataclass(frozen=True)
class ChoiceRow:
    """One choice of a question as the editor sent it (`id` None for a new one)."""

    id: int | None
    text: str
    is_correct: bool
    position: int
    delete: bool = False


def _quiz_lesson_check(lesson: Lesson) -> None:
    if lesson.kind != Lesson.Kind.QUIZ:
        raise ValidationError(_("This lesson is not a quiz."), code="not_quiz")


def _quiz_get_or_create(*, lesson: Lesson) -> Quiz:
    """The quiz of a quiz lesson, created by the first save (never by a page view)."""
    _quiz_lesson_check(lesson)
    try:
        with transaction.atomic():
            quiz, _created = Quiz.objects.get_or_create(lesson=lesson)
    except IntegrityError:  # a concurrent first save won
        quiz = Quiz.objects.get(lesson=lesson)
    return quiz


@transaction.atomic
def quiz_settings_update(
    *, lesson: Lesson, intro: str, pass_mark_percent: int, max_attempts: int
) -> Quiz:
    """Save a quiz's settings (creating the quiz on its first save)."""
    quiz = _quiz_get_or_create(lesson=lesson)
    quiz.intro = intro
    quiz.pass_mark_percent = pass_mark_percent
    quiz.max_attempts = max_attempts
    quiz.full_clean()
    quiz.save(update_fields=["intro", "pass_mark_percent", "max_attempts"])
    return quiz


def question_choices_check(*, kind: str, choices: list[ChoiceRow]) -> None:
    """The choices must make sense for the question's kind (text needs none)."""
    if kind == Question.Kind.TEXT:
        return
    kept = [row for row in choices if not row.delete and row.text.strip()]
    correct = sum(1 for row in kept if row.is_correct)
    if len(kept) < 2:
        raise ValidationError(_("Give at least two choices."), code="choices")
    if kind == Question.Kind.SINGLE and correct != 1:
        raise ValidationError(
            _("A single-choice question needs exactly one correct choice."),
            code="choices",
        )
    if kind == Question.Kind.MULTIPLE and correct < 1:
        raise ValidationError(
            _("Mark at least one choice as correct."),
            code="choices",
        )


@transaction.atomic
def question_save(
    *,
    lesson: Lesson,
    question: Question | None,
    kind: str,
    prompt: str,
    accepted_answers: str,
    explanation: str,
    points: int,
    choices: list[ChoiceRow],
) -> Question:
    """Create or edit a question with its choices, all or nothing."""
    question_choices_check(kind=kind, choices=choices)
    quiz = _quiz_get_or_create(lesson=lesson)
    if question is None:
        last = quiz.questions.order_by("-position").values_list("position", flat=True)
        question = Question(quiz=quiz, position=(last.first() or 0) + 1)
    elif question.quiz_id != quiz.pk:
        raise ValidationError(_("This question belongs to another quiz."))
    question.kind = kind
    question.prompt = prompt
    question.accepted_answers = accepted_answers
    question.explanation = explanation
    question.points = points
    question.save()
    if kind == Question.Kind.TEXT:
        question.choices.all().delete()
        return question
    existing = {choice.pk: choice for choice in question.choices.all()}
    for row in choices:
        if row.id is not None and row.id not in existing:
            raise ValidationError(_("This choice belongs to another question."))
        if row.delete or not row.text.strip():
            if row.id is not None:
                existing[row.id].delete()
            continue
        choice = existing.get(row.id) or Choice(question=question)
        choice.text = row.text.strip()
        choice.is_correct = row.is_correct
        choice.position = row.position
        choice.save()
    return question


@transaction.atomic
def question_delete(*, lesson: Lesson, question_id: int) -> None:
    """Remove a question (and its choices) from a lesson's quiz."""
    deleted, _rows = Question.objects.filter(
        pk=question_id, quiz__lesson=lesson
    ).delete()
    if not deleted:
        raise ValidationError(_("This question no longer exists."), code="gone")
