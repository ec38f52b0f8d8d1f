"""Pinned query counts: pages cost the same with 10 or 100 lessons/enrolments."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Lesson
from learning import services
from tests.factories import LessonFactory, SectionFactory, UserFactory

from .factories import AssignmentFactory, course_with_lessons, quiz_with_questions

pytestmark = pytest.mark.django_db

# Measured: session, user, lesson+course, access (enrolment), sections, lessons,
# progress, enrolment (+certificate), attachments = 9; +1 for the last-lesson
# update when the learner moves to another lesson.
LESSON_PAGE_MAX = 10
# Session, user, count, enrolments (+course, creator, certificate), first
# lessons = 5, plus the "my_learning" slot that other apps fill (recommendations:
# profile, experiment, active run, courses = 4-5; predicted stars on the
# cards: the serving SVD run = 1 (+ the profile again for a learner without
# one); "what to take next": the latest completed course = 1), and analytics'
# "my_learning_summary" slot: the learner's study days and weekly goal = 2;
# the course-quality weight of the admin's feed mix = 1 and the serving run of
# the default's predecessor while the new default has not run yet = 1.
MY_LEARNING_MAX = 17
# Session, user, count, page of enrolments.
API_ENROLLMENTS_MAX = 4
# Session, user, course, count, page of enrolments, quizzes, assignments,
# best scores, latest submissions with grades.
LEARNERS_PAGE_MAX = 9
# Session, user, count, page of submissions, course stats.
GRADING_PAGE_MAX = 6


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _course(n_lessons: int, user):
    course, lessons = course_with_lessons(n=n_lessons)
    section = SectionFactory(course=course)
    for i in range(3):
        LessonFactory(section=section, kind=Lesson.Kind.VIDEO, position=i)
    services.enrollment_create(user=user, course=course, source="free")
    for lesson in lessons[: n_lessons // 2]:
        services.progress_record(user=user, lesson=lesson, completed=True)
    return lessons


def test_lesson_page_query_count_is_constant(django_assert_max_num_queries):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    small = _course(10, user)
    big = _course(100, user)
    url_small = reverse("learning:lesson", args=[small[3].pk])
    url_big = reverse("learning:lesson", args=[big[3].pk])
    client.get(url_small)  # warm the session, set the last lesson of both
    client.get(url_big)
    n_small = count_queries(client, url_small)
    n_big = count_queries(client, url_big)
    assert n_small == n_big, "the lesson page must not query per lesson"
    with django_assert_max_num_queries(LESSON_PAGE_MAX):
        client.get(url_big)


def test_a_kept_lesson_page_asks_the_database_nothing():
    """A learner back on a lesson whose page is kept (core.pagecache): the
    page was kept only because access was granted, under generations that
    whatever takes access back bumps (tests/learning/test_lesson_page_cache.py),
    so neither the lesson, the course nor the enrolment is read again, and the
    user is kept too (accounts.authcache)."""
    user = UserFactory()
    lessons = _course(10, user)
    client = Client()
    client.force_login(user)
    url = reverse("learning:lesson", args=[lessons[3].pk])
    client.get(url)  # the page is kept, the last lesson set
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    queries = [q["sql"] for q in ctx.captured_queries]
    assert queries == []


def test_quiz_and_assignment_pages_are_constant(django_assert_max_num_queries):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    course, (quiz_lesson, assignment_lesson) = course_with_lessons(
        kinds=[Lesson.Kind.QUIZ, Lesson.Kind.ASSIGNMENT]
    )
    services.enrollment_create(user=user, course=course, source="free")
    quiz, right = quiz_with_questions(quiz_lesson, max_attempts=0)
    attempt = None
    for _ in range(5):
        attempt = services.quiz_attempt_submit(user=user, quiz=quiz, answers=right)
    assignment = AssignmentFactory(lesson=assignment_lesson, resubmission="unlimited")
    for i in range(5):
        services.submission_create(user=user, assignment=assignment, text=f"v{i}")
    quiz_url = reverse("learning:lesson", args=[quiz_lesson.pk])
    client.get(quiz_url)
    with django_assert_max_num_queries(LESSON_PAGE_MAX + 6):
        client.get(f"{quiz_url}?attempt={attempt.pk}")
    with django_assert_max_num_queries(LESSON_PAGE_MAX + 2):
        client.get(reverse("learning:lesson", args=[assignment_lesson.pk]))


def _enrol_in(user, n: int):
    for _ in range(n):
        course, lessons = course_with_lessons(n=2)
        services.enrollment_create(user=user, course=course, source="free")
        if _ % 2:
            services.progress_record(user=user, lesson=lessons[0], completed=True)
        if _ % 3 == 0:
            services.progress_record(user=user, lesson=lessons[0], completed=True)
            services.progress_record(user=user, lesson=lessons[1], completed=True)


def test_my_learning_query_count_is_constant(django_assert_max_num_queries):
    few, many = UserFactory(), UserFactory()
    _enrol_in(few, 3)
    _enrol_in(many, 30)
    counts = []
    for user in (few, many):
        client = Client()
        client.force_login(user)
        client.get(reverse("learning:my_learning"))
        counts.append(count_queries(client, reverse("learning:my_learning")))
    assert counts[0] == counts[1], "My learning must not query per enrolment"
    client = Client()
    client.force_login(many)
    with django_assert_max_num_queries(MY_LEARNING_MAX):
        client.get(reverse("learning:my_learning"))


def test_api_enrollments_query_count_is_constant(django_assert_max_num_queries):
    few, many = UserFactory(), UserFactory()
    _enrol_in(few, 2)
    _enrol_in(many, 20)
    url = reverse("api:learning-enrollment-list")
    counts = []
    for user in (few, many):
        client = Client()
        client.force_login(user)
        client.get(url)
        counts.append(count_queries(client, url))
    assert counts[0] == counts[1]
    client = Client()
    client.force_login(many)
    with django_assert_max_num_queries(API_ENROLLMENTS_MAX):
        response = client.get(url)
    assert response.json()["count"] == 20


def _learners(course, quiz, right, assignment, n: int):
    for _ in range(n):
        learner = UserFactory()
        services.enrollment_create(user=learner, course=course, source="free")
        services.quiz_attempt_submit(user=learner, quiz=quiz, answers=right)
        submission = services.submission_create(
            user=learner, assignment=assignment, text="x"
        )
        services.submission_grade(submission=submission, grader=course.creator, score=5)


def test_learners_and_grading_pages_are_constant(django_assert_max_num_queries):
    counts = {"learners": [], "grading": []}
    for n in (2, 12):
        course, (quiz_lesson, assignment_lesson) = course_with_lessons(
            kinds=[Lesson.Kind.QUIZ, Lesson.Kind.ASSIGNMENT]
        )
        quiz, right = quiz_with_questions(quiz_lesson)
        assignment = AssignmentFactory(lesson=assignment_lesson)
        _learners(course, quiz, right, assignment, n)
        client = Client()
        client.force_login(course.creator)
        learners_url = reverse("learning:studio_learners", args=[course.slug])
        grading_url = reverse("learning:studio_grading") + "?show=all"
        client.get(learners_url)
        counts["learners"].append(count_queries(client, learners_url))
        counts["grading"].append(count_queries(client, grading_url))
    assert counts["learners"][0] == counts["learners"][1]
    assert counts["grading"][0] == counts["grading"][1]
    with django_assert_max_num_queries(LEARNERS_PAGE_MAX):
        client.get(learners_url)
    with django_assert_max_num_queries(GRADING_PAGE_MAX):
        client.get(grading_url)
