"""Each way into a course space lists exactly the threads and spaces it opens.

The lists (`visible_spaces`, `thread_list`, the API) ask the access rule row by
row; the thread page asks it of one thread (`can_view_thread`, through
`learning.access.can_open_course`). For each way in, alone, both say the same:
creator (drafts too), enrolment (purchase, free, staff grant; not in a draft),
a membership's enrolment (only while a membership covers the course), a
creator's plan, a site-wide plan (open courses, not drafts), staff; and
nothing once an enrolment is revoked or a membership has ended.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from commerce.models import Subscription
from community import selectors
from community.models import Space, Visibility
from courses.models import Course
from learning import services as learning
from tests.factories import (
    CourseFactory,
    CreatorFactory,
    StaffFactory,
    UserFactory,
    enrolled_user,
    member_user,
)

from .factories import SpaceFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _course_space(course):
    return SpaceFactory(
        kind=Space.Kind.COURSE,
        course=course,
        category=None,
        visibility=Space.Visibility.ENROLLED,
    )


@pytest.fixture
def world():
    creator, other = CreatorFactory(), CreatorFactory()
    courses = {
        "course": CourseFactory(creator=creator, price="99.00"),
        "draft": CourseFactory(creator=creator, status=Course.Status.DRAFT),
        "archived": CourseFactory(creator=creator, status=Course.Status.ARCHIVED),
        "elsewhere": CourseFactory(creator=other, price="50.00"),
        "free": CourseFactory(creator=other),
    }
    spaces = {name: _course_space(course) for name, course in courses.items()}
    spaces["topic"] = SpaceFactory()
    spaces["closed topic"] = SpaceFactory(is_active=False)
    threads = {name: ThreadFactory(space=space) for name, space in spaces.items()}
    return {"creator": creator, "other": other, **courses}, spaces, threads


def _ways_in(w):
    """(user, the course spaces they open besides the public topic space)."""
    creator = w["creator"]
    in_draft = enrolled_user("purchase", w["course"])
    learning.enrollment_create(user=in_draft, course=w["draft"], source="staff")
    revoked = enrolled_user("purchase", w["course"])
    learning.enrollment_revoke(user=revoked, course=w["course"], reason="refund")
    column_member = member_user(creator)
    learning.enrollment_join_membership(user=column_member, course=w["course"])
    lapsed = member_user(creator)
    learning.enrollment_join_membership(user=lapsed, course=w["course"])
    Subscription.objects.filter(user=lapsed).update(
        ends_at=timezone.now() - dt.timedelta(minutes=1)
    )
    return {
        "anonymous": (AnonymousUser(), set()),
        "stranger": (UserFactory(), set()),
        "creator": (creator, {"course", "draft", "archived"}),
        "other creator": (w["other"], {"elsewhere", "free"}),
        "purchase": (
            enrolled_user("purchase", w["course"], w["archived"]),
            {"course", "archived"},
        ),
        "free": (enrolled_user("free", w["free"]), {"free"}),
        "staff grant": (enrolled_user("staff", w["elsewhere"]), {"elsewhere"}),
        "enrolled in a draft": (in_draft, {"course"}),
        "refunded": (revoked, set()),
        "column member": (column_member, {"course", "archived"}),
        "column member, no enrolment": (member_user(creator), {"course", "archived"}),
        "membership ended, enrolment not yet locked": (lapsed, set()),
        "site-wide member": (
            member_user(),
            {"course", "archived", "elsewhere", "free"},
        ),
        "site-wide membership ended": (member_user(ended=True), set()),
        "inactive account": (enrolled_user("purchase", w["course"]), set()),
        "staff": (StaffFactory(), {"course", "draft", "archived", "elsewhere", "free"}),
    }


def test_every_way_in_lists_what_the_thread_page_opens(world):
    w, spaces, threads = world
    ways = _ways_in(w)
    inactive = ways["inactive account"][0]
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    for who, (user, opened) in ways.items():
        # A closed space is listed to nobody (staff open it from its page).
        expected = opened | {"topic"}
        listed_spaces = set(selectors.visible_spaces(user))
        assert listed_spaces == {spaces[name] for name in expected}, who
        assert listed_spaces == {
            s
            for s in spaces.values()
            if s.is_active and selectors.can_view_space(user, s)
        }, who
        for sort in ("active", "new", "top"):
            listed = set(selectors.thread_list(user=user, sort=sort))
            assert listed == {threads[name] for name in expected}, (who, sort)
        assert set(selectors.visible_threads(user)) == {
            t
            for t in threads.values()
            if t.space.is_active and selectors.can_view_thread(user, t)
        }, who


def test_the_api_lists_the_same_threads_for_each_way_in(world):
    w, spaces, threads = world
    for who, (user, opened) in _ways_in(w).items():
        if who == "inactive account":
            continue
        client = Client()
        if user.is_authenticated:
            client.force_login(user)
        response = client.get("/api/v1/community/threads/")
        listed = {row["id"] for row in response.json()["results"]}
        assert listed == {threads[name].pk for name in opened | {"topic"}}, who
        response = client.get("/api/v1/community/spaces/")
        listed = {row["id"] for row in response.json()["results"]}
        assert listed == {spaces[name].pk for name in opened | {"topic"}}, who


def test_a_held_thread_is_listed_for_its_author_and_staff_only(world):
    w, spaces, threads = world
    author, staff = UserFactory(), StaffFactory()
    held = ThreadFactory(space=spaces["topic"], author=author, status=Visibility.HELD)
    hidden = ThreadFactory(space=spaces["topic"], status=Visibility.HIDDEN)
    assert held in selectors.thread_list(user=author)
    assert held in selectors.thread_list(user=staff)
    assert held not in selectors.thread_list(user=UserFactory())
    assert held not in selectors.thread_list(user=AnonymousUser())
    assert hidden not in selectors.thread_list(user=staff)
    assert hidden in selectors.visible_threads(staff)
