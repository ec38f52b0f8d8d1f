"""Events on commit, the Stripe variant by settings, webhooks, system checks."""

from decimal import Decimal

import pytest
from django.core.checks import run_checks
from payments import PaymentStatus

from commerce import services
from commerce.models import Order
from core import events
from tests.factories import StaffFactory, UserFactory

from .factories import PaidCourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    caught = []

    def make(name):
        def receiver(sender, **kwargs):
            caught.append((name, kwargs))

        return receiver

    receivers = {
        name: make(name) for name in ["order_paid", "item_sold", "item_refunded"]
    }
    for name, receiver in receivers.items():
        getattr(events, name).connect(receiver)
    yield caught
    for name, receiver in receivers.items():
        getattr(events, name).disconnect(receiver)


def test_events_are_sent_after_commit_with_ids(
    client, pay, received, django_capture_on_commit_callbacks
):
    buyer = UserFactory()
    client.force_login(buyer)
    course = PaidCourseFactory(price=Decimal("50.00"))
    order = services.order_create(user=buyer, offers=[("course", course.pk)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.payment_callback(
            payment_id=services.payment_create(order=order, user=buyer).pk,
            status=PaymentStatus.CONFIRMED,
        )
    assert received == []  # nothing announced before the commit
    for callback in callbacks:
        with django_capture_on_commit_callbacks(execute=True):
            callback()
    names = [name for name, _ in received]
    assert names == ["order_paid", "item_sold"]
    sold = received[1][1]
    assert sold["creator_id"] == course.creator_id
    assert sold["amount"] == "50.00" and sold["offer_type"] == "course"
    refund = services.refund_request(user=buyer, order_item=order.items.get())
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_approve(refund_id=refund.pk, staff=StaffFactory())
    assert received[-1][0] == "item_refunded"
    assert received[-1][1]["amount"] == "50.00"


def test_stripe_is_selected_by_settings(settings):
    settings.PAYMENT_PROVIDER = "stripe"
    buyer = UserFactory()
    order = services.order_create(
        user=buyer, offers=[("course", PaidCourseFactory().pk)]
    )
    payment = services.payment_create(order=order, user=buyer)
    assert payment.variant == "stripe"
    assert payment.get_success_url().startswith("http")


def test_forged_stripe_webhook_is_refused(client, settings):
    settings.PAYMENT_VARIANTS = {
        **settings.PAYMENT_VARIANTS,
        "stripe": (
            "payments.stripe.StripeProviderV3",
            {
                "api_key": "sk_test_x",
                "endpoint_secret": "whsec_test",
                "use_token": True,
            },
        ),
    }
    buyer = UserFactory()
    order = services.order_create(
        user=buyer, offers=[("course", PaidCourseFactory().pk)]
    )
    payment = services.payment_create(order=order, user=buyer, variant="stripe")
    body = (
        '{"type": "checkout.session.completed", "data": {"object": '
        f'{{"client_reference_id": "{payment.token}", "status": "complete", '
        '"payment_status": "paid"}}}'
    )
    for headers in [{}, {"HTTP_STRIPE_SIGNATURE": "t=1,v1=forged"}]:
        response = client.post(
            "/shop/payments/process/stripe/",
            data=body,
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 400
    order.refresh_from_db()
    assert order.state == Order.State.PENDING


def test_system_check_refuses_unverified_stripe(settings):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.PAYMENT_VARIANTS = {
        "stripe": (
            "payments.stripe.StripeProviderV3",
            {"api_key": "", "endpoint_secret": ""},
        )
    }
    ids = {message.id for message in run_checks()}
    assert {"commerce.E002", "commerce.E003"} <= ids
