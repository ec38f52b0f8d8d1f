"""A lesson page kept for its viewer is served without reading the lesson, the
course or the enrolment again, yet it is never served to someone who lost
access: a refund, a membership cancelled or ended, a course closed. Access is
decided when the page is rendered, and only a page the viewer could open is
kept, under generations that everything taking access back bumps."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commerce import services as commerce
from commerce.models import Subscription
from core import events
from courses.models import Course
from learning import services
from tests.commerce.factories import PlanFactory
from tests.factories import StaffFactory, UserFactory

from .factories import course_with_lessons

pytestmark = pytest.mark.django_db
SECRET = "the secret recipe"


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def lesson_with_secret(**course_kwargs):
    course, lessons = course_with_lessons(n=1, **course_kwargs)
    lesson = lessons[0]
    lesson.body = f"Only for those who may: {SECRET}."
    lesson.body_html = f"<p>Only for those who may: {SECRET}.</p>"
    lesson.save()
    return course, lesson, reverse("learning:lesson", args=[lesson.pk])


def shown(client, url) -> bool:
    """Whether the lesson's content is served (200 with it; else a refusal)."""
    response = client.get(url)
    body = response.content.decode()
    if response.status_code == 200:
        assert SECRET in body
        return True
    assert response.status_code in (302, 403, 404), response.status_code
    assert SECRET not in body
    return False


def test_a_refund_locks_the_kept_page_at_once(
    user, pay, django_capture_on_commit_callbacks
):
    course, lesson, url = lesson_with_secret(price=Decimal("49.00"))
    client = signed_in(user)
    order = commerce.order_create(user=user, offers=[("course", course.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        pay(client, order)
    assert shown(client, url)
    assert shown(client, url)  # kept
    item = order.items.get()
    refund = commerce.refund_request(user=user, order_item=item, reason="changed mind")
    with django_capture_on_commit_callbacks(execute=True):
        commerce.refund_approve(refund_id=refund.pk, staff=StaffFactory())
    assert not shown(client, url)


def _membership(user, *, ends_in: timedelta) -> Subscription:
    plan = PlanFactory(creator=None, price=Decimal("30.00"))
    now = timezone.now()
    return Subscription.objects.create(
        user=user,
        plan=plan,
        creator_id=None,
        starts_at=now - timedelta(days=1),
        ends_at=now + ends_in,
    )


def test_a_membership_that_ends_with_time_locks_the_kept_page_then(user, monkeypatch):
    course, lesson, url = lesson_with_secret(price=Decimal("199.00"))
    period = _membership(user, ends_in=timedelta(minutes=30))
    services.enrollment_join_membership(user=user, course=course)
    client = signed_in(user)
    assert shown(client, url)
    assert shown(client, url)  # kept while the period lasts
    later = period.ends_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)  # no event says so
    assert not shown(client, url)


def test_a_membership_cancelled_locks_the_kept_page_at_once(user):
    course, lesson, url = lesson_with_secret(price=Decimal("199.00"))
    period = _membership(user, ends_in=timedelta(days=20))
    client = signed_in(user)
    assert shown(client, url)  # covered, not even enrolled
    assert shown(client, url)
    period.revoked_at = timezone.now()
    period.save(update_fields=["revoked_at"])
    assert not shown(client, url)


def test_a_course_closed_is_no_longer_served_from_the_kept_page(user):
    course, lesson, url = lesson_with_secret()
    services.enrollment_create(user=user, course=course, source="free")
    client = signed_in(user)
    assert shown(client, url)
    assert shown(client, url)
    course.status = Course.Status.DRAFT
    course.save()
    assert not shown(client, url)


def test_access_taken_back_while_the_page_renders_is_not_kept(user, monkeypatch):
    """A refund that commits between the access check and the page being
    stored: the page stored is never served afterwards."""
    from learning.views import player

    course, lesson, url = lesson_with_secret()
    services.enrollment_create(user=user, course=course, source="free")
    render = player._lesson_page

    def refunded_meanwhile(request, current, **kwargs):
        response = render(request, current, **kwargs)
        services.enrollment_revoke(user=user, course=course, reason="refund")
        return response

    monkeypatch.setattr(player, "_lesson_page", refunded_meanwhile)
    client = signed_in(user)
    assert shown(client, url)  # checked before the refund
    monkeypatch.setattr(player, "_lesson_page", render)
    assert not shown(client, url)


def test_no_viewer_is_served_another_viewers_kept_lesson():
    course, lesson, url = lesson_with_secret()
    enrolled, stranger = UserFactory(), UserFactory()
    services.enrollment_create(user=enrolled, course=course, source="free")
    assert shown(signed_in(enrolled), url)
    assert shown(signed_in(enrolled), url)
    assert not shown(signed_in(stranger), url)
    assert not shown(Client(), url)  # anonymous: the sign-in page
    page = signed_in(stranger).get(url).content.decode()
    assert re.search(r"buy|enrol", page, re.IGNORECASE)


def test_each_view_from_the_kept_page_is_announced(
    user, django_capture_on_commit_callbacks
):
    course, lesson, url = lesson_with_secret()
    services.enrollment_create(user=user, course=course, source="free")
    client = signed_in(user)
    viewed = []

    def receiver(sender, **kwargs):
        viewed.append((kwargs["lesson_id"], kwargs["course_id"], kwargs["user_id"]))

    events.lesson_viewed.connect(receiver)
    try:
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                assert shown(client, url)
    finally:
        events.lesson_viewed.disconnect(receiver)
    assert viewed == [(lesson.pk, course.pk, user.pk)] * 2
