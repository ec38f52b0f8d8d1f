"""Checkout: server-side prices, coupons, free items, owned courses, states."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commerce import services
from commerce.models import Coupon, CouponRedemption, Order
from learning.models import Enrollment
from tests.factories import CategoryFactory, CourseFactory, UserFactory

from .factories import CouponFactory, PaidCourseFactory, make_bundle

pytestmark = pytest.mark.django_db


def test_order_takes_the_server_price():
    course = PaidCourseFactory(price=Decimal("199.00"))
    order = services.order_create(user=UserFactory(), offers=[("course", course.pk)])
    assert order.state == Order.State.PENDING
    assert order.total == Decimal("199.00")
    item = order.items.get()
    assert (item.list_price, item.price, item.creator_id) == (
        Decimal("199.00"),
        Decimal("199.00"),
        course.creator_id,
    )
    assert order.expires_at > timezone.now()


def test_second_click_returns_the_same_pending_order():
    course = PaidCourseFactory()
    user = UserFactory()
    first = services.order_create(user=user, offers=[("course", course.pk)])
    second = services.order_create(user=user, offers=[("course", course.pk)])
    assert first.pk == second.pk


def test_unknown_or_unpublished_offer_is_refused():
    user = UserFactory()
    draft = PaidCourseFactory(status="draft")
    for offer in [("course", draft.pk), ("course", 999999), ("nonsense", 1)]:
        with pytest.raises(services.CommerceError) as exc:
            services.order_create(user=user, offers=[offer])
        assert exc.value.code == "not_for_sale"
    assert not Order.objects.exists()


def test_already_owned_course_is_refused_with_a_message():
    course = PaidCourseFactory()
    user = UserFactory()
    Enrollment.objects.create(user=user, course=course, source="purchase")
    with pytest.raises(services.CommerceError) as exc:
        services.order_create(user=user, offers=[("course", course.pk)])
    assert exc.value.code == "already_owned"
    assert course.title in exc.value.message


def test_free_course_is_fulfilled_at_once_without_payment(
    django_capture_on_commit_callbacks,
):
    course = CourseFactory(price=Decimal("0"))
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_create(user=user, offers=[("course", course.pk)])
    order.refresh_from_db()
    assert order.state == Order.State.PAID and order.provider == "free"
    assert not order.payments.exists()
    assert Enrollment.objects.filter(user=user, course=course, is_active=True).exists()
    assert not order.items.get().earnings.exists()


def test_percent_coupon_limited_to_a_category():
    python = CategoryFactory(slug="py")
    other = CategoryFactory(slug="other")
    in_scope = PaidCourseFactory(price=Decimal("100.00"), category=python)
    out_of_scope = PaidCourseFactory(price=Decimal("50.00"), category=other)
    coupon = CouponFactory(kind=Coupon.Kind.PERCENT, value=Decimal("25"))
    coupon.categories.add(python)
    order = services.order_create(
        user=UserFactory(),
        offers=[("course", in_scope.pk), ("course", out_of_scope.pk)],
        coupon_code=coupon.code.lower(),
    )
    assert order.subtotal == Decimal("150.00")
    assert order.discount == Decimal("25.00")
    assert order.total == Decimal("125.00")
    prices = {i.offer_id: i.price for i in order.items.all()}
    assert prices == {in_scope.pk: Decimal("75.00"), out_of_scope.pk: Decimal("50.00")}


def test_coupon_limited_to_a_subcategory_parent_applies_to_children():
    parent = CategoryFactory(slug="parent")
    child = CategoryFactory(slug="child", parent=parent)
    course = PaidCourseFactory(price=Decimal("80.00"), category=child)
    coupon = CouponFactory(kind=Coupon.Kind.FIXED, value=Decimal("30"))
    coupon.categories.add(parent)
    order = services.order_create(
        user=UserFactory(), offers=[("course", course.pk)], coupon_code=coupon.code
    )
    assert order.total == Decimal("50.00")


def test_coupon_outside_its_scope_is_refused():
    course = PaidCourseFactory()
    coupon = CouponFactory()
    coupon.courses.add(PaidCourseFactory())
    with pytest.raises(services.CommerceError) as exc:
        services.order_create(
            user=UserFactory(), offers=[("course", course.pk)], coupon_code=coupon.code
        )
    assert exc.value.code == "coupon_not_applicable"
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"valid_until": timezone.now() - timedelta(minutes=1)}, "coupon_expired"),
        ({"valid_from": timezone.now() + timedelta(days=1)}, "coupon_not_yet"),
        ({"is_active": False}, "coupon_unknown"),
    ],
)
def test_unusable_coupons_are_refused(changes, code):
    course = PaidCourseFactory()
    coupon = CouponFactory(**changes)
    with pytest.raises(services.CommerceError) as exc:
        services.order_create(
            user=UserFactory(), offers=[("course", course.pk)], coupon_code=coupon.code
        )
    assert exc.value.code == code
    assert not CouponRedemption.objects.exists()


def test_foreign_personal_coupon_is_refused():
    owner = UserFactory()
    coupon = services.coupon_issue(user=owner, amount=Decimal("10"), reason="points")
    with pytest.raises(services.CommerceError) as exc:
        services.order_create(
            user=UserFactory(),
            offers=[("course", PaidCourseFactory().pk)],
            coupon_code=coupon.code,
        )
    assert exc.value.code == "coupon_foreign"


def test_issued_coupon_is_single_use_fixed_and_personal():
    owner = UserFactory()
    coupon = services.coupon_issue(
        user=owner, amount=Decimal("15"), reason="500 points", valid_days=10
    )
    assert (coupon.kind, coupon.value, coupon.max_uses, coupon.owner) == (
        Coupon.Kind.FIXED,
        Decimal("15.00"),
        1,
        owner,
    )
    assert coupon.valid_until - coupon.valid_from == timedelta(days=10)
    order = services.order_create(
        user=owner,
        offers=[("course", PaidCourseFactory(price=Decimal("100")).pk)],
        coupon_code=coupon.code,
    )
    assert order.total == Decimal("85.00")
    with pytest.raises(services.CommerceError) as exc:
        services.order_create(
            user=owner,
            offers=[("course", PaidCourseFactory().pk)],
            coupon_code=coupon.code,
        )
    assert exc.value.code in {"coupon_used_up", "coupon_used_by_you"}


def test_total_and_per_user_limits_and_release_on_cancel():
    coupon = CouponFactory(max_uses=2, max_uses_per_user=1)
    user = UserFactory()
    first = services.order_create(
        user=user, offers=[("course", PaidCourseFactory().pk)], coupon_code=coupon.code
    )
    with pytest.raises(services.CommerceError) as exc:
        services.order_create(
            user=user,
            offers=[("course", PaidCourseFactory().pk)],
            coupon_code=coupon.code,
        )
    assert exc.value.code == "coupon_used_by_you"
    services.order_create(
        user=UserFactory(),
        offers=[("course", PaidCourseFactory().pk)],
        coupon_code=coupon.code,
    )
    with pytest.raises(services.CommerceError) as exc:
        services.order_create(
            user=UserFactory(),
            offers=[("course", PaidCourseFactory().pk)],
            coupon_code=coupon.code,
        )
    assert exc.value.code == "coupon_used_up"
    services.order_cancel(order=first, user=user)
    # The cancelled order gave its use back.
    services.order_create(
        user=UserFactory(),
        offers=[("course", PaidCourseFactory().pk)],
        coupon_code=coupon.code,
    )


def test_fully_discounted_order_skips_payment(django_capture_on_commit_callbacks):
    course = PaidCourseFactory(price=Decimal("50"))
    coupon = CouponFactory(kind=Coupon.Kind.PERCENT, value=Decimal("100"))
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_create(
            user=user, offers=[("course", course.pk)], coupon_code=coupon.code
        )
    order.refresh_from_db()
    assert order.total == 0 and order.state == Order.State.PAID
    assert Enrollment.objects.filter(user=user, course=course).exists()


def test_a_coupon_reprices_the_same_order():
    user = UserFactory()
    course = PaidCourseFactory(price=Decimal("100"))
    order = services.order_create(user=user, offers=[("course", course.pk)])
    number = order.number
    coupon = CouponFactory(kind=Coupon.Kind.FIXED, value=Decimal("40"))

    applied = services.order_coupon_apply(
        order=order, user=user, coupon_code=coupon.code.lower()
    )

    assert applied.pk == order.pk and applied.number == number
    order.refresh_from_db()
    assert order.state == Order.State.PENDING and order.coupon == coupon
    assert (order.subtotal, order.discount, order.total) == (
        Decimal("100.00"),
        Decimal("40.00"),
        Decimal("60.00"),
    )
    item = order.items.get()
    assert (item.discount, item.price) == (Decimal("40.00"), Decimal("60.00"))
    assert Order.objects.count() == 1
    assert order.redemptions.get(released_at__isnull=True).amount == Decimal("40.00")


def test_another_coupon_replaces_the_first_and_gives_its_use_back():
    user = UserFactory()
    order = services.order_create(
        user=user, offers=[("course", PaidCourseFactory(price=Decimal("100")).pk)]
    )
    first = CouponFactory(kind=Coupon.Kind.FIXED, value=Decimal("10"), max_uses=1)
    second = CouponFactory(kind=Coupon.Kind.PERCENT, value=Decimal("25"))
    services.order_coupon_apply(order=order, user=user, coupon_code=first.code)
    order = services.order_coupon_apply(order=order, user=user, coupon_code=second.code)
    assert (order.coupon, order.total) == (second, Decimal("75.00"))
    assert order.redemptions.count() == 2
    assert order.redemptions.get(coupon=first).released_at is not None
    # The first coupon's only use was given back: another buyer may use it.
    other = UserFactory()
    services.order_create(
        user=other,
        offers=[("course", PaidCourseFactory().pk)],
        coupon_code=first.code,
    )


def test_removing_the_coupon_restores_the_list_price():
    user = UserFactory()
    coupon = CouponFactory(kind=Coupon.Kind.PERCENT, value=Decimal("10"))
    order = services.order_create(
        user=user,
        offers=[("course", PaidCourseFactory(price=Decimal("99")).pk)],
        coupon_code=coupon.code,
    )
    assert order.total == Decimal("89.10")
    order = services.order_coupon_apply(order=order, user=user, coupon_code="")
    assert (order.coupon, order.discount, order.total) == (
        None,
        Decimal("0.00"),
        Decimal("99.00"),
    )
    assert order.items.get().price == Decimal("99.00")
    assert not order.redemptions.filter(released_at__isnull=True).exists()


def test_a_refused_coupon_leaves_the_order_as_it_was():
    user = UserFactory()
    kept = CouponFactory(kind=Coupon.Kind.FIXED, value=Decimal("5"))
    order = services.order_create(
        user=user,
        offers=[("course", PaidCourseFactory(price=Decimal("50")).pk)],
        coupon_code=kept.code,
    )
    with pytest.raises(services.CommerceError) as exc:
        services.order_coupon_apply(order=order, user=user, coupon_code="NOPE")
    assert exc.value.code == "coupon_unknown"
    order.refresh_from_db()
    assert (order.coupon, order.total) == (kept, Decimal("45.00"))
    assert order.redemptions.get().released_at is None


def test_a_coupon_cannot_change_a_paid_or_foreign_order():
    user = UserFactory()
    coupon = CouponFactory()
    order = services.order_create(
        user=user, offers=[("course", PaidCourseFactory().pk)]
    )
    with pytest.raises(services.CommerceError) as exc:
        services.order_coupon_apply(
            order=order, user=UserFactory(), coupon_code=coupon.code
        )
    assert exc.value.code == "foreign"
    services.order_cancel(order=order, user=user)
    with pytest.raises(services.CommerceError) as exc:
        services.order_coupon_apply(order=order, user=user, coupon_code=coupon.code)
    assert exc.value.code == "not_payable"


def test_a_payment_started_at_the_old_amount_cannot_pay_the_repriced_order(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    order = services.order_create(
        user=user, offers=[("course", PaidCourseFactory(price=Decimal("100")).pk)]
    )
    old_payment = services.payment_create(order=order, user=user)
    coupon = CouponFactory(kind=Coupon.Kind.FIXED, value=Decimal("30"))
    order = services.order_coupon_apply(order=order, user=user, coupon_code=coupon.code)
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_callback(payment_id=old_payment.pk, status="confirmed")
    order.refresh_from_db()
    old_payment.refresh_from_db()
    assert order.state == Order.State.PENDING
    assert old_payment.status == "refunded"
    # Paying now starts a payment of the new total.
    assert services.payment_create(order=order, user=user).total == Decimal("70.00")


def test_a_full_discount_pays_the_order_at_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    course = PaidCourseFactory(price=Decimal("30"))
    order = services.order_create(user=user, offers=[("course", course.pk)])
    coupon = CouponFactory(kind=Coupon.Kind.PERCENT, value=Decimal("100"))
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_coupon_apply(
            order=order, user=user, coupon_code=coupon.code
        )
    assert order.state == Order.State.PAID and order.total == 0
    assert Enrollment.objects.filter(user=user, course=course).exists()


def test_orders_expire_and_release_coupons():
    user = UserFactory()
    coupon = CouponFactory(max_uses=1)
    order = services.order_create(
        user=user, offers=[("course", PaidCourseFactory().pk)], coupon_code=coupon.code
    )
    assert services.orders_expire(now=timezone.now()) == 0
    assert services.orders_expire(now=timezone.now() + timedelta(hours=2)) == 1
    order.refresh_from_db()
    assert order.state == Order.State.EXPIRED
    assert order.redemptions.get().released_at is not None
    with pytest.raises(services.CommerceError):
        services.payment_create(order=order, user=user)


def test_cancelled_order_cannot_be_paid():
    user = UserFactory()
    order = services.order_create(
        user=user, offers=[("course", PaidCourseFactory().pk)]
    )
    services.order_cancel(order=order, user=user)
    with pytest.raises(services.CommerceError) as exc:
        services.payment_create(order=order, user=user)
    assert exc.value.code == "closed"


def test_foreign_order_cannot_be_paid():
    order = services.order_create(
        user=UserFactory(), offers=[("course", PaidCourseFactory().pk)]
    )
    with pytest.raises(services.CommerceError):
        services.payment_create(order=order, user=UserFactory())


def test_bundle_price_and_pro_rata_lines():
    a = PaidCourseFactory(price=Decimal("100.00"))
    b = PaidCourseFactory(price=Decimal("200.00"))
    bundle = make_bundle([a, b], price=Decimal("240.00"))
    order = services.order_create(user=UserFactory(), offers=[("bundle", bundle.pk)])
    item = order.items.get()
    assert item.price == Decimal("240.00")
    assert sorted(item.course_ids) == sorted([a.pk, b.pk])
    assert services.split_pro_rata(
        item.price, [Decimal(line["weight"]) for line in item.revenue_lines]
    ) == [Decimal("80.00"), Decimal("160.00")]


def test_split_pro_rata_always_sums_exactly():
    parts = services.split_pro_rata(Decimal("100.00"), [Decimal(1)] * 3)
    assert sum(parts) == Decimal("100.00")
    assert sorted(parts) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
