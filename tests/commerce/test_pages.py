"""Pages, the admin console and the API, with pinned query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from commerce import services
from commerce.models import Coupon, Order, Payout, Refund
from learning.access import can_open_course
from tests.factories import CreatorFactory, StaffFactory, UserFactory

from .factories import CouponFactory, PaidCourseFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner_client(client):
    user = UserFactory()
    client.force_login(user)
    client.user = user
    return client


def _paid_order(client, pay, capture, course=None):
    course = course or PaidCourseFactory()
    order = services.order_create(user=client.user, offers=[("course", course.pk)])
    with capture(execute=True):
        pay(client, order)
    return order


def test_buy_creates_an_order_and_ignores_a_posted_price(learner_client):
    course = PaidCourseFactory(price=Decimal("199.00"))
    response = learner_client.post(
        reverse("commerce:buy", args=["course", course.pk]),
        {"price": "0.01", "total": "0.01"},
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    assert order.total == Decimal("199.00")
    page = learner_client.get(order.get_absolute_url())
    assert page.status_code == 200
    assert "199.00" in page.content.decode()


def test_buy_needs_post_and_login(client):
    course = PaidCourseFactory()
    url = reverse("commerce:buy", args=["course", course.pk])
    assert client.post(url).status_code == 302  # to the login page
    user = UserFactory()
    client.force_login(user)
    assert client.get(url).status_code == 405
    assert (
        client.post(reverse("commerce:buy", args=["course", 99999])).status_code == 404
    )


def test_buying_an_owned_course_shows_a_message(
    learner_client, pay, django_capture_on_commit_callbacks
):
    course = PaidCourseFactory()
    _paid_order(learner_client, pay, django_capture_on_commit_callbacks, course)
    response = learner_client.post(
        reverse("commerce:buy", args=["course", course.pk]), follow=True
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any(course.title in m for m in messages)
    assert Order.objects.count() == 1


def test_coupon_form_applies_or_explains(learner_client):
    course = PaidCourseFactory(price=Decimal("100.00"))
    order = services.order_create(
        user=learner_client.user, offers=[("course", course.pk)]
    )
    url = reverse("commerce:order_coupon", args=[order.number])
    response = learner_client.post(url, {"code": "NOPE"}, follow=True)
    assert (
        "does not exist" in response.content.decode()
        or "不存在" in response.content.decode()
    )
    coupon = CouponFactory(kind=Coupon.Kind.FIXED, value=Decimal("30"))
    response = learner_client.post(url, {"code": coupon.code}, follow=True)
    order.refresh_from_db()
    # The same order, repriced, and a message that reads as good news.
    assert response.redirect_chain[-1][0] == order.get_absolute_url()
    assert order.coupon == coupon and order.total == Decimal("70.00")
    assert Order.objects.count() == 1
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert messages == [
        ("success", f"优惠券 {coupon.code} 已生效，立省 ¥30.00。"),
    ], messages
    body = response.content.decode()
    assert "¥70.00" in body and 'data-testid="applied-coupon"' in body
    response = learner_client.post(url, {"code": ""}, follow=True)
    order.refresh_from_db()
    assert order.coupon is None and order.total == Decimal("100.00")
    assert [str(m) for m in response.context["messages"]] == ["已移除优惠券。"]


def test_someone_elses_order_is_not_found(learner_client):
    other = services.order_create(
        user=UserFactory(), offers=[("course", PaidCourseFactory().pk)]
    )
    assert learner_client.get(other.get_absolute_url()).status_code == 404
    response = learner_client.post(reverse("commerce:order_pay", args=[other.number]))
    assert response.status_code == 404


def test_paying_a_cancelled_order_is_refused(learner_client):
    order = services.order_create(
        user=learner_client.user, offers=[("course", PaidCourseFactory().pk)]
    )
    learner_client.post(reverse("commerce:order_cancel", args=[order.number]))
    response = learner_client.post(
        reverse("commerce:order_pay", args=[order.number]), follow=True
    )
    assert not order.payments.exists()
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED


def test_receipt_and_refund_request_pages(
    learner_client, pay, django_capture_on_commit_callbacks
):
    order = _paid_order(learner_client, pay, django_capture_on_commit_callbacks)
    receipt = learner_client.get(reverse("commerce:order_receipt", args=[order.number]))
    assert receipt.status_code == 200 and order.number in receipt.content.decode()
    item = order.items.get()
    url = reverse("commerce:refund_request", args=[item.pk])
    assert learner_client.get(url).status_code == 200
    response = learner_client.post(url, {"reason": "Not for me"})
    assert response.status_code == 302
    assert Refund.objects.get().reason == "Not for me"


def test_my_orders_query_count_does_not_grow(
    learner_client, django_assert_max_num_queries
):
    for _ in range(3):
        services.order_create(
            user=learner_client.user,
            offers=[("course", PaidCourseFactory().pk)],
            reuse_pending=False,
        )
    with django_assert_max_num_queries(8):
        assert learner_client.get(reverse("commerce:my_orders")).status_code == 200
    for _ in range(10):
        services.order_create(
            user=learner_client.user,
            offers=[("course", PaidCourseFactory().pk)],
            reuse_pending=False,
        )
    # Same bound with four times the orders: items are prefetched in one query.
    with django_assert_max_num_queries(8):
        assert learner_client.get(reverse("commerce:my_orders")).status_code == 200


def test_plans_page_lists_and_sells(learner_client, django_assert_max_num_queries):
    PlanFactory(name="全站会员")
    PlanFactory(creator=CreatorFactory(), name="专栏")
    PlanFactory(creator=CreatorFactory(), name="专栏二")
    with django_assert_max_num_queries(6):
        response = learner_client.get(reverse("commerce:plans"))
    body = response.content.decode()
    assert "全站会员" in body
    # A column names its creator by display name, never by email address.
    assert "@example.com" not in body


def test_studio_revenue_for_creators_only_with_csv(
    client, pay, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    course = PaidCourseFactory(title="Deep Python", price=Decimal("100.00"))
    buyer = UserFactory()
    client.force_login(buyer)
    client.user = buyer
    _paid_order(client, pay, django_capture_on_commit_callbacks, course)
    url = reverse("commerce:studio_revenue")
    assert client.get(url).status_code == 403
    client.force_login(course.creator)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    body = response.content.decode()
    assert "Deep Python" in body and "70.00" in body
    csv_body = client.get(reverse("commerce:studio_revenue_csv")).content.decode()
    assert "Deep Python" in csv_body and "sale" in csv_body


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_studio_revenue_balance_cards_have_four_different_labels(client, language):
    """Settled, pending, paid out and withdrawable are four amounts: in Chinese
    "Available" and "Withdrawable" both read 可提现 over two different sums."""
    import re

    course = PaidCourseFactory()
    client.force_login(course.creator)
    body = client.get(
        reverse("commerce:studio_revenue"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    labels = re.findall(
        r'<div class="small text-body-secondary">([^<]+)</div><div class="fs-4', body
    )
    assert len(labels) == 4 and len(set(labels)) == 4, labels
    if language == "zh-hans":
        assert labels[0] == "已结算" and labels[3] == "可提现"


def test_admin_lists_and_actions(
    client, pay, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    buyer = UserFactory()
    client.force_login(buyer)
    client.user = buyer
    course = PaidCourseFactory()
    order = _paid_order(client, pay, django_capture_on_commit_callbacks, course)
    refund = services.refund_request(user=buyer, order_item=order.items.get())
    staff = StaffFactory()
    client.force_login(staff)
    for name in [
        "order",
        "payment",
        "refund",
        "coupon",
        "subscriptionplan",
        "subscription",
        "creatorearning",
        "payout",
        "couponredemption",
        "fulfilment",
    ]:
        with django_assert_max_num_queries(20):
            response = client.get(reverse(f"admin:commerce_{name}_changelist"))
        assert response.status_code == 200, name
    response = client.get(
        reverse("admin:commerce_order_changelist") + "?q=" + order.number
    )
    assert order.number in response.content.decode()
    assert client.get(reverse("admin:commerce_order_dashboard")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:commerce_refund_changelist"),
            {"action": "approve", "_selected_action": [refund.pk]},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
    refund.refresh_from_db()
    assert refund.status == Refund.Status.REFUNDED
    # English counted "1 refunds approved."
    assert "1 refund approved." in [str(m) for m in response.context["messages"]]
    assert not can_open_course(buyer, course)


@pytest.mark.parametrize(
    ("language", "hint"),
    [("zh-hans", "最低提现金额为 ¥50.00。"), ("en", "The minimum payout is CN¥50.00.")],
)
def test_the_payout_form_says_the_minimum_before_the_creator_asks(
    client, settings, language, hint
):
    """A creator used to learn about the minimum only after asking for less."""
    settings.PAYOUT_MINIMUM = Decimal("50.00")
    client.force_login(CreatorFactory())
    page = client.get(reverse("commerce:studio_revenue"), HTTP_ACCEPT_LANGUAGE=language)
    assert hint in page.content.decode()


def test_admin_payout_actions(client, settings):
    settings.PAYOUT_MINIMUM = Decimal("1.00")
    creator = CreatorFactory()
    payout = Payout.objects.create(creator=creator, amount=Decimal("10.00"))
    client.force_login(StaffFactory())
    url = reverse("admin:commerce_payout_changelist")
    client.post(url, {"action": "mark_paid", "_selected_action": [payout.pk]})
    payout.refresh_from_db()
    assert payout.status == Payout.Status.REQUESTED  # not approved yet
    client.post(url, {"action": "approve", "_selected_action": [payout.pk]})
    client.post(url, {"action": "mark_paid", "_selected_action": [payout.pk]})
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID and payout.approved_by is not None


# --- API ----------------------------------------------------------------------


def test_api_create_status_and_list(learner_client, django_assert_max_num_queries):
    course = PaidCourseFactory(price=Decimal("59.00"))
    response = learner_client.post(
        "/api/v1/orders/",
        {"items": [{"offer_type": "course", "offer_id": course.pk}]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert response.json()["total"] == "59.00"
    status = learner_client.get(f"/api/v1/orders/{number}/status/")
    assert status.json()["state"] == "pending"
    for _ in range(5):
        services.order_create(
            user=learner_client.user,
            offers=[("course", PaidCourseFactory().pk)],
            reuse_pending=False,
        )
    with django_assert_max_num_queries(6):
        listing = learner_client.get("/api/v1/orders/")
    assert listing.json()["count"] == 6


@pytest.mark.parametrize(
    "payload",
    [
        {"items": [{"offer_type": "course", "offer_id": 0}]},
        {"items": [{"offer_type": "course", "offer_id": 1, "quantity": -1}]},
        {"items": [{"offer_type": "course", "offer_id": 1, "price": "0.01"}]},
        {"items": [{"offer_type": "course", "offer_id": 1}], "total": "0.01"},
        {"items": []},
    ],
)
def test_api_refuses_bad_input(learner_client, payload):
    course = PaidCourseFactory()
    for item in payload["items"]:
        if item["offer_id"] == 1:
            item["offer_id"] = course.pk
    response = learner_client.post(
        "/api/v1/orders/", payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_api_other_users_order_is_not_found(learner_client):
    other = services.order_create(
        user=UserFactory(), offers=[("course", PaidCourseFactory().pk)]
    )
    assert learner_client.get(f"/api/v1/orders/{other.number}/").status_code == 404
    assert learner_client.get("/api/v1/orders/").json()["count"] == 0


def test_order_page_query_count_does_not_grow_with_items(
    learner_client, django_assert_max_num_queries
):
    def order_with(n):
        return services.order_create(
            user=learner_client.user,
            offers=[("course", PaidCourseFactory().pk) for _ in range(n)],
            reuse_pending=False,
        )

    small, large = order_with(1), order_with(8)
    for order in (small, large):
        with django_assert_max_num_queries(10):
            response = learner_client.get(order.get_absolute_url())
        assert response.status_code == 200


def test_pending_gateway_answer_shows_waiting_and_refreshes(learner_client):
    order = services.order_create(
        user=learner_client.user, offers=[("course", PaidCourseFactory().pk)]
    )
    payment = services.payment_create(order=order, user=learner_client.user)
    learner_client.post(
        reverse("commerce:payment", args=[payment.token]), {"outcome": "pending"}
    )
    response = learner_client.get(order.get_absolute_url() + "?payment=done")
    assert response.context["waiting"] is True
    assert 'http-equiv="refresh"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "said"), [("zh-hans", "浏览课程目录"), ("en", "Browse the catalogue")]
)
def test_my_orders_without_orders_leads_to_the_catalogue(
    learner_client, settings, language, said
):
    learner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    body = learner_client.get(reverse("commerce:my_orders")).content.decode()
    link = f'href="{reverse("courses:catalogue")}" data-testid="orders-empty-catalogue"'
    assert link in body
    assert said in body
