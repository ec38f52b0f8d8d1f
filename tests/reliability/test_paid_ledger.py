"""Columns, renewals and bundles keep the till right: after any sequence of
column subscriptions (monthly, yearly, one-time), renewals, bundle purchases
(priced less for owned courses), course purchases and refunds, money taken
minus money given back equals creator earnings plus platform commission, to
the cent; renewals chain without overlap; nobody reads a paid column post or
opens a path course without a live period or a purchase."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payments import PaymentStatus

from commerce import services as shop
from commerce.models import (
    CreatorEarning,
    Order,
    Payment,
    Refund,
    Subscription,
    SubscriptionPlan,
)
from courses import services as content
from learning.access import can_open_course, can_read_post
from learning.models import Enrollment
from tests.commerce.factories import PaidCourseFactory, make_bundle
from tests.factories import CreatorFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")

actions = st.one_of(
    st.tuples(
        st.just("column"),
        st.integers(0, 3),
        st.sampled_from(["monthly", "yearly", "once"]),
    ),
    st.tuples(st.just("bundle"), st.integers(0, 3), st.integers(0, 1)),
    st.tuples(st.just("course"), st.integers(0, 3), st.integers(0, 4)),
    st.tuples(st.just("refund"), st.integers(0, 3), st.integers(0, 30)),
    st.tuples(st.just("reject"), st.integers(0, 3), st.integers(0, 4)),
)


def _sum(queryset, field):
    return queryset.aggregate(total=Sum(field))["total"] or ZERO


def _buy(buyer, offer, status=PaymentStatus.CONFIRMED):
    try:
        order = shop.order_create(user=buyer, offers=[offer], reuse_pending=False)
    except shop.CommerceError:
        return None
    if order.total > 0:
        payment = shop.payment_create(order=order, user=buyer)
        shop.payment_callback(payment_id=payment.pk, status=status)
    shop.reconcile_orders()
    order.refresh_from_db()
    return order


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(sequence=st.lists(actions, min_size=3, max_size=18))
def test_columns_renewals_and_bundles_balance_to_the_cent(
    sequence, django_capture_on_commit_callbacks
):
    creator, other = CreatorFactory(), CreatorFactory()
    staff = StaffFactory()
    column = content.column_save(actor=creator, title="Column", is_published=True)
    shop.column_plans_set(
        column_id=column.pk,
        creator_id=creator.pk,
        name="Column",
        prices={"monthly": "19.99", "yearly": "199.01", "once": "333.33"},
    )
    paid_post = content.column_post_save(
        actor=creator, column=column, title="Paid", body="x", publish=True
    )
    prices = ["33.33", "0.01", "128.00", "99.90", "7.77"]
    courses = [
        PaidCourseFactory(creator=creator if i % 2 else other, price=Decimal(p))
        for i, p in enumerate(prices)
    ]
    bundles = [
        make_bundle(courses[:3], price=Decimal("101.01")),
        make_bundle(courses[2:], price=Decimal("55.55")),
    ]
    buyers = [UserFactory() for _ in range(4)]
    plans = {p.period: p for p in SubscriptionPlan.objects.filter(column=column)}
    paid_items = []

    with django_capture_on_commit_callbacks(execute=True):
        for kind, who, what in sequence:
            buyer = buyers[who]
            if kind == "column":
                order = _buy(buyer, ("plan", plans[what].pk))
            elif kind == "bundle":
                order = _buy(buyer, ("bundle", bundles[what].pk))
            elif kind == "course":
                order = _buy(buyer, ("course", courses[what].pk))
            elif kind == "reject":
                order = _buy(
                    buyer, ("course", courses[what].pk), PaymentStatus.REJECTED
                )
            else:
                if not paid_items:
                    continue
                owner, item = paid_items[what % len(paid_items)]
                try:
                    refund = shop.refund_request(user=owner, order_item=item)
                except shop.CommerceError:
                    continue
                shop.refund_approve(refund_id=refund.pk, staff=staff)
                continue
            if order is not None and order.is_paid:
                paid_items.extend((buyer, i) for i in order.items.all())

    orders = Order.objects.filter(user__in=buyers)
    captured = Payment.objects.filter(
        order__in=orders,
        status__in=[PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED],
        paid_order__isnull=False,
    )
    taken = _sum(captured, "total")
    given_back = _sum(
        Refund.objects.filter(user__in=buyers, status=Refund.Status.REFUNDED), "amount"
    )
    booked = CreatorEarning.objects.filter(order_item__order__in=orders)
    assert taken - given_back == _sum(booked, "net") + _sum(booked, "commission")
    for order in orders.filter(state__in=["paid", "partially_refunded"]):
        for item in order.items.all():
            assert _sum(item.earnings.filter(kind="sale"), "gross") == item.price
            if item.offer_type == "bundle":
                assert item.price <= item.list_price

    for buyer in buyers:
        periods = list(
            Subscription.objects.filter(
                user=buyer, plan__column=column, revoked_at__isnull=True
            ).order_by("starts_at", "pk")
        )
        # Renewals chain: each paid period starts where the previous one ends.
        for earlier, later in zip(periods, periods[1:], strict=False):
            if earlier.plan_id == later.plan_id:
                assert later.starts_at >= earlier.ends_at - timedelta(seconds=1)
        now = timezone.now()
        live = any(p.starts_at <= now < p.ends_at for p in periods)
        assert can_read_post(buyer, paid_post) == live
        for course in courses:
            enrolled = Enrollment.objects.filter(
                user=buyer, course=course, is_active=True
            ).exists()
            covered = course.creator_id == creator.pk and live
            assert can_open_course(buyer, course) == (enrolled or covered)
