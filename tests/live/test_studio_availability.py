"""An expert withdraws a whole availability from the studio, as staff can in
the admin: the unbooked future slots go, a booked slot stays with its paid
booking (cancelling that booking is what refunds the learner), and nobody but
the expert (or staff) can do it."""

from __future__ import annotations

import re
from datetime import time

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commerce.models import Refund
from live.models import Booking, Slot
from notifications.models import Notification
from tests.factories import UserFactory

from .factories import ExpertProfileFactory
from .test_consultations import book_and_pay, publish

pytestmark = pytest.mark.django_db
STUDIO = reverse("live:expert_studio")


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _rows(page: str) -> list[str]:
    return re.findall(r'data-testid="availability">(.*?)</li>', page, re.S)


def test_expert_withdraws_an_availability_the_booked_slot_stays(
    client, pay, django_capture_on_commit_callbacks
):
    expert = ExpertProfileFactory()
    availability = publish(expert)
    slots = list(availability.slots.order_by("starts_at"))
    learner = UserFactory()
    booking = book_and_pay(learner, slots[0], pay, django_capture_on_commit_callbacks)
    told = Notification.objects.filter(recipient=learner).count()
    client.force_login(expert.user)

    (row,) = _rows(client.get(STUDIO).content.decode())
    assert f"{len(slots)} upcoming slots · 1 booked" in row
    assert "(UTC+1)" in row or "(UTC+2)" in row  # Berlin: the window's own zone
    assert "9 a.m.–11 a.m." in row
    url = reverse("live:availability_withdraw", args=[availability.pk])
    assert f'action="{url}"' in row
    confirm = re.search(r'data-confirm="([^"]*)"', row).group(1)
    assert f"Withdraw the {len(slots) - 1} unbooked slots of this availability?" in (
        confirm
    )
    assert "Booked slots stay with their bookings." in confirm

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(STUDIO, 302)]
    assert f"{len(slots) - 1} slots are withdrawn." in page
    assert "1 booked slot stays: cancel its booking (the learner is refunded)" in page
    assert availability.slots.filter(status=Slot.Status.OPEN).get() == slots[0]
    # The booking is the admin action's rule: kept, paid, not refunded, and
    # the learner is told nothing (their session still takes place).
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED and not booking.refunded
    assert not Refund.objects.exists()
    assert Notification.objects.filter(recipient=learner).count() == told
    (row,) = _rows(page)
    assert "1 upcoming slot · 1 booked" in row
    assert "Every upcoming slot is booked." in row
    assert "availability-withdraw" not in row


def test_an_availability_all_in_the_past_or_withdrawn_is_not_listed(client):
    expert = ExpertProfileFactory()
    availability = publish(expert)
    client.force_login(expert.user)
    assert len(_rows(client.get(STUDIO).content.decode())) == 1
    client.post(reverse("live:availability_withdraw", args=[availability.pk]))
    assert availability.slots.filter(status=Slot.Status.OPEN).count() == 0
    assert _rows(client.get(STUDIO).content.decode()) == []


def test_only_the_owner_can_withdraw_an_availability(client):
    availability = publish(ExpertProfileFactory())
    url = reverse("live:availability_withdraw", args=[availability.pk])
    open_slots = availability.slots.filter(status=Slot.Status.OPEN)
    before = open_slots.count()

    anonymous = client.post(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    other_expert = ExpertProfileFactory()
    client.force_login(other_expert.user)
    assert client.post(url).status_code == 404
    assert "availability-withdraw" not in client.get(STUDIO).content.decode()
    client.force_login(UserFactory())
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    assert (
        client.post(
            reverse("live:availability_withdraw", args=[availability.pk + 999])
        ).status_code
        == 404
    )
    assert open_slots.count() == before


def test_the_studio_reads_every_availability_in_one_query(
    client, django_assert_max_num_queries
):
    from django.db import connection

    expert = ExpertProfileFactory()
    publish(expert)
    client.force_login(expert.user)
    with CaptureQueriesContext(connection) as one:
        client.get(STUDIO)
    for hour in (12, 14, 16):  # three more windows on the same days
        publish(expert, start_time=time(hour, 0), end_time=time(hour + 1, 0))
    with django_assert_max_num_queries(len(one)):
        page = client.get(STUDIO).content.decode()
    assert len(_rows(page)) == 4


def test_the_studio_says_it_in_chinese(client, settings):
    expert = ExpertProfileFactory()
    publish(expert)
    client.force_login(expert.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(STUDIO).content.decode()
    assert "我发布的可预约时间" in page
    assert "撤下未被预约的时段" in page
    (row,) = _rows(page)
    assert "个即将到来的时段" in row
    confirm = re.search(r'data-confirm="([^"]*)"', row).group(1)
    assert "撤下" in confirm and "预约" in confirm
