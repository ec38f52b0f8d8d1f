"""Commerce under real concurrency on PostgreSQL: threads, real commits, locks.

Run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_commerce.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from payments import PaymentStatus

from commerce import registry, services
from commerce.models import (
    CouponRedemption,
    CreatorEarning,
    Fulfilment,
    Order,
    Payment,
    Payout,
)
from commerce.payment_providers import signed_callback_url
from learning.models import Enrollment
from tests.commerce.factories import CouponFactory, PaidCourseFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_concurrently(count: int, work):
    """Run `work(i)` in `count` threads released at the same moment."""
    barrier = threading.Barrier(count)

    def wrapped(i):
        try:
            barrier.wait(timeout=30)
            return work(i)
        except Exception as exc:  # collected, asserted by the caller
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(wrapped, range(count)))


def test_fifty_concurrent_paid_callbacks_capture_and_fulfil_once():
    course = PaidCourseFactory(price=Decimal("128.00"))
    buyer = UserFactory()
    order = services.order_create(user=buyer, offers=[("course", course.pk)])
    payment = services.payment_create(order=order, user=buyer)
    url = signed_callback_url(payment, PaymentStatus.CONFIRMED)

    results = run_concurrently(50, lambda i: Client().get(url).status_code)

    assert results == [302] * 50, [r for r in results if r != 302][:3]
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert order.paid_payment_id == payment.pk
    assert Payment.objects.filter(order=order, status="confirmed").count() == 1
    assert Fulfilment.objects.filter(order_item__order=order).count() == 1
    assert Enrollment.objects.filter(user=buyer, course=course).count() == 1
    assert CreatorEarning.objects.filter(order_item__order=order).count() == 1
    payment.refresh_from_db()
    assert payment.captured_amount == Decimal("128.00")


def test_twenty_concurrent_redemptions_of_a_ten_use_coupon():
    coupon = CouponFactory(max_uses=10, max_uses_per_user=1)
    course = PaidCourseFactory(price=Decimal("100.00"))
    buyers = [UserFactory() for _ in range(20)]

    def redeem(i):
        return services.order_create(
            user=buyers[i], offers=[("course", course.pk)], coupon_code=coupon.code
        )

    results = run_concurrently(20, redeem)
    succeeded = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, services.CommerceError)]
    assert len(succeeded) == 10
    assert len(refused) == 10
    assert {r.code for r in refused} == {"coupon_used_up"}
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 10
    assert Order.objects.count() == 10


def test_concurrent_payout_requests_cannot_overdraw(settings):
    settings.PAYOUT_MINIMUM = Decimal("100.00")
    course = PaidCourseFactory(price=Decimal("500.00"))
    order = services.order_create(user=UserFactory(), offers=[("course", course.pk)])
    payment = services.payment_create(order=order, user=order.user)
    services.payment_callback(payment_id=payment.pk, status=PaymentStatus.CONFIRMED)
    CreatorEarning.objects.update(status=CreatorEarning.Status.AVAILABLE)
    # 350.00 net available: at most three payouts of 100.00.
    creator = course.creator

    results = run_concurrently(
        10, lambda i: services.payout_request(creator=creator, amount=Decimal("100"))
    )
    assert sum(isinstance(r, Payout) for r in results) == 3
    assert services.creator_balance(creator_id=creator.pk)["withdrawable"] == Decimal(
        "50.00"
    )


def test_crash_between_capture_and_fulfilment_is_repaired_by_retrying_task(
    monkeypatch,
):
    course = PaidCourseFactory(price=Decimal("66.60"))
    buyer = UserFactory()
    order = services.order_create(user=buyer, offers=[("course", course.pk)])
    payment = services.payment_create(order=order, user=buyer)
    real = registry.get_offer_type("course")
    failures = {"left": 2}  # the callback's own attempt and the task's first run

    def flaky_fulfil(**kwargs):
        if failures["left"] > 0:
            failures["left"] -= 1
            raise ConnectionError("learning is unreachable")
        return real.fulfil(**kwargs)

    monkeypatch.setitem(
        registry._offer_types,
        "course",
        registry.OfferType(**{**real.__dict__, "fulfil": flaky_fulfil}),
    )
    response = Client().get(signed_callback_url(payment, PaymentStatus.CONFIRMED))
    assert response.status_code == 302
    order.refresh_from_db()
    payment.refresh_from_db()
    # Money is recorded, nothing delivered, nothing half-saved.
    assert order.state == Order.State.PAID and order.paid_payment_id == payment.pk
    assert payment.status == PaymentStatus.CONFIRMED
    assert not Fulfilment.objects.exists()
    assert not Enrollment.objects.exists()
    assert not CreatorEarning.objects.exists()

    from commerce.tasks import reconcile_orders_task

    # The task's first attempt fails too; autoretry (backoff) runs it again
    # and the retry completes the order. The failed attempt rolled back whole.
    result = reconcile_orders_task.apply(throw=False)
    assert result.successful(), result.traceback
    assert failures["left"] == 0
    assert Fulfilment.objects.count() == 1
    assert (
        Enrollment.objects.filter(user=buyer, course=course, is_active=True).count()
        == 1
    )
    assert CreatorEarning.objects.count() == 1
    # A second run finds nothing to do: nothing doubled.
    assert reconcile_orders_task.apply().get() == {
        "captured": 0,
        "fulfilled": 0,
        "refunded": 0,
        "failed": 0,
    }
    assert CreatorEarning.objects.count() == 1
