"""The live API: lists pinned, the join URL only through the access rule,
time zones checked, documented in the schema."""

import pytest
from django.urls import reverse

from live.models import Booking, Ticket
from tests.factories import UserFactory

from .factories import ExpertProfileFactory, LectureFactory, SlotFactory, in_minutes

pytestmark = pytest.mark.django_db


def test_upcoming_lectures(client, django_assert_max_num_queries):
    for _ in range(6):
        LectureFactory()
    LectureFactory(starts_at=in_minutes(-300), title="Over")
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/live/lectures/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 6
    assert "meeting_url" not in data["results"][0]
    assert client.get("/api/v1/live/lectures/", {"price": "cheap"}).status_code == 400
    response = client.get("/api/v1/live/lectures/", {"tz": "Mars/Base"})
    assert response.status_code == 400
    assert "tz" in response.json()


def test_join_url_only_for_holders_in_the_window(client):
    lecture = LectureFactory(starts_at=in_minutes(5))
    url = f"/api/v1/live/lectures/{lecture.pk}/"
    assert client.get(url).json()["join_url"] is None
    holder = UserFactory()
    Ticket.objects.create(lecture=lecture, user=holder, status="active", source="free")
    client.force_login(holder)
    data = client.get(url, {"tz": "Europe/Berlin"}).json()
    assert data["can_join"] is True
    assert data["join_url"] == lecture.meeting_url
    assert data["starts_at"].endswith(("+01:00", "+02:00"))


def test_my_tickets_and_bookings(client, django_assert_max_num_queries):
    user = UserFactory()
    for _ in range(3):
        Ticket.objects.create(
            lecture=LectureFactory(), user=user, status="active", source="free"
        )
    slot = SlotFactory()
    Booking.objects.create(slot=slot, learner=user, status="confirmed")
    assert client.get("/api/v1/live/tickets/").status_code == 403
    client.force_login(user)
    with django_assert_max_num_queries(6):
        tickets = client.get("/api/v1/live/tickets/").json()
    assert tickets["count"] == 3
    bookings = client.get("/api/v1/live/bookings/").json()
    assert bookings["count"] == 1 and bookings["results"][0]["join_url"] is None
    client.force_login(slot.expert.user)
    as_expert = client.get("/api/v1/live/bookings/", {"role": "expert"}).json()
    assert as_expert["count"] == 1
    assert client.get("/api/v1/live/bookings/", {"role": "x"}).status_code == 400


def test_experts_and_free_slots(client, django_assert_max_num_queries):
    experts = [ExpertProfileFactory() for _ in range(3)]
    for expert in experts:
        for hours in (30, 40, 50, 60):
            SlotFactory(expert=expert, starts_at=in_minutes(hours * 60))
    with django_assert_max_num_queries(6):
        data = client.get("/api/v1/live/experts/").json()
    assert data["count"] == 3
    assert all(len(e["next_slots"]) == 3 for e in data["results"])
    slots = client.get(f"/api/v1/live/experts/{experts[0].pk}/slots/").json()
    assert len(slots) == 4
    assert slots[0]["expert_local_start"].endswith("+08:00")
    assert client.get("/api/v1/live/experts/999999/slots/").status_code == 404
    # Not an id (found by tests/security/test_api_fuzz.py): 404, not a 500.
    for bad in ("false", "99999999999999999999999", "-1"):
        assert client.get(f"/api/v1/live/experts/{bad}/slots/").status_code == 404


def test_schema_documents_the_live_endpoints(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/v1/live/lectures/",
        "/api/v1/live/tickets/",
        "/api/v1/live/experts/",
        "/api/v1/live/experts/{id}/slots/",
        "/api/v1/live/bookings/",
    ):
        assert path in text
