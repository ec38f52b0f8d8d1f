"""The course page signed in: the parts every viewer shares come from the cache,
what is one viewer's is theirs alone, and an edit shows at once."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from courses.services import review_create
from learning.services import enrollment_create
from tests.courses.factories import EnrollmentFactory
from tests.factories import CourseFactory, LessonFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = CourseFactory(title="Shared syllabus course", price=0)
    section = SectionFactory(course=course, title="First steps")
    LessonFactory(section=section, title="Installing the tools")
    return course


def _signed_in(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _page(client: Client, course) -> str:
    response = client.get(course.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _lesson_link(course) -> str:
    lesson = course.sections.get().lessons.get()
    return f'href="/learn/lesson/{lesson.pk}/"'


def test_a_second_learner_gets_the_shared_parts_without_reading_them(
    course, django_assert_max_num_queries
):
    _page(_signed_in(UserFactory()), course)
    other = _signed_in(UserFactory())
    _page(other, course)  # their session, profile and own rows, first time
    with CaptureQueriesContext(connection) as queries:
        html = _page(other, course)
    assert "Installing the tools" in html
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "courses_section" not in read, "the syllabus was read again"
    assert '"courses_review"."rating"' not in read, "the reviews were read again"
    # The viewer's own rows, the related courses, paths, rewards and the view
    # record: a constant number whatever the size of the syllabus and reviews.
    with django_assert_max_num_queries(16):
        _page(other, course)


def test_only_the_enrolled_learner_gets_the_lesson_links(course):
    enrolled = UserFactory()
    EnrollmentFactory(user=enrolled, course=course)
    assert _lesson_link(course) in _page(_signed_in(enrolled), course)
    # Same course, same language, same data: another viewer's fragment.
    assert _lesson_link(course) not in _page(_signed_in(UserFactory()), course)
    assert _lesson_link(course) in _page(_signed_in(enrolled), course)


def test_enrolling_shows_the_lesson_links_at_once(course):
    learner = UserFactory()
    client = _signed_in(learner)
    assert _lesson_link(course) not in _page(client, course)
    enrollment_create(user=learner, course=course, source="free")
    assert _lesson_link(course) in _page(client, course)


def test_a_review_shows_at_once_to_its_author_and_to_others(course):
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)
    client, other = _signed_in(learner), _signed_in(UserFactory())
    assert "Clear and practical" not in _page(client, course)
    assert "Clear and practical" not in _page(other, course)
    review_create(course=course, user=learner, rating=4, text="Clear and practical")
    mine = _page(client, course)
    assert "Clear and practical" in mine
    assert 'data-testid="review-form"' not in mine  # reviewed: no second form
    assert "Clear and practical" in _page(other, course)


def test_the_creators_reply_forms_are_never_shown_to_a_learner(course):
    learner = UserFactory()
    EnrollmentFactory(user=learner, course=course)
    review_create(course=course, user=learner, rating=5, text="Loved it")
    creator_page = _page(_signed_in(course.creator), course)
    assert "Reply to this review (once)" in creator_page
    learner_page = _page(_signed_in(learner), course)
    assert "Loved it" in learner_page
    assert "Reply to this review (once)" not in learner_page
    # Each page's CSRF token is its viewer's own: none is served from the cache.
    creator_again = _page(_signed_in(course.creator), course)
    assert "Reply to this review (once)" in creator_again


def test_each_language_gets_its_own_fragments(course):
    user = UserFactory()
    assert "Syllabus" in _page(_signed_in(user, "en"), course)
    chinese = _page(_signed_in(user, "zh-hans"), course)
    assert "Syllabus" not in chinese
    assert "课程大纲" in chinese
