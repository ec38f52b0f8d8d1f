"""Factories for learning tests (the shared ones are in tests/factories.py)."""

import factory

from courses.models import Lesson
from learning.models import Assignment, Choice, Enrollment, Question, Quiz
from tests.factories import CourseFactory, LessonFactory, SectionFactory, UserFactory


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    source = Enrollment.Source.FREE


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    lesson = factory.SubFactory(LessonFactory, kind=Lesson.Kind.QUIZ, body="")
    pass_mark_percent = 60
    max_attempts = 3


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    quiz = factory.SubFactory(QuizFactory)
    kind = Question.Kind.SINGLE
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    position = factory.Sequence(lambda n: n)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"Choice {n}")
    is_correct = False


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    lesson = factory.SubFactory(LessonFactory, kind=Lesson.Kind.ASSIGNMENT, body="")
    instructions = "Write a short essay."
    instructions_html = "<p>Write a short essay.</p>"
    max_score = 100


def course_with_lessons(*, n: int = 3, kinds=None, **course_kwargs):
    """A published course with one section and `n` lessons (articles by default)."""
    course = CourseFactory(**course_kwargs)
    section = SectionFactory(course=course)
    kinds = kinds or [Lesson.Kind.ARTICLE] * n
    lessons = [
        LessonFactory(section=section, kind=kind, position=i, body_html="<p>x</p>")
        for i, kind in enumerate(kinds)
    ]
    return course, lessons


def quiz_with_questions(lesson, *, max_attempts: int = 3, pass_mark: int = 60):
    """A quiz with one question of each kind; returns (quiz, right_answers)."""
    quiz = Quiz.objects.create(
        lesson=lesson, max_attempts=max_attempts, pass_mark_percent=pass_mark
    )
    single = Question.objects.create(
        quiz=quiz, kind=Question.Kind.SINGLE, prompt="2 + 2 = ?", position=1
    )
    right = Choice.objects.create(question=single, text="4", is_correct=True)
    Choice.objects.create(question=single, text="5")
    multiple = Question.objects.create(
        quiz=quiz, kind=Question.Kind.MULTIPLE, prompt="Primes?", position=2
    )
    p2 = Choice.objects.create(question=multiple, text="2", is_correct=True)
    p3 = Choice.objects.create(question=multiple, text="3", is_correct=True)
    Choice.objects.create(question=multiple, text="4")
    text = Question.objects.create(
        quiz=quiz,
        kind=Question.Kind.TEXT,
        prompt="Capital of France?",
        accepted_answers="Paris\nParis, France",
        position=3,
    )
    answers = {single.pk: [right.pk], multiple.pk: [p2.pk, p3.pk], text.pk: " paris "}
    return quiz, answers


def wrong_answers(right: dict) -> dict:
    """Answers to every question of `quiz_with_questions`, all of them wrong."""
    return {
        pk: ([] if isinstance(value, list) else "London") for pk, value in right.items()
    }
