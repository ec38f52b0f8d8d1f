"""Two submits at once must not exceed a quiz's attempt limit (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from courses.models import Lesson
from learning import services
from learning.models import Attempt

from .factories import course_with_lessons, quiz_with_questions


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_respect_the_limit(user):
    course, (lesson,) = course_with_lessons(kinds=[Lesson.Kind.QUIZ])
    services.enrollment_create(user=user, course=course, source="free")
    quiz, right = quiz_with_questions(lesson, max_attempts=1)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def submit():
        try:
            barrier.wait()
            services.quiz_attempt_submit(user=user, quiz=quiz, answers=right)
            outcomes.append("saved")
        except services.AttemptLimitReached:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "refused", "refused", "saved"]
    assert Attempt.objects.filter(quiz=quiz, user=user).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_completion_issues_one_certificate(user):
    course, lessons = course_with_lessons(n=2)
    services.enrollment_create(user=user, course=course, source="free")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def complete(lesson):
        try:
            barrier.wait()
            services.progress_record(user=user, lesson=lesson, completed=True)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete, args=(lesson,)) for lesson in lessons]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    from learning.models import Certificate, Enrollment

    assert Enrollment.objects.get().progress_percent == 100
    assert Certificate.objects.count() == 1
