"""A paid order is delivered and booked to the cent on every database.

The newcomer's purchase (issue 17): 心理学入门 at ¥99 with a 10% coupon is
charged ¥89.10; on SQLite the ledger row was refused by its CHECK constraint
(decimals compared as floats), nothing was delivered, the reconciliation task
failed forever and the admin action "fulfil" answered 500.
"""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db.models import Sum
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from commerce import registry, services
from commerce.models import Coupon, CreatorEarning, Fulfilment, Order
from commerce.services import CommerceError
from learning.access import can_open_course
from tests.factories import StaffFactory, UserFactory

from .factories import CouponFactory, PaidCourseFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _pay(client, order, pay, capture):
    with capture(execute=True):
        pay(client, order)


def test_course_with_a_percent_coupon_is_delivered_and_booked_exactly(
    client, pay, django_capture_on_commit_callbacks, settings
):
    settings.PLATFORM_COMMISSION_RATE = Decimal("0.28")
    course = PaidCourseFactory(title="心理学入门", price=Decimal("99.00"))
    CouponFactory(code="WELCOME10", kind=Coupon.Kind.PERCENT, value=Decimal("10"))
    buyer = UserFactory()
    client.force_login(buyer)
    order = services.order_create(
        user=buyer, offers=[("course", course.pk)], coupon_code="WELCOME10"
    )
    assert order.total == Decimal("89.10")
    buy_button = 'data-testid="buy-button"'
    assert buy_button in client.get(course.get_absolute_url()).content.decode()

    _pay(client, order, pay, django_capture_on_commit_callbacks)

    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert can_open_course(buyer, course)
    earning = CreatorEarning.objects.get(order_item__order=order)
    assert (earning.gross, earning.commission, earning.net) == (
        Decimal("89.10"),
        Decimal("24.95"),
        Decimal("64.15"),
    )
    # The course page now opens the course instead of selling it again.
    assert buy_button not in client.get(course.get_absolute_url()).content.decode()


def test_admin_fulfil_action_reports_a_failing_order_and_delivers_the_others(
    client, pay, django_capture_on_commit_callbacks, monkeypatch
):
    buyer = UserFactory()
    client.force_login(buyer)
    course_order = services.order_create(
        user=buyer, offers=[("course", PaidCourseFactory().pk)]
    )
    plan_order = services.order_create(user=buyer, offers=[("plan", PlanFactory().pk)])
    real = registry.get_offer_type("course")

    def broken(**kwargs):
        raise RuntimeError("the course handler is down")

    monkeypatch.setitem(
        registry._offer_types,
        "course",
        registry.OfferType(**{**real.__dict__, "fulfil": broken}),
    )
    real_plan = registry.get_offer_type("plan")
    monkeypatch.setitem(
        registry._offer_types,
        "plan",
        registry.OfferType(**{**real_plan.__dict__, "fulfil": broken}),
    )
    for order in (course_order, plan_order):
        _pay(client, order, pay, django_capture_on_commit_callbacks)
    assert not Fulfilment.objects.exists()
    monkeypatch.setitem(registry._offer_types, "plan", real_plan)

    client.force_login(StaffFactory())
    response = client.post(
        reverse("admin:commerce_order_changelist"),
        {"action": "fulfil_now", "_selected_action": [course_order.pk, plan_order.pk]},
    )

    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(
        course_order.number in m and "the course handler is down" in m for m in messages
    ), messages
    assert Fulfilment.objects.filter(order_item__order=plan_order).count() == 1
    assert not Fulfilment.objects.filter(order_item__order=course_order).exists()


def test_one_failing_order_does_not_stop_the_reconciliation_of_the_others(
    client, pay, django_capture_on_commit_callbacks, monkeypatch
):
    buyer = UserFactory()
    client.force_login(buyer)
    first = services.order_create(
        user=buyer, offers=[("course", PaidCourseFactory().pk)]
    )
    second = services.order_create(user=buyer, offers=[("plan", PlanFactory().pk)])
    real = registry.get_offer_type("course")
    real_plan = registry.get_offer_type("plan")

    def broken(**kwargs):
        raise RuntimeError("down")

    for name, kind in (("course", real), ("plan", real_plan)):
        monkeypatch.setitem(
            registry._offer_types,
            name,
            registry.OfferType(**{**kind.__dict__, "fulfil": broken}),
        )
    for order in (first, second):  # the lower id fails for good
        _pay(client, order, pay, django_capture_on_commit_callbacks)
    monkeypatch.setitem(registry._offer_types, "plan", real_plan)

    assert services.reconcile_orders() == {
        "captured": 0,
        "fulfilled": 1,
        "refunded": 0,
        "failed": 1,
    }
    assert Fulfilment.objects.filter(order_item__order=second).exists()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    price_cents=st.integers(min_value=1, max_value=5_000_000),
    percent=st.one_of(st.none(), st.integers(min_value=1, max_value=99)),
    rate=st.integers(min_value=0, max_value=10_000),
)
# Always tried: a coupon that leaves half a cent (hypothesis found it by chance).
@example(price_cents=1, percent=50, rate=0)
def test_any_paid_order_is_delivered_and_booked_to_the_cent(
    price_cents, percent, rate, django_capture_on_commit_callbacks, settings
):
    settings.PLATFORM_COMMISSION_RATE = Decimal(rate).scaleb(-4)
    course = PaidCourseFactory(price=Decimal(price_cents).scaleb(-2))
    code = ""
    if percent is not None:
        code = CouponFactory(kind=Coupon.Kind.PERCENT, value=Decimal(percent)).code
    buyer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_create(
            user=buyer, offers=[("course", course.pk)], coupon_code=code
        )
    if order.total == 0:
        # Half of one cent: the discount (rounded half up) takes the whole
        # price. The order is delivered free; there is nothing to charge.
        assert order.discount == order.subtotal
        with pytest.raises(CommerceError):
            services.payment_create(order=order, user=buyer)
    else:
        payment = services.payment_create(order=order, user=buyer)
        with django_capture_on_commit_callbacks(execute=True):
            services.payment_callback(payment_id=payment.pk, status="confirmed")
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert can_open_course(buyer, course)
    booked = CreatorEarning.objects.filter(order_item__order=order).aggregate(
        gross=Sum("gross"), commission=Sum("commission"), net=Sum("net")
    )
    zero = Decimal("0.00")
    assert (booked["gross"] or zero) == order.total
    assert order.total == (booked["commission"] or zero) + (booked["net"] or zero)
