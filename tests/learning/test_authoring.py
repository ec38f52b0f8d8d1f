"""Creators write their quizzes and assignments; nobody else can."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Lesson
from learning.models import Assignment, Choice, Question, Quiz
from tests.factories import CreatorFactory

from .factories import course_with_lessons

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _formset(rows, prefix="choices"):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, (text, correct) in enumerate(rows):
        data[f"{prefix}-{i}-text"] = text
        data[f"{prefix}-{i}-position"] = str(i) if text else "0"
        if correct:
            data[f"{prefix}-{i}-is_correct"] = "on"
    return data


@pytest.fixture
def quiz_course():
    course, (quiz_lesson, assignment_lesson) = course_with_lessons(
        kinds=[Lesson.Kind.QUIZ, Lesson.Kind.ASSIGNMENT]
    )
    return course, quiz_lesson, assignment_lesson


def test_creator_builds_a_quiz(quiz_course):
    course, lesson, _ = quiz_course
    client = logged_in(course.creator)
    assert (
        client.get(reverse("learning:studio_quiz", args=[lesson.pk])).status_code == 200
    )
    settings = client.post(
        reverse("learning:studio_quiz", args=[lesson.pk]),
        {"intro": "Go", "pass_mark_percent": 80, "max_attempts": 2},
    )
    assert settings.status_code == 302
    assert Quiz.objects.get().pass_mark_percent == 80
    add = reverse("learning:studio_question_add", args=[lesson.pk])
    response = client.post(
        add,
        {
            "kind": "single",
            "prompt": "Pick 2",
            "points": 1,
            **_formset([("1", False), ("2", True), ("", False)]),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get()
    assert [c.text for c in question.choices.all()] == ["1", "2"]
    text = client.post(
        add,
        {
            "kind": "text",
            "prompt": "Say hi",
            "points": 2,
            "accepted_answers": "hi\nhello",
            **_formset([]),
        },
    )
    assert text.status_code == 302
    assert Question.objects.get(kind="text").position == 2


@pytest.mark.parametrize(
    ("kind", "rows", "extra"),
    [
        ("single", [("a", True), ("b", True)], {}),
        ("single", [("a", True)], {}),
        ("multiple", [("a", False), ("b", False)], {}),
        ("text", [], {"accepted_answers": "  "}),
        ("single", [("a", True), ("b", False)], {"points": 0}),
    ],
)
def test_bad_questions_are_refused_with_nothing_saved(quiz_course, kind, rows, extra):
    course, lesson, _ = quiz_course
    data = {"kind": kind, "prompt": "Q?", "points": 1, **_formset(rows), **extra}
    response = logged_in(course.creator).post(
        reverse("learning:studio_question_add", args=[lesson.pk]), data
    )
    assert response.status_code == 400
    assert not Question.objects.exists() and not Choice.objects.exists()


def test_creator_writes_an_assignment(quiz_course):
    course, _, lesson = quiz_course
    client = logged_in(course.creator)
    url = reverse("learning:studio_assignment", args=[lesson.pk])
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "instructions": "x",
            "max_score": 10,
            "allowed_extensions": "pdf, html",
            "max_file_mb": 5,
            "resubmission": "none",
            "counts_when": "graded",
        },
    )
    assert bad.status_code == 400 and not Assignment.objects.exists()
    ok = client.post(
        url,
        {
            "instructions": "Write **bold** <script>alert(1)</script>",
            "max_score": 10,
            "allowed_extensions": ".PDF, txt",
            "max_file_mb": 5,
            "resubmission": "none",
            "counts_when": "graded",
        },
    )
    assert ok.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.allowed_extensions == "pdf,txt"
    assert "<strong>bold</strong>" in assignment.instructions_html
    assert "<script" not in assignment.instructions_html


def test_other_creators_and_learners_cannot_author(quiz_course, user):
    course, quiz_lesson, assignment_lesson = quiz_course
    for who in (CreatorFactory(), user):
        client = logged_in(who)
        for url in (
            reverse("learning:studio_quiz", args=[quiz_lesson.pk]),
            reverse("learning:studio_question_add", args=[quiz_lesson.pk]),
            reverse("learning:studio_assignment", args=[assignment_lesson.pk]),
        ):
            assert client.get(url).status_code == 403
            assert client.post(url, {"kind": "text"}).status_code == 403
    assert not Quiz.objects.exists() and not Assignment.objects.exists()


def test_wrong_kind_of_lesson_is_404(quiz_course):
    course, quiz_lesson, assignment_lesson = quiz_course
    client = logged_in(course.creator)
    assert (
        client.get(
            reverse("learning:studio_quiz", args=[assignment_lesson.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("learning:studio_assignment", args=[quiz_lesson.pk])
        ).status_code
        == 404
    )
