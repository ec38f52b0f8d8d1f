"""The money pages of the admin, the console staff run operations from: every
commerce list and every record's page opens for staff."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from commerce import services
from commerce.models import (
    CouponRedemption,
    CreatorEarning,
    Fulfilment,
    Payment,
    Payout,
    Subscription,
)
from commerce.services import escrow
from tests.factories import CreatorFactory, StaffFactory, UserFactory

from .factories import CouponFactory, PaidCourseFactory, PlanFactory

pytestmark = pytest.mark.django_db

# Every commerce model staff operate on has its pages (commerce/admin/).
PAGES = {
    "order",
    "payment",
    "fulfilment",
    "refund",
    "coupon",
    "couponredemption",
    "subscriptionplan",
    "subscription",
    "creatorearning",
    "escrowhold",
    "payout",
}


@pytest.fixture
def one_of_each(client, pay, django_capture_on_commit_callbacks, settings):
    """A paid order bought with a coupon, its refund request, a membership, a
    held paid question's money and a payout: one record for every page."""
    settings.PAYOUT_MINIMUM = Decimal("1.00")
    buyer = UserFactory()
    client.force_login(buyer)
    coupon = CouponFactory()
    order = services.order_create(
        user=buyer, offers=[("course", PaidCourseFactory().pk)], coupon_code=coupon.code
    )
    with django_capture_on_commit_callbacks(execute=True):
        pay(client, order)
    item = order.items.get()
    plan = PlanFactory()
    return {
        "order": order,
        "payment": Payment.objects.get(order=order),
        "fulfilment": Fulfilment.objects.get(order_item=item),
        "refund": services.refund_request(user=buyer, order_item=item),
        "coupon": coupon,
        "couponredemption": CouponRedemption.objects.get(order=order),
        "subscriptionplan": plan,
        "subscription": services.subscription_start(
            user=buyer, plan=plan, order_item=None
        ),
        "creatorearning": CreatorEarning.objects.get(order_item=item),
        "escrowhold": escrow.escrow_hold(item=item),
        "payout": Payout.objects.create(
            creator=CreatorFactory(), amount=Decimal("10.00")
        ),
    }


def test_every_commerce_list_and_record_page_opens(client, one_of_each):
    registered = {
        model._meta.model_name
        for model in admin.site._registry
        if model._meta.app_label == "commerce"
    }
    assert registered == PAGES
    assert set(one_of_each) == PAGES
    assert Subscription.objects.count() == 1
    client.force_login(StaffFactory())
    for name, record in one_of_each.items():
        listing = client.get(reverse(f"admin:commerce_{name}_changelist"))
        assert listing.status_code == 200, name
        assert reverse(f"admin:commerce_{name}_change", args=[record.pk]) in (
            listing.content.decode()
        ), name
        page = client.get(reverse(f"admin:commerce_{name}_change", args=[record.pk]))
        assert page.status_code == 200, name
        assert page.context["original"] == record, name
