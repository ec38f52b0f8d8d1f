"""Submitting a quiz with nothing answered does not use up an attempt.

A click on "Submit" before answering recorded an attempt at 0% ("Score 0%:
70% is needed to pass", one attempt fewer left); now it says to answer at
least one question and records nothing.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from learning import services
from learning.models import Attempt
from tests.factories import UserFactory

from .factories import course_with_lessons, quiz_with_questions, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def taking():
    learner = UserFactory()
    course, (lesson,) = course_with_lessons(kinds=["quiz"])
    services.enrollment_create(user=learner, course=course, source="free")
    quiz, right = quiz_with_questions(lesson, max_attempts=2)
    return learner, lesson, quiz, right


def test_a_blank_submit_is_refused_and_uses_no_attempt(taking):
    learner, _lesson, quiz, right = taking
    blank = {pk: ([] if isinstance(v, list) else "   ") for pk, v in right.items()}
    for answers in ({}, blank):
        with pytest.raises(ValidationError) as error:
            services.quiz_attempt_submit(user=learner, quiz=quiz, answers=answers)
        assert error.value.code == "blank"
    assert not Attempt.objects.exists()
    # one wrong answer is an attempt like any other
    attempt = services.quiz_attempt_submit(
        user=learner, quiz=quiz, answers=wrong_answers(right)
    )
    assert attempt.number == 1 and attempt.score_percent == 0


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "Answer at least one question"), ("zh-hans", "请至少回答一道题再提交")],
)
def test_the_learner_is_told_in_the_page_language(taking, language, said):
    learner, lesson, _quiz, _right = taking
    client = Client()
    client.force_login(learner)
    response = client.post(
        reverse("learning:quiz_submit", args=[lesson.pk]),
        {},
        follow=True,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    assert said in response.content.decode()
    assert not Attempt.objects.exists()
