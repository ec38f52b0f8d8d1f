"""The till is always right: after the demo data and a random sequence of
purchases (courses, bundles, memberships, coupons) and refunds, money taken
minus money given back equals creator earnings plus platform commission, to
the cent. Real commits, on SQLite as well as PostgreSQL (amounts are whole
cents in the database, so sums and CHECK constraints are exact on both).
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from payments import PaymentStatus

from commerce import services
from commerce.models import Coupon, CreatorEarning, Order, Payment, Refund
from tests.commerce.factories import (
    CouponFactory,
    PaidCourseFactory,
    PlanFactory,
    make_bundle,
)
from tests.factories import CreatorFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
ZERO = Decimal("0.00")


def _sum(queryset, field):
    return queryset.aggregate(total=Sum(field))["total"] or ZERO


@pytest.mark.parametrize("seed", [7, 2026])
def test_payments_minus_refunds_equal_earnings_plus_commission(seed, monkeypatch):
    # The demo data up to and including commerce's step (orders 5-40): people,
    # catalogue, enrolments, demo orders; the later steps only read them.
    from demo.seeds import collect_steps

    wanted = ",".join(step.name for step in collect_steps() if step.order <= 40)
    call_command("seed_demo", scale="small", seed=42, only=wanted, verbosity=0)
    rng = random.Random(seed)
    # Odd prices and rates so that rounding is exercised.
    from commerce import registry

    creators = [CreatorFactory() for _ in range(4)]
    monkeypatch.setattr(
        registry,
        "_commission_providers",
        [lambda cid: Decimal("0.15") if cid == creators[0].pk else None],
    )
    prices = ["19.99", "33.33", "0.01", "128.00", "99.90", "7.77", "250.05"]
    courses = [
        PaidCourseFactory(
            creator=rng.choice(creators), price=Decimal(rng.choice(prices))
        )
        for _ in range(12)
    ]
    bundles = [
        make_bundle(rng.sample(courses, 3), price=Decimal("101.01")),
        make_bundle(rng.sample(courses, 2), price=Decimal("55.55")),
    ]
    plans = [PlanFactory(price=Decimal("29.90")), PlanFactory(creator=creators[1])]
    coupons = [
        CouponFactory(
            kind=Coupon.Kind.PERCENT, value=Decimal("15"), max_uses_per_user=None
        ),
        CouponFactory(
            kind=Coupon.Kind.FIXED, value=Decimal("7.77"), max_uses_per_user=None
        ),
    ]
    staff = StaffFactory()
    buyers = [UserFactory() for _ in range(15)]
    paid_items = []
    for _ in range(80):
        action = rng.random()
        buyer = rng.choice(buyers)
        if action < 0.75:
            kind = rng.random()
            if kind < 0.7:
                offer = ("course", rng.choice(courses).pk)
            elif kind < 0.85:
                offer = ("bundle", rng.choice(bundles).pk)
            else:
                offer = ("plan", rng.choice(plans).pk)
            code = rng.choice(["", "", coupons[0].code, coupons[1].code])
            try:
                order = services.order_create(
                    user=buyer, offers=[offer], coupon_code=code, reuse_pending=False
                )
            except services.CommerceError:
                continue
            if order.total > 0:
                payment = services.payment_create(order=order, user=buyer)
                outcome = rng.choice(
                    [PaymentStatus.CONFIRMED] * 4 + [PaymentStatus.REJECTED]
                )
                services.payment_callback(payment_id=payment.pk, status=outcome)
                if outcome == PaymentStatus.CONFIRMED and rng.random() < 0.2:
                    # The callback arrives again.
                    services.payment_callback(payment_id=payment.pk, status=outcome)
            order.refresh_from_db()
            if order.is_paid:
                paid_items.extend((buyer, item) for item in order.items.all())
        elif paid_items:
            buyer, item = rng.choice(paid_items)
            try:
                refund = services.refund_request(user=buyer, order_item=item)
            except services.CommerceError:
                continue
            if rng.random() < 0.8:
                services.refund_approve(refund_id=refund.pk, staff=staff)
            else:
                services.refund_deny(refund_id=refund.pk, staff=staff)
    services.reconcile_orders()

    captured = Payment.objects.filter(
        status__in=[PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED],
        paid_order__isnull=False,
    )
    taken = _sum(captured, "total")
    given_back = _sum(Refund.objects.filter(status=Refund.Status.REFUNDED), "amount")
    earnings = _sum(CreatorEarning.objects.all(), "net")
    commission = _sum(CreatorEarning.objects.all(), "commission")
    assert taken > 0 and given_back > 0, "the sequence must exercise both"
    assert taken - given_back == earnings + commission
    # The provider side agrees: what is still captured is what was kept.
    assert _sum(captured, "captured_amount") == taken - given_back
    # Every paid order's items are fulfilled and booked exactly once.
    for order in Order.objects.filter(state__in=["paid", "partially_refunded"]):
        for item in order.items.all():
            assert hasattr(item, "fulfilment")
            sales = item.earnings.filter(kind="sale")
            assert _sum(sales, "gross") == item.price
