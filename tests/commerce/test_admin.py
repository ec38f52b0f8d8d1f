"""The money pages of the admin, the console staff run operations from: every
commerce list and every record's page opens for staff, and each bulk action
says what it did in the right number ("1 refund approved.", "2 refunds
approved.") and in Chinese."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from commerce import services
from commerce.models import (
    Coupon,
    CouponRedemption,
    CreatorEarning,
    Fulfilment,
    Payment,
    Payout,
    Refund,
    Subscription,
)
from commerce.services import escrow
from tests.admin_actions import admin_action
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


@pytest.fixture
def refund_requests(client, pay, django_capture_on_commit_callbacks):
    """Five refund requests, each for the paid course of a buyer of its own;
    the client is signed in as staff."""
    made = []
    for _ in range(5):
        buyer = UserFactory()
        client.force_login(buyer)
        order = services.order_create(
            user=buyer, offers=[("course", PaidCourseFactory().pk)]
        )
        with django_capture_on_commit_callbacks(execute=True):
            pay(client, order)
        made.append(services.refund_request(user=buyer, order_item=order.items.get()))
    client.force_login(StaffFactory())
    return made


@pytest.mark.parametrize(
    ("action", "status", "one", "two", "two_zh"),
    [
        (
            "approve",
            Refund.Status.REFUNDED,
            "1 refund approved.",
            "2 refunds approved.",
            "已批准 2 笔退款。",
        ),
        (
            "deny",
            Refund.Status.DENIED,
            "1 refund denied.",
            "2 refunds denied.",
            "已拒绝 2 笔退款。",
        ),
    ],
)
def test_refund_decisions_are_counted_in_the_right_number(
    client,
    refund_requests,
    django_capture_on_commit_callbacks,
    action,
    status,
    one,
    two,
    two_zh,
):
    def decide(refunds, language="en"):
        return admin_action(client, "commerce.refund", action, refunds, language)

    with django_capture_on_commit_callbacks(execute=True):
        assert decide(refund_requests[:1]) == [one]
        assert decide(refund_requests[1:3]) == [two]
        assert decide(refund_requests[3:], "zh-hans") == [two_zh]
    assert set(Refund.objects.values_list("status", flat=True)) == {status}


def test_payout_decisions_are_counted_in_the_right_number(client, settings):
    settings.PAYOUT_MINIMUM = Decimal("1.00")
    payouts = [
        Payout.objects.create(creator=CreatorFactory(), amount=Decimal("10.00"))
        for _ in range(6)
    ]
    client.force_login(StaffFactory())
    paid, rejected = payouts[:3], payouts[3:]
    for action, payouts_chosen, said in [
        ("approve", paid[:1], "1 payout approved."),
        ("approve", paid[1:], "2 payouts approved."),
        ("mark_paid", paid[:1], "1 payout marked paid."),
        ("mark_paid", paid[1:], "2 payouts marked paid."),
        ("reject", rejected[:1], "1 payout rejected."),
        ("reject", rejected[1:], "2 payouts rejected."),
    ]:
        assert admin_action(client, "commerce.payout", action, payouts_chosen) == [said]
    assert list(Payout.objects.order_by("pk").values_list("status", flat=True)) == (
        [Payout.Status.PAID] * 3 + [Payout.Status.REJECTED] * 3
    )
    more = [
        Payout.objects.create(creator=CreatorFactory(), amount=Decimal("10.00"))
        for _ in range(2)
    ]
    assert admin_action(
        client, "commerce.payout", "approve", more, language="zh-hans"
    ) == ["已批准 2 笔提现。"]


def test_coupons_deactivated_are_counted_in_the_right_number(client):
    coupons = [CouponFactory() for _ in range(3)]
    client.force_login(StaffFactory())
    assert admin_action(client, "commerce.coupon", "deactivate", coupons[:1]) == [
        "1 coupon deactivated."
    ]
    assert admin_action(client, "commerce.coupon", "deactivate", coupons[1:]) == [
        "2 coupons deactivated."
    ]
    assert not Coupon.objects.filter(is_active=True).exists()
    assert admin_action(
        client, "commerce.coupon", "deactivate", coupons, language="zh-hans"
    ) == ["已停用 3 张优惠券。"]


def test_the_sales_dashboard_counts_open_refunds_and_payouts(client, settings):
    settings.PAYOUT_MINIMUM = Decimal("1.00")
    Payout.objects.create(creator=CreatorFactory(), amount=Decimal("10.00"))
    client.force_login(StaffFactory())
    url = reverse("admin:commerce_order_dashboard")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "0 refunds waiting" in page and "1 payout to handle" in page
    Payout.objects.create(creator=CreatorFactory(), amount=Decimal("10.00"))
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 payouts to handle" in page
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2 笔提现待处理" in page


def test_staff_never_add_or_delete_the_money_records(client, one_of_each):
    """Orders, payments, refunds, payouts and the ledger are written by the
    services and kept by the books; coupons and plans are staff's to make."""
    client.force_login(StaffFactory())
    made_by_staff = {"coupon", "subscriptionplan", "subscription"}
    for name, record in one_of_each.items():
        add = client.get(reverse(f"admin:commerce_{name}_add"))
        delete = client.get(reverse(f"admin:commerce_{name}_delete", args=[record.pk]))
        expected = 200 if name in made_by_staff else 403
        assert (add.status_code, delete.status_code) == (expected, expected), name


@pytest.mark.parametrize(
    ("language", "too_much", "backwards"),
    [
        ("en", "at most 100%", "must end after it starts"),
        ("zh-hans", "最多 100%", "结束时间必须晚于开始时间"),
    ],
)
def test_coupon_form_says_plainly_what_is_wrong_and_saves_nothing(
    client, staff_user, language, too_much, backwards
):
    """A 150% coupon or one that ends before it starts: the staff member reads
    why in their language (not a database constraint's name) and no coupon
    is created."""
    client.force_login(staff_user)
    client.cookies["django_language"] = language
    data = {
        "code": "BIG",
        "kind": "percent",
        "value": "150",
        "valid_from_0": "2026-12-01",
        "valid_from_1": "10:00:00",
        "valid_until_0": "2026-11-01",
        "valid_until_1": "10:00:00",
        "max_uses_per_user": "1",
        "min_order_total": "0",
        "is_active": "on",
    }
    page = client.post(reverse("admin:commerce_coupon_add"), data)
    text = page.content.decode()
    assert page.status_code == 200
    assert too_much in text and backwards in text
    assert "commerce_coupon_percent_at_most_100" not in text
    assert not Coupon.objects.exists()
