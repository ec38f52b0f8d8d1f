"""A stranger's POST to someone else's object is answered 404 before its form
is read: an empty one used to get a redirect with "fill in the form" (and the
next, valid, one the refusal), which told the stranger the object was theirs
to change. The owner's empty POST still gets the form's error."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from live.models import Booking
from tests.courses.factories import ReviewFactory
from tests.factories import CreatorFactory, StaffFactory, UserFactory
from tests.live.factories import LectureFactory, SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _errors(response) -> list[str]:
    return [
        str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"
    ]


def _refused_then_owner_told(client, url, valid, stranger, owner, error):
    client.force_login(stranger)
    assert client.post(url).status_code == 404
    assert client.post(url, valid).status_code == 404
    client.force_login(owner)
    response = client.post(url)
    assert response.status_code == 302
    assert error in _errors(response)


def test_moving_another_creators_lecture(client):
    lecture = LectureFactory()
    starts_at = lecture.starts_at
    valid = {"starts_at": "2031-05-01T10:00", "time_zone": "Asia/Shanghai"}
    _refused_then_owner_told(
        client,
        reverse("live:studio_lecture_move", args=[lecture.pk]),
        valid,
        stranger=CreatorFactory(),
        owner=lecture.creator,
        error="This field is required.",
    )
    lecture.refresh_from_db()
    assert lecture.starts_at == starts_at and lecture.moved_at is None


def test_uploading_a_replay_to_another_creators_lecture(client):
    lecture = LectureFactory()
    valid = {"replay_file": SimpleUploadedFile("talk.mp3", b"ID3", "audio/mpeg")}
    _refused_then_owner_told(
        client,
        reverse("live:studio_replay", args=[lecture.pk]),
        valid,
        stranger=CreatorFactory(),
        owner=lecture.creator,
        error="Choose a recording to upload.",
    )
    lecture.refresh_from_db()
    assert not lecture.replay_file


@pytest.fixture
def booking():
    return Booking.objects.create(
        slot=SlotFactory(), learner=UserFactory(), status=Booking.Status.CONFIRMED
    )


def test_writing_the_note_of_another_learners_booking(client, booking):
    _refused_then_owner_told(
        client,
        reverse("live:booking_note", args=[booking.pk]),
        {"note": "Mine now"},
        stranger=UserFactory(),
        owner=booking.learner,
        error="Write what you would like to discuss.",
    )
    booking.refresh_from_db()
    assert booking.note == ""


def test_rating_another_learners_booking(client, booking):
    _refused_then_owner_told(
        client,
        reverse("live:booking_rate", args=[booking.pk]),
        {"rating": "1", "comment": "Bad"},
        stranger=UserFactory(),
        owner=booking.learner,
        error="Choose 1 to 5 stars.",
    )
    booking.refresh_from_db()
    assert booking.rating is None


@pytest.mark.parametrize("who", ["author", "staff", "another creator"])
def test_replying_to_a_review_of_another_creators_course(client, who):
    review = ReviewFactory()
    stranger = {
        "author": review.user,
        "staff": StaffFactory(),
        "another creator": CreatorFactory(),
    }[who]
    _refused_then_owner_told(
        client,
        reverse("courses:review_reply", args=[review.pk]),
        {"text": "Thanks!"},
        stranger=stranger,
        owner=review.course.creator,
        error="Write a reply.",
    )
    review.refresh_from_db()
    assert review.reply == ""
