"""Opening a page writes no row: lessons, the quiz and assignment editors.

What a GET used to write now travels in a POST: the player posts that a lesson
was opened (the "Continue learning" point), and the editors create a quiz or an
assignment on their first save. Page views are still announced to analytics,
whose event log is the one table a page view adds to.
"""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Lesson
from learning import services
from learning.models import Assignment, Enrollment, Question, Quiz
from tests.factories import UserFactory

from .factories import (
    AssignmentFactory,
    ChoiceFactory,
    QuestionFactory,
    course_with_lessons,
    quiz_with_questions,
)

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def domain_writes(client: Client, url: str) -> list[str]:
    """The statements a GET of `url` ran that change a row outside analytics."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [
        query["sql"]
        for query in captured.captured_queries
        if WRITE.match(query["sql"]) and "analytics_" not in query["sql"]
    ]


def test_opening_any_kind_of_lesson_writes_no_row(user):
    course, lessons = course_with_lessons(
        kinds=[
            Lesson.Kind.ARTICLE,
            Lesson.Kind.VIDEO,
            Lesson.Kind.QUIZ,
            Lesson.Kind.ASSIGNMENT,
        ]
    )
    quiz_with_questions(lesson=lessons[2])
    AssignmentFactory(lesson=lessons[3])
    services.enrollment_create(user=user, course=course, source="free")
    client = logged_in(user)
    for lesson in lessons:
        url = reverse("learning:lesson", args=[lesson.pk])
        assert domain_writes(client, url) == [], lesson.kind
    assert Enrollment.objects.get().last_lesson_id is None


def test_the_player_posts_the_opened_lesson(user):
    course, lessons = course_with_lessons(n=2)
    services.enrollment_create(user=user, course=course, source="free")
    client = logged_in(user)
    opened = reverse("learning:lesson_opened", args=[lessons[1].pk])
    assert client.get(opened).status_code == 405
    assert client.post(opened).status_code == 204
    enrollment = Enrollment.objects.get()
    assert enrollment.last_lesson_id == lessons[1].pk
    assert enrollment.last_activity_at is not None
    home = client.get(reverse("learning:course_home", args=[course.slug]))
    assert home["Location"] == reverse("learning:lesson", args=[lessons[1].pk])
    # Already the resume point: the page does not ask again.
    page = client.get(reverse("learning:lesson", args=[lessons[1].pk]))
    assert "data-opened-url" not in page.content.decode()


def test_only_people_who_may_open_the_lesson_can_post_it(user):
    course, (lesson,) = course_with_lessons(n=1, price=Decimal("49.00"))
    opened = reverse("learning:lesson_opened", args=[lesson.pk])
    assert Client().post(opened).status_code == 403
    assert logged_in(user).post(opened).status_code == 403
    services.enrollment_create(user=user, course=course, source="purchase")
    services.enrollment_revoke(user=user, course=course, reason="refund")
    assert logged_in(user).post(opened).status_code == 403
    assert Enrollment.objects.get().last_lesson_id is None


def test_opening_the_quiz_editor_creates_no_quiz():
    course, (lesson,) = course_with_lessons(kinds=[Lesson.Kind.QUIZ])
    client = logged_in(course.creator)
    for name in ("learning:studio_quiz", "learning:studio_question_add"):
        url = reverse(name, args=[lesson.pk])
        assert domain_writes(client, url) == [], name
    assert not Quiz.objects.exists()
    # The first save creates it.
    response = client.post(
        reverse("learning:studio_quiz", args=[lesson.pk]),
        {"intro": "", "pass_mark_percent": 70, "max_attempts": 0},
    )
    assert response.status_code == 302
    assert Quiz.objects.get(lesson=lesson).pass_mark_percent == 70


def test_opening_the_assignment_editor_creates_nothing():
    course, (lesson,) = course_with_lessons(kinds=[Lesson.Kind.ASSIGNMENT])
    client = logged_in(course.creator)
    url = reverse("learning:studio_assignment", args=[lesson.pk])
    assert domain_writes(client, url) == []
    assert not Assignment.objects.exists()


def test_deleting_a_question_of_another_lesson_deletes_nothing():
    course, (lesson, other) = course_with_lessons(
        kinds=[Lesson.Kind.QUIZ, Lesson.Kind.QUIZ]
    )
    mine = QuestionFactory(quiz__lesson=lesson)
    theirs = QuestionFactory(quiz__lesson=other)
    client = logged_in(course.creator)
    response = client.post(
        reverse("learning:studio_question_delete", args=[lesson.pk, theirs.pk]),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "This question no longer exists." in response.content.decode()
    assert Question.objects.filter(pk=theirs.pk).exists()
    client.post(reverse("learning:studio_question_delete", args=[lesson.pk, mine.pk]))
    assert not Question.objects.filter(pk=mine.pk).exists()


def test_editing_a_question_keeps_unchanged_choices_and_applies_deletions():
    course, (lesson,) = course_with_lessons(kinds=[Lesson.Kind.QUIZ])
    question = QuestionFactory(quiz__lesson=lesson, kind="single", prompt="Pick")
    keep = ChoiceFactory(question=question, text="keep", is_correct=True, position=0)
    drop = ChoiceFactory(question=question, text="drop", position=1)
    data = {
        "kind": "single",
        "prompt": "Pick one",
        "points": 1,
        "choices-TOTAL_FORMS": "3",
        "choices-INITIAL_FORMS": "2",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        "choices-0-id": str(keep.pk),
        "choices-0-text": "keep",
        "choices-0-is_correct": "on",
        "choices-0-position": "0",
        "choices-1-id": str(drop.pk),
        "choices-1-text": "drop",
        "choices-1-position": "1",
        "choices-1-DELETE": "on",
        "choices-2-text": "new",
        "choices-2-position": "2",
    }
    response = logged_in(course.creator).post(
        reverse("learning:studio_question", args=[lesson.pk, question.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.prompt == "Pick one"
    assert [(c.text, c.is_correct) for c in question.choices.order_by("position")] == [
        ("keep", True),
        ("new", False),
    ]
    assert question.choices.get(text="keep").pk == keep.pk


def test_a_learner_cannot_see_the_editor_of_another_course():
    course, (lesson,) = course_with_lessons(kinds=[Lesson.Kind.QUIZ])
    stranger = UserFactory()
    response = logged_in(stranger).get(
        reverse("learning:studio_quiz", args=[lesson.pk])
    )
    assert response.status_code == 403
    assert not Quiz.objects.exists()
