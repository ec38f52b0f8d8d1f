"""Quiz short answers that matched no accepted answer: suggestion, review, rescore."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import Lesson
from learning import services
from learning.grading import quiz as short_answers
from learning.models import AttemptAnswer, LessonProgress, Question
from tests.factories import CreatorFactory, UserFactory

from .factories import course_with_lessons, quiz_with_questions


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def missed(db):
    """A learner typed "Pariss": wrong by exact match, so the quiz is failed."""
    course, (lesson,) = course_with_lessons(kinds=[Lesson.Kind.QUIZ])
    quiz, answers = quiz_with_questions(lesson, pass_mark=100)
    text_question = quiz.questions.get(kind=Question.Kind.TEXT)
    learner = UserFactory()
    services.enrollment_create(user=learner, course=course, source="free")
    attempt = services.quiz_attempt_submit(
        user=learner, quiz=quiz, answers={**answers, text_question.pk: "Pariss"}
    )
    assert not attempt.passed and attempt.score_percent == 67
    answer = AttemptAnswer.objects.get(attempt=attempt, question=text_question)
    return course, lesson, learner, attempt, answer


def test_the_creator_sees_the_missed_answer_with_a_suggestion(
    missed, django_assert_max_num_queries
):
    course, _lesson, _learner, _attempt, answer = missed
    other = UserFactory()
    services.enrollment_create(user=other, course=course, source="free")
    quiz = answer.attempt.quiz
    services.quiz_attempt_submit(
        user=other, quiz=quiz, answers={answer.question_id: "Berlin"}
    )
    rows = short_answers.short_answers_to_review(course.creator)
    by_text = {row.answer.text_answer: row for row in rows}
    assert by_text["Pariss"].suggest_correct
    assert by_text["Pariss"].closest == "Paris"
    assert not by_text["Berlin"].suggest_correct
    client = logged_in(course.creator)
    # Session, user, answers, reviewed answers of those questions: fixed.
    with django_assert_max_num_queries(6):
        html = client.get(reverse("learning:studio_short_answers")).content.decode()
    assert "Pariss" in html and 'data-testid="suggest-correct"' in html
    assert short_answers.short_answers_to_review(CreatorFactory()) == []


def test_marking_it_correct_rescores_and_completes_the_lesson(missed):
    course, lesson, learner, attempt, answer = missed
    response = logged_in(course.creator).post(
        reverse("learning:studio_short_answer_review", args=[answer.pk]),
        {"decision": "correct"},
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score_percent == 100
    assert (
        LessonProgress.objects.get(user=learner, lesson=lesson).completed_at is not None
    )
    assert short_answers.short_answers_to_review(course.creator) == []


def test_accepting_the_wording_grades_the_next_one_at_once(missed):
    course, _lesson, _learner, attempt, answer = missed
    logged_in(course.creator).post(
        reverse("learning:studio_short_answer_review", args=[answer.pk]),
        {"decision": "correct_always"},
    )
    question = Question.objects.get(pk=answer.question_id)
    assert question.accepted_answers.splitlines()[-1] == "Pariss"
    again = services.quiz_attempt_submit(
        user=UserFactory(), quiz=attempt.quiz, answers={question.pk: " pariss "}
    )
    assert again.answers.get(question=question).is_correct


def test_wrong_stays_wrong_and_strangers_cannot_review(missed):
    course, _lesson, _learner, attempt, answer = missed
    url = reverse("learning:studio_short_answer_review", args=[answer.pk])
    assert (
        logged_in(CreatorFactory()).post(url, {"decision": "correct"}).status_code
        == 403
    )
    assert logged_in(course.creator).get(url).status_code == 405
    nonsense = logged_in(course.creator).post(url, {"decision": "maybe"}, follow=True)
    assert nonsense.status_code == 200
    logged_in(course.creator).post(url, {"decision": "wrong"})
    attempt.refresh_from_db()
    answer.refresh_from_db()
    assert not attempt.passed and answer.reviewed_at is not None
    assert short_answers.short_answers_to_review(course.creator) == []
