"""Buyers hear what happened to their money: a notification and an email, once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation
from payments import PaymentStatus

from commerce import services
from courses.models import Course
from courses.services import course_approve, course_reject
from notifications.models import Notification, OutboxEmail
from tests.factories import CourseFactory, StaffFactory, UserFactory

from .factories import PaidCourseFactory

pytestmark = pytest.mark.django_db


def _sent(user, kind):
    notifications = list(Notification.objects.filter(recipient=user, kind=kind))
    emails = list(
        OutboxEmail.objects.filter(
            key__in=[f"notification:{n.pk}" for n in notifications]
        )
    )
    return notifications, emails


def _paid_order(buyer, price="50.00", capture=None):
    course = PaidCourseFactory(price=Decimal(price), title="心理学入门")
    order = services.order_create(user=buyer, offers=[("course", course.pk)])
    payment = services.payment_create(order=order, user=buyer)
    for _ in range(2):  # the gateway calls back twice
        with capture(execute=True):
            services.payment_callback(
                payment_id=payment.pk, status=PaymentStatus.CONFIRMED
            )
    order.refresh_from_db()
    return order


def test_payment_received_is_told_and_emailed_once(
    django_capture_on_commit_callbacks,
):
    buyer = UserFactory()
    order = _paid_order(buyer, capture=django_capture_on_commit_callbacks)
    notifications, emails = _sent(buyer, "order_paid")
    assert len(notifications) == 1 and len(emails) == 1
    with translation.override("zh-hans"):
        assert notifications[0].title == f"已收到付款：订单 {order.number} ¥50.00"
    assert notifications[0].url == f"/shop/orders/{order.number}/"
    assert len(mail.outbox) == 1
    assert order.number in mail.outbox[0].subject
    assert mail.outbox[0].to == [buyer.email]


def test_expired_order_is_told_once_and_a_cancelled_one_not(
    django_capture_on_commit_callbacks,
):
    buyer = UserFactory()
    expiring = services.order_create(
        user=buyer, offers=[("course", PaidCourseFactory().pk)]
    )
    cancelled = services.order_create(
        user=buyer, offers=[("course", PaidCourseFactory().pk)]
    )
    services.order_cancel(order=cancelled, user=buyer)
    later = timezone.now() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.orders_expire(now=later) == 1
        assert services.orders_expire(now=later) == 0
    notifications, emails = _sent(buyer, "order_expired")
    assert [n.params["number"] for n in notifications] == [expiring.number]
    assert len(emails) == 1 and len(mail.outbox) == 1
    with translation.override("en"):
        assert "nothing was charged" in notifications[0].title


def test_refund_approved_and_declined_are_told_and_emailed(
    django_capture_on_commit_callbacks,
):
    buyer = UserFactory()
    order = _paid_order(
        buyer, price="99.00", capture=django_capture_on_commit_callbacks
    )
    refund = services.refund_request(user=buyer, order_item=order.items.get())
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_approve(refund_id=refund.pk, staff=StaffFactory())
    notifications, emails = _sent(buyer, "refund_approved")
    assert len(notifications) == 1 and len(emails) == 1
    with translation.override("zh-hans"):
        assert notifications[0].title == "你对“心理学入门”的退款 ¥99.00 已批准"
    assert mail.outbox[-1].to == [buyer.email]

    other = UserFactory()
    order = _paid_order(other, capture=django_capture_on_commit_callbacks)
    refund = services.refund_request(user=other, order_item=order.items.get())
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_deny(refund_id=refund.pk, staff=StaffFactory(), note="已学完")
    notifications, emails = _sent(other, "refund_denied")
    assert len(notifications) == 1 and len(emails) == 1
    with translation.override("en"):
        assert notifications[0].title.endswith("was declined: 已学完")


def test_course_review_outcomes_are_told_and_emailed(
    django_capture_on_commit_callbacks,
):
    staff = StaffFactory()
    approved = CourseFactory(status=Course.Status.IN_REVIEW, title="统计学")
    rejected = CourseFactory(status=Course.Status.IN_REVIEW, title="经济学")
    with django_capture_on_commit_callbacks(execute=True):
        course_approve(course=approved, actor=staff)
        course_reject(course=rejected, actor=staff, reason="视频无声音")
    assert [len(x) for x in _sent(approved.creator, "course_approved")] == [1, 1]
    assert [len(x) for x in _sent(rejected.creator, "course_rejected")] == [1, 1]
    assert {m.to[0] for m in mail.outbox} == {
        approved.creator.email,
        rejected.creator.email,
    }
