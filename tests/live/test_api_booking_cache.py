"""My bookings (API) are kept for the viewer (core.apicache's per-viewer
copy): a repeat asks the database only for the session's user; a booking made,
confirmed, cancelled or refunded shows at once to its learner and its expert;
the join link appears when its window opens, with time alone; one person's
list is never another's."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from commerce import services as commerce
from live import services
from live.models import Booking
from tests.factories import UserFactory
from tests.rowcount import assert_repeat_reads_only_the_user

from .factories import SlotFactory

pytestmark = pytest.mark.django_db
BOOKINGS = "/api/v1/live/bookings/"
AS_EXPERT = {"role": "expert"}


def _rows(client, **params):
    response = client.get(BOOKINGS, params)
    assert response.status_code == 200
    return [
        (row["status"], row["refunded"], row["join_url"] is not None)
        for row in response.json()["results"]
    ]


def _book(learner, slot, pay, capture):
    with capture(execute=True):
        order = services.booking_start(learner=learner, slot=slot, note="My CV")
        pay(order)
    return Booking.objects.get(order_item_id=order.items.get().pk)


def test_a_repeat_asks_only_for_the_user(client):
    learner = UserFactory()
    Booking.objects.create(slot=SlotFactory(), learner=learner, status="confirmed")
    client.force_login(learner)
    assert assert_repeat_reads_only_the_user(client, BOOKINGS)["count"] == 1


def test_booked_confirmed_cancelled_and_refunded_show_at_once(
    client, pay, django_capture_on_commit_callbacks
):
    learner, slot = UserFactory(), SlotFactory()
    expert = type(client)()
    expert.force_login(slot.expert.user)
    client.force_login(learner)
    assert _rows(client) == []
    assert _rows(expert, **AS_EXPERT) == []
    booking = _book(learner, slot, pay, django_capture_on_commit_callbacks)
    assert _rows(client) == [("requested", False, False)]
    assert _rows(expert, **AS_EXPERT) == [("requested", False, False)]
    services.booking_confirm(booking=booking, expert_user=slot.expert.user)
    assert _rows(client) == [("confirmed", False, False)]
    assert _rows(expert, **AS_EXPERT) == [("confirmed", False, False)]
    # Cancelled; refunded later (after commit, or by the beat's retry) with
    # an UPDATE of the booking.
    with django_capture_on_commit_callbacks(execute=False):
        services.booking_cancel(booking=booking, actor=learner)
    assert _rows(client) == [("cancelled", False, False)]
    assert _rows(expert, **AS_EXPERT) == [("cancelled", False, False)]
    assert services.bookings_refund_due() == 1
    assert _rows(client) == [("cancelled", True, False)]
    assert _rows(expert, **AS_EXPERT) == [("cancelled", True, False)]


def test_a_refund_by_staff_shows_at_once(
    client, pay, django_capture_on_commit_callbacks
):
    learner, slot = UserFactory(), SlotFactory()
    booking = _book(learner, slot, pay, django_capture_on_commit_callbacks)
    expert = type(client)()
    expert.force_login(slot.expert.user)
    client.force_login(learner)
    assert _rows(client) == [("requested", False, False)]
    assert _rows(expert, **AS_EXPERT) == [("requested", False, False)]
    # commerce's refund revokes the booking with an UPDATE (booking_revoke).
    with django_capture_on_commit_callbacks(execute=True):
        commerce.refund_automatic(order_item_id=booking.order_item_id, reason="test")
    assert _rows(client) == [("cancelled", True, False)]
    assert _rows(expert, **AS_EXPERT) == [("cancelled", True, False)]


def test_one_persons_bookings_are_never_anothers(client):
    learner, slot = UserFactory(), SlotFactory()
    Booking.objects.create(slot=slot, learner=learner, status="confirmed")
    client.force_login(learner)
    assert len(_rows(client)) == 1
    assert _rows(client, **AS_EXPERT) == []
    client.force_login(UserFactory())
    assert _rows(client) == []
    assert _rows(client, **AS_EXPERT) == []
    client.force_login(slot.expert.user)
    assert _rows(client) == []
    assert len(_rows(client, **AS_EXPERT)) == 1


def test_the_join_link_appears_when_its_window_opens(client, settings):
    """No event says that the window has opened: the copy is kept until then."""
    learner = UserFactory()
    opens_in = timedelta(seconds=2)
    starts_at = timezone.now() + opens_in
    starts_at += timedelta(minutes=settings.LIVE_JOIN_OPENS_MINUTES)
    slot = SlotFactory(starts_at=starts_at)
    Booking.objects.create(slot=slot, learner=learner, status="confirmed")
    client.force_login(learner)
    assert _rows(client) == [("confirmed", False, False)]
    time.sleep(opens_in.total_seconds() + 0.2)
    assert _rows(client) == [("confirmed", False, True)]
