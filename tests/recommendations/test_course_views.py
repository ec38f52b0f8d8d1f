"""Course page views count for the retrain without a write in the request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations import services
from recommendations.models import CourseView
from recommendations.services import course_views
from tests.factories import CourseFactory, UserFactory

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def redis_buffer(settings, monkeypatch):
    # As in production: analytics events go through their Redis buffer too.
    settings.ANALYTICS_EVENT_BUFFER = "redis"
    settings.RECOMMENDATIONS_VIEW_BUFFER = "redis"
    monkeypatch.setattr(course_views, "_redis_client", None)
    client = course_views._redis()
    client.delete(course_views.BUFFER_KEY, course_views.TAKEN_KEY)
    yield client
    client.delete(
        course_views.BUFFER_KEY, course_views.TAKEN_KEY, course_views.LOCK_KEY
    )


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_signed_in_course_page_view_writes_no_row_and_counts_after_the_flush(
    client, redis_buffer
):
    learner, course = UserFactory(), CourseFactory()
    client.force_login(learner)
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(course.get_absolute_url()).status_code == 200
        writes = [
            q["sql"] for q in captured.captured_queries if q["sql"].startswith(WRITES)
        ]
        assert not writes, writes
    assert not CourseView.objects.exists()
    assert services.course_views_buffered() == 1  # one learner, one course

    assert services.course_views_flush() == 1
    assert CourseView.objects.get(user=learner, course=course).count == 2
    assert services.course_views_buffered() == 0

    # A later flush adds to the row, it does not replace it.
    client.get(course.get_absolute_url())
    assert services.course_views_flush() == 1
    assert CourseView.objects.get(user=learner, course=course).count == 3
    assert services.course_views_flush() == 0  # nothing waiting


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_flush_writes_a_batch_taken_by_a_flusher_that_died_and_drops_strangers(
    redis_buffer,
):
    learner, course = UserFactory(), CourseFactory()
    redis_buffer.hset(
        course_views.TAKEN_KEY,
        mapping={
            f"{learner.pk}:{course.pk}": 4,  # taken, never written
            f"{learner.pk}:{course.pk + 1000}": 1,  # course deleted since
            "garbage": 3,
        },
    )
    services.course_view_record(user_id=learner.pk, course_id=course.pk)
    assert services.course_views_flush() == 1  # the taken batch first
    assert CourseView.objects.get(user=learner, course=course).count == 4
    assert services.course_views_flush() == 1  # then what came in meanwhile
    assert CourseView.objects.get(user=learner, course=course).count == 5


@pytest.mark.django_db(transaction=True)
def test_when_redis_does_not_answer_the_view_is_written_at_once(settings, monkeypatch):
    settings.RECOMMENDATIONS_VIEW_BUFFER = "redis"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    monkeypatch.setattr(course_views, "_redis_client", None)
    learner, course = UserFactory(), CourseFactory()
    services.course_view_record(user_id=learner.pk, course_id=course.pk)
    services.course_view_record(user_id=learner.pk, course_id=course.pk)
    assert CourseView.objects.get(user=learner, course=course).count == 2


@pytest.mark.django_db
def test_upserted_views_add_to_what_is_there():
    learner, other, course = UserFactory(), UserFactory(), CourseFactory()
    CourseView.objects.create(user=learner, course=course, count=3)
    written = services.course_views_add(
        {(learner.pk, course.pk): 2, (other.pk, course.pk): 1}
    )
    assert written == 2
    assert CourseView.objects.get(user=learner, course=course).count == 5
    assert CourseView.objects.get(user=other, course=course).count == 1
