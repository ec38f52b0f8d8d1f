"""Recording events: what pages record, and that recording never breaks them."""

import time

import pytest
from django.db import DatabaseError
from django.urls import reverse

from analytics import recording, study
from analytics.models import Event
from courses.models import Lesson
from tests.factories import CourseFactory, LessonFactory, UserFactory
from tests.learning.factories import EnrollmentFactory


@pytest.fixture(autouse=True)
def _fresh_redis_client():
    recording._redis_client = None
    yield
    recording._redis_client = None


@pytest.fixture
def lesson(db):
    return LessonFactory(
        section__course=CourseFactory(), kind=Lesson.Kind.VIDEO, duration_seconds=600
    )


@pytest.mark.django_db(transaction=True)
def test_course_page_view_is_one_event(client):
    course = CourseFactory()
    response = client.get(course.get_absolute_url())
    assert response.status_code == 200
    event = Event.objects.get(kind=Event.Kind.COURSE_VIEW)
    assert (event.course_id, event.user_id) == (course.pk, None)


@pytest.mark.django_db(transaction=True)
def test_a_failing_event_write_does_not_fail_the_request(client, monkeypatch):
    def broken(event):
        raise DatabaseError("disk full")

    monkeypatch.setattr(recording, "_insert", broken)
    course = CourseFactory()
    user = UserFactory()
    client.force_login(user)
    assert client.get(course.get_absolute_url()).status_code == 200
    assert client.get(reverse("courses:catalogue"), {"q": "python"}).status_code == 200
    assert Event.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_failing_write_inside_a_transaction_leaves_it_intact(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(
        recording, "_insert", lambda e: (_ for _ in ()).throw(DatabaseError("x"))
    )
    user = UserFactory()
    with transaction.atomic():
        assert recording.event_record(kind=Event.Kind.VISIT, user_id=user.pk)
        user.first_name = "Kept"
        user.save()
    user.refresh_from_db()
    assert user.first_name == "Kept"
    assert Event.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_searches_record_the_query_and_the_result_count(client):
    CourseFactory(title="Python for analysts", search_document="python for analysts")
    client.get(reverse("courses:catalogue"), {"q": "python"})
    client.get(reverse("courses:catalogue"), {"q": "quantum basket weaving"})
    found = {e.data["q"]: e.value for e in Event.objects.filter(kind="search")}
    assert found["quantum basket weaving"] == 0
    assert found["python"] >= 1


@pytest.mark.django_db(transaction=True)
def test_lesson_page_records_a_view_and_carries_a_study_ticket(client, lesson):
    user = UserFactory()
    EnrollmentFactory(user=user, course=lesson.section.course)
    client.force_login(user)
    response = client.get(reverse("learning:lesson", args=[lesson.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "analytics/tracker.js" in html and 'data-ticket="' in html
    assert Event.objects.filter(
        kind=Event.Kind.LESSON_VIEW, lesson_id=lesson.pk, user_id=user.pk
    ).exists()


def _beat(client, ticket, **fields):
    return client.post(
        reverse("analytics:heartbeat"), {"ticket": ticket, "kind": "beat", **fields}
    )


@pytest.mark.django_db(transaction=True)
def test_heartbeats_credit_study_seconds_but_never_more_than_elapsed(client, lesson):
    user = UserFactory()
    client.force_login(user)
    ticket = study.ticket_for(
        user_id=user.pk, lesson_id=lesson.pk, course_id=lesson.section.course_id
    )
    assert _beat(client, ticket, seconds=30, pos=125, dur=600).status_code == 204
    # A second beat straight away (a replay, or a forged claim) earns ~nothing.
    assert _beat(client, ticket, seconds=30).status_code == 204
    beats = list(Event.objects.filter(kind=Event.Kind.STUDY).order_by("id"))
    assert beats[0].value == 30
    assert beats[0].data == {"pos": 125, "dur": 600}
    assert beats[0].lesson_id == lesson.pk
    assert beats[0].course_id == lesson.section.course_id
    assert sum(b.value for b in beats[1:]) <= 2


@pytest.mark.django_db(transaction=True)
def test_a_seek_back_is_recorded_for_the_rewind_chart(client, lesson):
    user = UserFactory()
    client.force_login(user)
    ticket = study.ticket_for(
        user_id=user.pk, lesson_id=lesson.pk, course_id=lesson.section.course_id
    )
    response = client.post(
        reverse("analytics:heartbeat"),
        {"ticket": ticket, "kind": "seek", "start": 300, "pos": 240, "dur": 600},
    )
    assert response.status_code == 204
    seek = Event.objects.get(kind=Event.Kind.VIDEO_SEEK)
    assert seek.value == 240 and seek.data == {"from": 300, "dur": 600}


@pytest.mark.django_db
def test_heartbeats_refuse_strangers_forgeries_and_nonsense(client, lesson):
    url = reverse("analytics:heartbeat")
    owner, other = UserFactory(), UserFactory()
    ticket = study.ticket_for(
        user_id=owner.pk, lesson_id=lesson.pk, course_id=lesson.section.course_id
    )
    assert client.post(url, {"ticket": ticket, "kind": "beat"}).status_code == 401
    client.force_login(other)
    response = client.post(url, {"ticket": ticket, "kind": "beat", "seconds": 5})
    assert response.status_code == 403  # someone else's ticket
    response = client.post(url, {"ticket": ticket + "x", "kind": "beat"})
    assert response.status_code == 403
    client.force_login(owner)
    response = client.post(
        url,
        {"ticket": ticket, "kind": "beat", "seconds": "lots"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "seconds" in response.json()["errors"]
    response = client.post(url, {"ticket": ticket, "kind": "seek"})
    assert response.status_code == 400
    assert client.get(url).status_code == 405
    assert Event.objects.count() == 0


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_redis_buffer_holds_events_until_the_flush(settings):
    settings.ANALYTICS_EVENT_BUFFER = "redis"
    settings.ANALYTICS_REDIS_URL = settings.REDIS_URL
    client = recording.redis_client()
    client.delete(recording.REDIS_KEY)
    for n in range(3):
        recording.event_record(kind=Event.Kind.VISIT, user_id=n + 1)
    assert Event.objects.count() == 0
    assert recording.buffered_count() == 3
    assert recording.events_flush() == 3
    assert sorted(Event.objects.values_list("user_id", flat=True)) == [1, 2, 3]
    assert recording.buffered_count() == 0


@pytest.mark.django_db(transaction=True)
def test_when_redis_does_not_answer_events_are_inserted_directly(settings):
    settings.ANALYTICS_EVENT_BUFFER = "redis"
    settings.ANALYTICS_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.ANALYTICS_REDIS_BATCH_SECONDS = 0  # each event at once
    assert recording.event_record(kind=Event.Kind.VISIT, user_id=7)
    assert Event.objects.filter(user_id=7).exists()
    # Gathered for one RPUSH: inserted when they are handed over.
    settings.ANALYTICS_REDIS_BATCH_SECONDS = 60
    assert recording.event_record(kind=Event.Kind.VISIT, user_id=8)
    assert recording.event_record(kind=Event.Kind.VISIT, user_id=9)
    assert recording.gathered_hand_over() == 2
    assert set(Event.objects.values_list("user_id", flat=True)) == {7, 8, 9}


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_process_hands_its_events_over_within_the_batch_time(settings):
    """Events gathered for one RPUSH reach the buffer on their own, though
    no other event follows (a timer), and a full batch at once."""
    settings.ANALYTICS_EVENT_BUFFER = "redis"
    settings.ANALYTICS_REDIS_URL = settings.REDIS_URL
    settings.ANALYTICS_REDIS_BATCH_SECONDS = 0.2
    client = recording.redis_client()
    client.delete(recording.REDIS_KEY)
    try:
        for n in range(3):
            recording.event_record(kind=Event.Kind.VISIT, user_id=n + 1)
        assert client.llen(recording.REDIS_KEY) == 0  # gathered, not yet pushed
        deadline = time.monotonic() + 30
        while client.llen(recording.REDIS_KEY) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.llen(recording.REDIS_KEY) == 3

        settings.ANALYTICS_REDIS_BATCH_SECONDS = 60
        for n in range(recording.BATCH_MAX):
            recording.event_record(kind=Event.Kind.VISIT, user_id=n + 1)
        assert client.llen(recording.REDIS_KEY) == 3 + recording.BATCH_MAX
        assert recording.events_flush() == 3 + recording.BATCH_MAX
        assert Event.objects.count() == 3 + recording.BATCH_MAX
    finally:
        recording.gathered_hand_over()
        client.delete(recording.REDIS_KEY)
