"""Live lectures and consultations under real concurrency on PostgreSQL.

Threads with their own connections, real commits and row locks. Run with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_<name>.

PostgreSQL allows 100 connections in all and other tests share the server, so
the 100 buyers run through a pool of 45 connections: every buyer waits for one
signal, then 45 of them race at a time for the seats.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from payments import PaymentStatus

from commerce import services as commerce
from commerce.models import Order, Payment
from commerce.payment_providers import signed_callback_url
from live import services
from live.models import Booking, PaidQuestion, Ticket
from tests.factories import UserFactory
from tests.live.factories import (
    ExpertProfileFactory,
    LectureFactory,
    SlotFactory,
    in_minutes,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(count: int, work, *, connections: int | None = None):
    """Run `work(i)` for i in range(count), all released at the same moment."""
    workers = min(count, connections or count)
    start = threading.Event()
    ready = threading.Semaphore(0)

    def wrapped(i):
        try:
            ready.release()
            start.wait(timeout=60)
            return work(i)
        except Exception as exc:  # collected, asserted by the caller
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(wrapped, i) for i in range(count)]
        for _ in range(workers):
            ready.acquire(timeout=60)
        start.set()
        return [f.result() for f in futures]


def pay(order):
    payment = commerce.payment_create(order=order, user=order.user)
    response = Client().get(signed_callback_url(payment, PaymentStatus.CONFIRMED))
    assert response.status_code == 302
    return payment


def test_hundred_buyers_for_the_last_five_seats():
    lecture = LectureFactory(capacity=10, price=Decimal("88.00"))
    for _ in range(5):
        Ticket.objects.create(
            lecture=lecture, user=UserFactory(), status="active", source="free"
        )
    buyers = [UserFactory() for _ in range(100)]

    def buy(i):
        order = commerce.order_create(user=buyers[i], offers=[("lecture", lecture.pk)])
        pay(order)
        return order

    results = race(100, buy, connections=45)

    won = [r for r in results if isinstance(r, Order)]
    lost = [r for r in results if isinstance(r, commerce.CommerceError)]
    others = [r for r in results if not isinstance(r, Order | commerce.CommerceError)]
    assert not others, others[:3]
    assert len(won) == 5
    assert len(lost) == 95
    assert {e.code for e in lost} == {"sold_out"}
    assert all("Sold out" in e.message or "售罄" in e.message for e in lost)
    assert Ticket.objects.filter(lecture=lecture, status="active").count() == 10
    # Nobody who lost has an order, let alone a captured payment.
    losers = {buyers[i].pk for i, r in enumerate(results) if not isinstance(r, Order)}
    assert not Order.objects.filter(user_id__in=losers).exists()
    assert (
        Payment.objects.filter(status=PaymentStatus.CONFIRMED).count()
        == Order.objects.filter(state="paid").count()
        == 5
    )


def test_twenty_concurrent_bookings_of_one_slot():
    slot = SlotFactory(price=Decimal("300.00"))
    learners = [UserFactory() for _ in range(20)]

    def book(i):
        order = services.booking_start(learner=learners[i], slot=slot, note="Hi")
        pay(order)
        return order

    results = race(20, book)
    won = [r for r in results if isinstance(r, Order)]
    lost = [r for r in results if isinstance(r, commerce.CommerceError)]
    assert len(won) == 1, [r for r in results if not isinstance(r, Order)][:3]
    assert len(lost) == 19
    assert Booking.objects.filter(slot=slot, status="requested").count() == 1
    assert Booking.objects.count() == 1
    assert Payment.objects.filter(status=PaymentStatus.CONFIRMED).count() == 1


def test_the_same_question_posted_twice_at_once_makes_one_question_and_order():
    expert = ExpertProfileFactory(question_price=Decimal("9.00"))
    asker = UserFactory()
    url = reverse("live:expert_ask", args=[expert.pk])
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(asker)

    # Three questions, each sent from two tabs at once: a race that slips
    # through the dedup once in a while still shows up.
    for n in range(3):
        body = f"How do I price course number {n}?"
        responses = race(2, lambda i, body=body: clients[i].post(url, {"body": body}))

        assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
        assert responses[0]["Location"] == responses[1]["Location"]
        assert PaidQuestion.objects.filter(asker=asker, body=body).count() == 1
    assert Order.objects.filter(user=asker).count() == 3


def test_expired_pending_payment_releases_its_seat_and_a_late_callback_is_refunded():
    lecture = LectureFactory(capacity=1, price=Decimal("50.00"))
    slow, fast = UserFactory(), UserFactory()
    order = commerce.order_create(user=slow, offers=[("lecture", lecture.pk)])
    payment = commerce.payment_create(order=order, user=slow)
    with pytest.raises(commerce.CommerceError):
        commerce.order_create(user=fast, offers=[("lecture", lecture.pk)])

    # The hold runs out; the expiry task closes the order and frees the seat.
    Order.objects.filter(pk=order.pk).update(expires_at=in_minutes(-1))
    Ticket.objects.filter(user=slow).update(hold_expires_at=in_minutes(-1))
    from commerce.tasks import orders_expire_task

    assert orders_expire_task.apply().result == 1
    assert Ticket.objects.get(user=slow).status == "released"

    # Someone else buys the seat; then the slow buyer's bank says "paid".
    pay(commerce.order_create(user=fast, offers=[("lecture", lecture.pk)]))
    response = Client().get(signed_callback_url(payment, PaymentStatus.CONFIRMED))
    assert response.status_code == 302

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.state == "expired" and order.paid_payment_id is None
    assert payment.status == PaymentStatus.REFUNDED
    assert list(
        Ticket.objects.filter(lecture=lecture, status="active").values_list(
            "user_id", flat=True
        )
    ) == [fast.pk]


def test_late_callbacks_racing_new_buyers_never_overbook():
    """Ten expired orders' payments arrive while ten new buyers race for 3 seats."""
    lecture = LectureFactory(capacity=3, price=Decimal("20.00"))
    slow = [UserFactory() for _ in range(3)]
    pending = []
    for user in slow:
        order = commerce.order_create(user=user, offers=[("lecture", lecture.pk)])
        pending.append(commerce.payment_create(order=order, user=user))
    Order.objects.update(expires_at=in_minutes(-1))
    Ticket.objects.update(hold_expires_at=in_minutes(-1))
    fresh = [UserFactory() for _ in range(10)]

    def act(i):
        if i < 3:
            url = signed_callback_url(pending[i], PaymentStatus.CONFIRMED)
            return Client().get(url).status_code
        order = commerce.order_create(
            user=fresh[i - 3], offers=[("lecture", lecture.pk)]
        )
        pay(order)
        return order

    race(13, act)
    from commerce.services import reconcile_orders

    reconcile_orders()
    active = Ticket.objects.filter(lecture=lecture, status="active").count()
    assert active == 3
    paid = Order.objects.filter(state="paid").count()
    assert paid == 3
    # Every confirmed payment that did not pay an order was given back.
    assert not Payment.objects.filter(
        status=PaymentStatus.CONFIRMED, paid_order__isnull=True
    ).exists()
