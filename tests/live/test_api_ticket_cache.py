"""My tickets (API) are kept for their holder (core.apicache's per-viewer
copy): a repeat asks the database only for the session's user, and a ticket
issued or refunded, a lecture renamed show at once."""

import pytest

from commerce import services as commerce
from live import services
from tests.factories import UserFactory
from tests.rowcount import assert_repeat_reads_only_the_user

from .factories import FreeLectureFactory, LectureFactory

pytestmark = pytest.mark.django_db
TICKETS = "/api/v1/live/tickets/"


def _titles(client):
    response = client.get(TICKETS)
    assert response.status_code == 200
    return [row["lecture"]["title"] for row in response.json()["results"]]


def test_a_claimed_ticket_and_a_renamed_lecture_show_at_once(client):
    user = UserFactory()
    lecture = FreeLectureFactory(title="Async Python")
    client.force_login(user)
    assert _titles(client) == []
    services.ticket_claim(user=user, lecture=lecture)
    rows = assert_repeat_reads_only_the_user(client, TICKETS)["results"]
    assert [row["lecture"]["title"] for row in rows] == ["Async Python"]
    lecture.title = "Async Python, live"
    lecture.save(update_fields=["title"])
    assert _titles(client) == ["Async Python, live"]
    client.force_login(UserFactory())
    assert _titles(client) == []


def test_a_refunded_ticket_leaves_the_list_at_once(
    client, pay, django_capture_on_commit_callbacks
):
    user = UserFactory()
    lecture = LectureFactory(title="Rust for Pythonistas")
    with django_capture_on_commit_callbacks(execute=True):
        order = commerce.order_create(user=user, offers=[("lecture", lecture.pk)])
        pay(order)
    client.force_login(user)
    assert _titles(client) == ["Rust for Pythonistas"]
    with django_capture_on_commit_callbacks(execute=True):
        commerce.refund_automatic(order_item_id=order.items.get().pk, reason="test")
    assert _titles(client) == []
