"""Payments through the signed dummy gateway: capture once, fulfil once, refunds."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from payments import PaymentStatus

from commerce import registry, services
from commerce.models import CreatorEarning, Fulfilment, Order, Payout, Refund
from commerce.payment_providers import sign_callback
from learning.access import can_open_course
from learning.models import Enrollment
from tests.factories import CreatorFactory, StaffFactory, UserFactory

from .factories import PaidCourseFactory, PlanFactory, make_bundle

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def buyer_client(client):
    user = UserFactory()
    client.force_login(user)
    client.user = user
    return client


def _order(user, *offers):
    return services.order_create(user=user, offers=list(offers))


def test_paid_callback_captures_fulfils_and_books_earnings(
    buyer_client, pay, django_capture_on_commit_callbacks
):
    course = PaidCourseFactory(price=Decimal("100.00"))
    order = _order(buyer_client.user, ("course", course.pk))
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(buyer_client, order)
    assert payment.status == PaymentStatus.CONFIRMED
    assert payment.captured_amount == Decimal("100.00")
    assert order.state == Order.State.PAID and order.paid_payment == payment
    assert Enrollment.objects.get(user=buyer_client.user, course=course).source == (
        "purchase"
    )
    earning = CreatorEarning.objects.get()
    assert (earning.creator_id, earning.gross, earning.commission, earning.net) == (
        course.creator_id,
        Decimal("100.00"),
        Decimal("30.00"),
        Decimal("70.00"),
    )
    assert earning.status == CreatorEarning.Status.PENDING


def test_repeated_callback_changes_nothing(
    buyer_client, pay, django_capture_on_commit_callbacks
):
    course = PaidCourseFactory()
    order = _order(buyer_client.user, ("course", course.pk))
    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(buyer_client, order)
    url = (
        payment.get_process_url()
        + "?sig="
        + sign_callback(token=payment.token, status="confirmed")
    )
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert buyer_client.get(url).status_code == 302
    assert Fulfilment.objects.count() == 1
    assert CreatorEarning.objects.count() == 1
    assert Enrollment.objects.count() == 1


def test_forged_callback_is_refused(buyer_client):
    course = PaidCourseFactory()
    order = _order(buyer_client.user, ("course", course.pk))
    payment = services.payment_create(order=order, user=buyer_client.user)
    base = payment.get_process_url()
    other = services.payment_create(
        order=_order(buyer_client.user, ("course", PaidCourseFactory().pk)),
        user=buyer_client.user,
    )
    forged = [
        base + "?verification_result=confirmed",
        base + "?sig=garbage",
        base + "?sig=" + sign_callback(token=other.token, status="confirmed"),
        base + "?sig=" + sign_callback(token=payment.token, status="refunded"),
    ]
    for url in forged:
        assert buyer_client.get(url).status_code == 403, url
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.WAITING
    assert order.state == Order.State.PENDING
    assert not Enrollment.objects.exists()


def test_failed_payment_leaves_order_payable(buyer_client, pay):
    order = _order(buyer_client.user, ("course", PaidCourseFactory().pk))
    payment = pay(buyer_client, order, status="rejected")
    assert payment.status == PaymentStatus.REJECTED
    assert order.state == Order.State.PENDING
    # A new attempt is possible.
    again = services.payment_create(order=order, user=buyer_client.user)
    assert again.pk != payment.pk


def test_dummy_gateway_page_success_failure_pending(
    buyer_client, django_capture_on_commit_callbacks
):
    course = PaidCourseFactory()
    order = _order(buyer_client.user, ("course", course.pk))
    response = buyer_client.post(reverse("commerce:order_pay", args=[order.number]))
    assert response.status_code == 302
    page = buyer_client.get(response.url)
    assert page.status_code == 200
    assert b'name="outcome"' in page.content
    # Pending: the payment waits, the order stays pending.
    response = buyer_client.post(page.request["PATH_INFO"], {"outcome": "pending"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == Order.State.PENDING
    # Success: redirected through the signed callback to the order page.
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.post(
            page.request["PATH_INFO"], {"outcome": "success"}, follow=True
        )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert can_open_course(buyer_client.user, course)


def test_tampered_payment_amount_is_not_accepted(
    buyer_client, pay, django_capture_on_commit_callbacks
):
    order = _order(buyer_client.user, ("course", PaidCourseFactory().pk))
    payment = services.payment_create(order=order, user=buyer_client.user)
    type(payment).objects.filter(pk=payment.pk).update(total=Decimal("0.01"))
    payment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer_client.get(
            payment.get_process_url()
            + "?sig="
            + sign_callback(token=payment.token, status="confirmed")
        )
    assert response.status_code == 302
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.state == Order.State.PENDING
    assert payment.status == PaymentStatus.REFUNDED  # the wrong amount went back
    assert not Enrollment.objects.exists()


def test_reconciliation_refunds_a_stray_payment_left_behind(buyer_client):
    order = _order(buyer_client.user, ("course", PaidCourseFactory().pk))
    first = services.payment_create(order=order, user=buyer_client.user)
    second = type(first).objects.create(
        order=order, variant="dummy", currency=order.currency, total=order.total
    )
    # Both confirmed (two tabs); the second's immediate refund was lost
    # (on-commit hooks are not run here, as if the process died).
    services.payment_callback(payment_id=first.pk, status=PaymentStatus.CONFIRMED)
    services.payment_callback(payment_id=second.pk, status=PaymentStatus.CONFIRMED)
    second.refresh_from_db()
    assert second.status == PaymentStatus.CONFIRMED
    result = services.reconcile_orders()
    assert result["refunded"] == 1
    second.refresh_from_db()
    assert second.status == PaymentStatus.REFUNDED
    order.refresh_from_db()
    assert order.paid_payment_id == first.pk


def test_payment_after_cancellation_is_refunded_not_kept(
    buyer_client, django_capture_on_commit_callbacks
):
    order = _order(buyer_client.user, ("course", PaidCourseFactory().pk))
    payment = services.payment_create(order=order, user=buyer_client.user)
    services.order_cancel(order=order, user=buyer_client.user)
    with django_capture_on_commit_callbacks(execute=True):
        buyer_client.get(
            payment.get_process_url()
            + "?sig="
            + sign_callback(token=payment.token, status="confirmed")
        )
    payment.refresh_from_db()
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    assert payment.status == PaymentStatus.REFUNDED
    assert not Enrollment.objects.exists()


def test_failure_during_fulfilment_is_repaired_by_reconciliation(
    buyer_client, pay, monkeypatch, django_capture_on_commit_callbacks
):
    course = PaidCourseFactory()
    order = _order(buyer_client.user, ("course", course.pk))
    real = registry.get_offer_type("course")

    def broken(**kwargs):
        raise RuntimeError("fulfilment crashed")

    monkeypatch.setitem(
        registry._offer_types,
        "course",
        registry.OfferType(**{**real.__dict__, "fulfil": broken}),
    )
    with django_capture_on_commit_callbacks(execute=True):
        pay(buyer_client, order)
    assert order.state == Order.State.PAID
    assert not Fulfilment.objects.exists() and not CreatorEarning.objects.exists()
    monkeypatch.setitem(registry._offer_types, "course", real)
    from commerce.tasks import reconcile_orders_task

    assert reconcile_orders_task.delay().get() == {
        "captured": 0,
        "fulfilled": 1,
        "refunded": 0,
        "failed": 0,
    }
    assert reconcile_orders_task.delay().get() == {
        "captured": 0,
        "fulfilled": 0,
        "refunded": 0,
        "failed": 0,
    }
    assert Enrollment.objects.filter(user=buyer_client.user, course=course).count() == 1
    assert CreatorEarning.objects.count() == 1


def _paid(client, pay, capture, *offers):
    order = _order(client.user, *offers)
    with capture(execute=True):
        pay(client, order)
    return order


def test_refund_within_policy_revokes_access_and_reverses_earnings(
    buyer_client, pay, django_capture_on_commit_callbacks
):
    course = PaidCourseFactory(price=Decimal("99.99"))
    order = _paid(
        buyer_client, pay, django_capture_on_commit_callbacks, ("course", course.pk)
    )
    item = order.items.get()
    refund = services.refund_request(user=buyer_client.user, order_item=item)
    with pytest.raises(services.CommerceError):
        services.refund_request(user=buyer_client.user, order_item=item)
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_approve(refund_id=refund.pk, staff=staff)
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == Refund.Status.REFUNDED and refund.decided_by == staff
    assert order.state == Order.State.REFUNDED
    assert order.paid_payment.status == PaymentStatus.REFUNDED
    assert not can_open_course(buyer_client.user, course)
    rows = CreatorEarning.objects.filter(order_item=item)
    assert sorted(rows.values_list("kind", "net")) == [
        ("refund", Decimal("-69.99")),
        ("sale", Decimal("69.99")),
    ]
    with pytest.raises(services.CommerceError):
        services.refund_approve(refund_id=refund.pk, staff=staff)


def test_refund_refused_after_window_or_too_much_progress(
    buyer_client, pay, django_capture_on_commit_callbacks, settings
):
    course = PaidCourseFactory()
    order = _paid(
        buyer_client, pay, django_capture_on_commit_callbacks, ("course", course.pk)
    )
    item = order.items.get()
    Enrollment.objects.filter(user=buyer_client.user).update(progress_percent=80)
    with pytest.raises(services.CommerceError) as exc:
        services.refund_request(user=buyer_client.user, order_item=item)
    assert exc.value.code == "too_much_progress"
    Enrollment.objects.filter(user=buyer_client.user).update(progress_percent=0)
    Order.objects.filter(pk=order.pk).update(
        paid_at=timezone.now() - timedelta(days=settings.REFUND_WINDOW_DAYS + 1)
    )
    item.order.refresh_from_db()
    with pytest.raises(services.CommerceError) as exc:
        services.refund_request(user=buyer_client.user, order_item=item)
    assert exc.value.code == "window_closed"
    with pytest.raises(services.CommerceError):
        services.refund_request(user=UserFactory(), order_item=item)


def test_denied_refund_keeps_access(
    buyer_client, pay, django_capture_on_commit_callbacks
):
    course = PaidCourseFactory()
    order = _paid(
        buyer_client, pay, django_capture_on_commit_callbacks, ("course", course.pk)
    )
    refund = services.refund_request(
        user=buyer_client.user, order_item=order.items.get()
    )
    services.refund_deny(refund_id=refund.pk, staff=StaffFactory(), note="used")
    assert can_open_course(buyer_client.user, course)
    assert CreatorEarning.objects.count() == 1


def test_bundle_enrols_every_course_and_splits_earnings(
    buyer_client, pay, django_capture_on_commit_callbacks
):
    a = PaidCourseFactory(price=Decimal("100.00"))
    b = PaidCourseFactory(price=Decimal("200.00"))
    bundle = make_bundle([a, b], price=Decimal("150.00"))
    order = _paid(
        buyer_client, pay, django_capture_on_commit_callbacks, ("bundle", bundle.pk)
    )
    assert can_open_course(buyer_client.user, a)
    assert can_open_course(buyer_client.user, b)
    rows = {e.creator_id: e for e in CreatorEarning.objects.all()}
    assert rows[a.creator_id].gross == Decimal("50.00")
    assert rows[b.creator_id].gross == Decimal("100.00")
    with pytest.raises(services.CommerceError) as exc:
        _order(buyer_client.user, ("bundle", bundle.pk))
    assert exc.value.code == "already_owned"
    refund = services.refund_request(
        user=buyer_client.user, order_item=order.items.get()
    )
    services.refund_approve(refund_id=refund.pk, staff=StaffFactory())
    assert not can_open_course(buyer_client.user, a)
    assert sum(CreatorEarning.objects.values_list("gross", flat=True)) == 0


def test_membership_grants_creator_courses_and_renewal_extends(
    buyer_client, pay, django_capture_on_commit_callbacks
):
    creator = CreatorFactory()
    own = PaidCourseFactory(creator=creator)
    other = PaidCourseFactory()
    plan = PlanFactory(creator=creator, price=Decimal("30.00"))
    _paid(buyer_client, pay, django_capture_on_commit_callbacks, ("plan", plan.pk))
    assert can_open_course(buyer_client.user, own)
    assert not can_open_course(buyer_client.user, other)
    _paid(buyer_client, pay, django_capture_on_commit_callbacks, ("plan", plan.pk))
    periods = list(buyer_client.user.subscriptions.order_by("starts_at"))
    assert len(periods) == 2
    assert periods[1].starts_at == periods[0].ends_at
    # Expiry: once both periods are over, access is gone and beat marks them.
    later = periods[1].ends_at + timedelta(seconds=1)
    type(periods[0]).objects.update(
        starts_at=timezone.now() - timedelta(days=61),
        ends_at=timezone.now() - timedelta(seconds=1),
    )
    assert services.subscriptions_expire() == 2
    assert not can_open_course(buyer_client.user, own)
    assert later > timezone.now()


def test_site_wide_plan_is_platform_revenue(
    buyer_client, pay, django_capture_on_commit_callbacks
):
    plan = PlanFactory(creator=None, price=Decimal("88.00"))
    _paid(buyer_client, pay, django_capture_on_commit_callbacks, ("plan", plan.pk))
    assert can_open_course(buyer_client.user, PaidCourseFactory())
    earning = CreatorEarning.objects.get()
    assert (earning.creator_id, earning.commission, earning.net) == (
        None,
        Decimal("88.00"),
        Decimal("0.00"),
    )


def test_commission_provider_overrides_rate(
    buyer_client, pay, django_capture_on_commit_callbacks, monkeypatch
):
    course = PaidCourseFactory(price=Decimal("100.00"))
    monkeypatch.setattr(
        registry,
        "_commission_providers",
        [
            lambda creator_id: (
                Decimal("0.10") if creator_id == course.creator_id else None
            )
        ],
    )
    _paid(buyer_client, pay, django_capture_on_commit_callbacks, ("course", course.pk))
    assert CreatorEarning.objects.get().net == Decimal("90.00")


def test_earnings_release_and_payouts(
    buyer_client, pay, django_capture_on_commit_callbacks, settings
):
    settings.PAYOUT_MINIMUM = Decimal("50.00")
    course = PaidCourseFactory(price=Decimal("200.00"))
    _paid(buyer_client, pay, django_capture_on_commit_callbacks, ("course", course.pk))
    creator = course.creator
    assert services.creator_balance(creator_id=creator.pk)["withdrawable"] == 0
    with pytest.raises(services.CommerceError):
        services.payout_request(creator=creator, amount=Decimal("100"))
    assert services.earnings_release() == 0
    later = timezone.now() + timedelta(days=settings.REFUND_WINDOW_DAYS, minutes=1)
    assert services.earnings_release(now=later) == 1
    balance = services.creator_balance(creator_id=creator.pk)
    assert balance["available"] == Decimal("140.00")
    with pytest.raises(services.CommerceError) as exc:
        services.payout_request(creator=creator, amount=Decimal("10"))
    assert exc.value.code == "minimum"
    payout = services.payout_request(creator=creator, amount=Decimal("100"))
    with pytest.raises(services.CommerceError) as exc:
        services.payout_request(creator=creator, amount=Decimal("50"))
    assert exc.value.code == "too_much"
    staff = StaffFactory()
    with pytest.raises(services.CommerceError):
        services.payout_mark_paid(payout_id=payout.pk, staff=staff)
    services.payout_approve(payout_id=payout.pk, staff=staff)
    payout = services.payout_mark_paid(payout_id=payout.pk, staff=staff, reference="T1")
    assert payout.status == Payout.Status.PAID
    assert services.creator_balance(creator_id=creator.pk)["withdrawable"] == Decimal(
        "40.00"
    )


def test_earning_with_pending_refund_stays_pending(
    buyer_client, pay, django_capture_on_commit_callbacks, settings
):
    course = PaidCourseFactory()
    order = _paid(
        buyer_client, pay, django_capture_on_commit_callbacks, ("course", course.pk)
    )
    services.refund_request(user=buyer_client.user, order_item=order.items.get())
    later = timezone.now() + timedelta(days=settings.REFUND_WINDOW_DAYS + 1)
    assert services.earnings_release(now=later) == 0
