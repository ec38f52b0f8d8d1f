"""Signed-in pages kept per viewer (core.pagecache.viewer_page): served from the
cache on the next visit, yet a completed lesson, a new enrolment or a payment
shows at once, nobody is shown another viewer's page, and a kept lesson page
is never served once access is taken back (more in test_lesson_page_cache.py)."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.models import Event
from commerce import services as commerce
from core import events
from learning import services
from tests.factories import CourseFactory, UserFactory

from .factories import course_with_lessons

pytestmark = pytest.mark.django_db
MY_LEARNING = reverse("learning:my_learning")


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


CSRF_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def html(client, url) -> str:
    """The page, its CSRF tokens (masked afresh for each response) blanked."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return CSRF_TOKEN.sub("<token>", response.content.decode())


def enrolled_titles(page: str) -> list[str]:
    """The course titles on My learning's enrolment cards."""
    cards = page.split('data-testid="enrollment-card"')[1:]
    return [re.search(r'<h2 class="h6 mt-1">([^<]*)</h2>', c).group(1) for c in cards]


def test_my_learning_comes_from_the_cache_until_a_lesson_is_completed(user):
    course, lessons = course_with_lessons(n=2)
    services.enrollment_create(user=user, course=course, source="free")
    client = signed_in(user)
    first = html(client, MY_LEARNING)
    assert "0% complete" in first
    with CaptureQueriesContext(connection) as served:
        assert html(client, MY_LEARNING) == first
    # The session and the user, then the page: nothing of the page is read.
    assert len(served) <= 3, "\n".join(q["sql"][:150] for q in served)

    response = client.post(reverse("learning:lesson_complete", args=[lessons[0].pk]))
    assert response.status_code == 302
    client.get(response["Location"])  # the lesson page shows the message
    assert "50% complete" in html(client, MY_LEARNING)


def test_a_new_enrolment_and_a_payment_show_at_once(
    user, pay, django_capture_on_commit_callbacks
):
    free, _ = course_with_lessons(n=1)
    paid = CourseFactory(title="Paid and kept", price=Decimal("49.00"))
    client = signed_in(user)
    assert enrolled_titles(html(client, MY_LEARNING)) == []
    course_page = html(client, paid.get_absolute_url())
    assert 'data-testid="buy-button"' in course_page
    assert html(client, paid.get_absolute_url()) == course_page  # kept

    client.post(reverse("learning:enroll", args=[free.slug]))
    client.get(reverse("learning:course_home", args=[free.slug]), follow=True)
    assert enrolled_titles(html(client, MY_LEARNING)) == [free.title]

    order = commerce.order_create(user=user, offers=[("course", paid.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        pay(client, order)
    client.get(reverse("learning:course_home", args=[paid.slug]), follow=True)
    after = html(client, paid.get_absolute_url())
    assert 'data-testid="buy-button"' not in after
    assert "Continue learning" in after
    assert paid.title in enrolled_titles(html(client, MY_LEARNING))


def test_no_viewer_is_shown_another_viewers_page():
    mine, _ = course_with_lessons(n=1)
    theirs, _ = course_with_lessons(n=1)
    me, them = UserFactory(), UserFactory()
    services.enrollment_create(user=me, course=mine, source="free")
    services.enrollment_create(user=them, course=theirs, source="free")
    assert enrolled_titles(html(signed_in(me), MY_LEARNING)) == [mine.title]
    assert enrolled_titles(html(signed_in(them), MY_LEARNING)) == [theirs.title]
    # The same course page, enrolled and not.
    assert "Continue learning" in html(signed_in(me), mine.get_absolute_url())
    assert "Continue learning" not in html(signed_in(them), mine.get_absolute_url())


def test_a_kept_lesson_page_is_refused_once_access_is_taken_back(user):
    course, lessons = course_with_lessons(n=1)
    lessons[0].body = "Only for the enrolled: the secret recipe."
    lessons[0].body_html = "<p>Only for the enrolled: the secret recipe.</p>"
    lessons[0].save()
    services.enrollment_create(user=user, course=course, source="free")
    client = signed_in(user)
    url = reverse("learning:lesson", args=[lessons[0].pk])
    assert "secret recipe" in html(client, url)
    assert "secret recipe" in html(client, url)  # from the cache
    services.enrollment_revoke(user=user, course=course, reason="refund")
    response = client.get(url)
    assert response.status_code == 403
    assert "secret recipe" not in response.content.decode()


def test_served_from_the_cache_the_pages_still_announce_views_and_lists(
    user, django_capture_on_commit_callbacks
):
    course, lessons = course_with_lessons(n=1)
    CourseFactory.create_batch(3)  # popular courses for the list on My learning
    client = signed_in(user)
    viewed = []

    def receiver(sender, **kwargs):
        viewed.append(kwargs["user_id"])

    events.course_viewed.connect(receiver)
    try:
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                html(client, course.get_absolute_url())
                html(client, MY_LEARNING)
    finally:
        events.course_viewed.disconnect(receiver)
    assert viewed == [user.pk, user.pk]
    shown = Event.objects.filter(kind=Event.Kind.REC_IMPRESSION, user_id=user.pk)
    assert shown.count() == 2
