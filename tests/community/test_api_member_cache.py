"""A member's community lists are kept for them (core.apicache's per-viewer
copy): a repeat asks the database for nothing but the session's user, and
every change of what they may see shows at once — an enrolment, a refund, a
course closed, a follow, a membership that ends with time."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from commerce.models import Subscription
from community.models import Space
from community.services import follow_set
from courses.models import Course
from learning import services as learning
from tests.commerce.factories import PlanFactory
from tests.factories import CourseFactory, UserFactory
from tests.rowcount import assert_repeat_reads_only_the_user

from .factories import SpaceFactory, ThreadFactory

pytestmark = pytest.mark.django_db

SPACES = "/api/v1/community/spaces/"
THREADS = "/api/v1/community/threads/"


def _private_course_space():
    course = CourseFactory(price="80.00")
    space = SpaceFactory(
        kind=Space.Kind.COURSE,
        course=course,
        category=None,
        visibility=Space.Visibility.ENROLLED,
    )
    ThreadFactory(space=space, title="Members only question")
    return course, space


def _sees(client, space) -> bool:
    spaces = [row["id"] for row in client.get(SPACES).json()["results"]]
    titles = [row["title"] for row in client.get(THREADS).json()["results"]]
    assert (space.pk in spaces) == ("Members only question" in titles)
    return space.pk in spaces


def test_a_members_repeat_list_asks_only_for_the_user(client, member):
    course, space = _private_course_space()
    learning.enrollment_create(user=member, course=course, source="purchase")
    client.force_login(member)
    for url in (SPACES, THREADS, f"{THREADS}?filter=following"):
        assert_repeat_reads_only_the_user(client, url)


def test_enrolment_refund_and_a_closed_course_show_at_once(client, member):
    course, space = _private_course_space()
    client.force_login(member)
    assert not _sees(client, space)
    learning.enrollment_create(user=member, course=course, source="purchase")
    assert _sees(client, space)
    learning.enrollment_revoke(user=member, course=course, reason="refund")
    assert not _sees(client, space)
    learning.enrollment_create(user=member, course=course, source="purchase")
    assert _sees(client, space)
    course.status = Course.Status.DRAFT
    course.save(update_fields=["status"])
    assert not _sees(client, space)


def test_one_members_list_is_never_anothers(client, member, other_member):
    course, space = _private_course_space()
    learning.enrollment_create(user=member, course=course, source="purchase")
    client.force_login(member)
    assert _sees(client, space)
    client.force_login(other_member)
    assert not _sees(client, space)


def test_a_follow_shows_in_the_following_list_at_once(client, member):
    thread = ThreadFactory(title="A thread to follow")
    client.force_login(member)
    url = f"{THREADS}?filter=following"
    assert client.get(url).json()["results"] == []
    follow_set(user=member, follow=True, thread=thread)
    assert [r["title"] for r in client.get(url).json()["results"]] == [
        "A thread to follow"
    ]
    follow_set(user=member, follow=False, thread=thread)
    assert client.get(url).json()["results"] == []


def test_a_membership_that_ends_with_time_closes_the_kept_list(client):
    """No event says that a period has ended: the copy is kept until then."""
    course, space = _private_course_space()
    member = UserFactory()
    plan = PlanFactory(creator=course.creator)
    now = timezone.now()
    Subscription.objects.create(
        user=member,
        plan=plan,
        creator_id=plan.creator_id,
        starts_at=now - timedelta(days=29),
        ends_at=now + timedelta(seconds=2),
    )
    client.force_login(member)
    assert _sees(client, space)
    time.sleep(2.2)
    assert not _sees(client, space)
