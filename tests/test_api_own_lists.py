"""A signed-in person's own API lists (orders, enrolments, notifications,
points) are kept for them (core.apicache's per-viewer copy): a repeat asks the
database for nothing but the session's user, a change of theirs shows at once
(a new order, a cancelled one, an enrolment and its progress, a notification
sent or read, points earned), and one person's copy is never another's."""

import pytest

from commerce import services as commerce
from learning import services as learning
from notifications import services as notifications
from rewards import services as rewards
from rewards.models import Event, PointEntry
from tests.commerce.factories import PaidCourseFactory
from tests.factories import CourseFactory, LessonFactory, SectionFactory, UserFactory
from tests.rewards.factories import PointRuleFactory
from tests.rowcount import assert_repeat_reads_only_the_user

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"
ENROLMENTS = "/api/v1/learning/enrollments/"
NOTIFICATIONS = "/api/v1/notifications/"
OLD_NOTIFICATIONS = "/api/v1/community/notifications/"
POINTS = "/api/v1/rewards/points/"
LISTS = (ORDERS, ENROLMENTS, NOTIFICATIONS, OLD_NOTIFICATIONS, POINTS)


def _results(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response.json()["results"]


def _notify(recipient, thread):
    return notifications.notification_send(
        recipient=recipient,
        kind="reply",
        actor=UserFactory(),
        params={"thread": thread},
    )


def _fill(user, staff):
    course = CourseFactory()
    learning.enrollment_create(user=user, course=course, source="free")
    commerce.order_create(user=user, offers=[("course", PaidCourseFactory().pk)])
    _notify(user, "first")
    rewards.points_adjust(user=user, points=10, reason="welcome", by=staff)
    return course


def test_a_repeat_of_each_list_asks_only_for_the_user(client, user, staff_user):
    _fill(user, staff_user)
    client.force_login(user)
    for url in LISTS:
        assert assert_repeat_reads_only_the_user(client, url)["results"], url


def test_a_new_or_closed_order_shows_at_once(client, user):
    client.force_login(user)
    assert _results(client, ORDERS) == []
    order = commerce.order_create(
        user=user, offers=[("course", PaidCourseFactory(title="Rust").pk)]
    )
    rows = _results(client, ORDERS)
    assert [(r["number"], r["state"]) for r in rows] == [(order.number, "pending")]
    assert rows[0]["items"][0]["title"] == "Rust"
    commerce.order_cancel(order=order, user=user)
    assert _results(client, ORDERS)[0]["state"] == "cancelled"


def test_an_enrolment_its_progress_and_a_renamed_course_show_at_once(client, user):
    course = CourseFactory(title="Go basics")
    lesson = LessonFactory(section=SectionFactory(course=course))
    client.force_login(user)
    assert _results(client, ENROLMENTS) == []
    learning.enrollment_create(user=user, course=course, source="free")
    rows = _results(client, ENROLMENTS)
    assert [(r["course"]["title"], r["progress_percent"]) for r in rows] == [
        ("Go basics", 0)
    ]
    learning.progress_record(
        user=user, lesson=lesson, position_seconds=5, completed=True
    )
    assert _results(client, ENROLMENTS)[0]["progress_percent"] == 100
    assert _results(client, ENROLMENTS)[0]["last_lesson_id"] == lesson.pk
    course.title = "Go, from zero"
    course.save(update_fields=["title"])
    assert _results(client, ENROLMENTS)[0]["course"]["title"] == "Go, from zero"
    learning.enrollment_revoke(user=user, course=course, reason="refund")
    assert _results(client, ENROLMENTS) == []


def test_a_notification_sent_or_read_shows_at_once_in_each_language(client, user):
    client.force_login(user)
    for url in (NOTIFICATIONS, OLD_NOTIFICATIONS):
        assert _results(client, url) == []
    _notify(user, "n1")
    for url in (NOTIFICATIONS, OLD_NOTIFICATIONS):
        rows = _results(client, url, HTTP_ACCEPT_LANGUAGE="en")
        assert rows[0]["title"].endswith("replied in “n1”") and not rows[0]["read_at"]
        chinese = _results(client, url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert "回复了“n1”" in chinese[0]["title"]
    assert len(_results(client, f"{NOTIFICATIONS}?unread=1")) == 1
    response = client.post(
        f"{NOTIFICATIONS}mark_read/", {}, content_type="application/json"
    )
    assert response.json() == {"marked": 1}
    assert _results(client, NOTIFICATIONS)[0]["read_at"]
    assert _results(client, f"{NOTIFICATIONS}?unread=1") == []


def test_points_earned_redeemed_and_a_renamed_rule_event_show_at_once(
    client, user, staff_user
):
    client.force_login(user)
    assert _results(client, POINTS) == []
    rewards.points_adjust(user=user, points=800, reason="gift", by=staff_user)
    assert [r["points"] for r in _results(client, POINTS)] == [800]
    response = client.post(
        f"{POINTS}redeem/", {"points": 500}, content_type="application/json"
    )
    assert response.status_code == 201
    assert [r["points"] for r in _results(client, POINTS)] == [-500, 800]
    rule = PointRuleFactory(event=Event.POST_UPVOTED)
    PointEntry.objects.create(
        user=user,
        kind=PointEntry.Kind.AWARD,
        rule=rule,
        points=10,
        source_key="vote:1",
        day=rule.updated_at.date(),
    )
    assert _results(client, POINTS)[0]["event"] == "post_upvoted"
    rule.event = Event.ANSWER_ACCEPTED
    rule.save()
    assert _results(client, POINTS)[0]["event"] == "answer_accepted"


def test_one_persons_lists_are_never_anothers(client, user, staff_user):
    other = UserFactory()
    _fill(user, staff_user)
    client.force_login(user)
    mine = {url: client.get(url).json() for url in LISTS}
    client.force_login(other)
    for url in LISTS:
        assert client.get(url).json()["results"] == [], url
    client.force_login(user)
    for url in LISTS:
        assert client.get(url).json() == mine[url], url
