"""Memberships that feel like membership: included courses, start at once,
warned before the end, locked after it with the progress kept."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from commerce import services as commerce
from commerce.models import Subscription
from learning import services
from learning.access import can_open_course
from learning.models import Enrollment, LessonProgress
from notifications.models import Notification
from tests.commerce.factories import PaidCourseFactory, PlanFactory
from tests.factories import CreatorFactory, LessonFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def _member(plan=None, days_left=20):
    user = UserFactory()
    plan = plan or PlanFactory(creator=None, price=Decimal("30.00"))
    now = timezone.now()
    Subscription.objects.create(
        user=user,
        plan=plan,
        creator_id=plan.creator_id,
        starts_at=now - timedelta(days=30 - days_left),
        ends_at=now + timedelta(days=days_left),
    )
    return user


def _course():
    course = PaidCourseFactory(price=Decimal("199.00"))
    lesson = LessonFactory(section=SectionFactory(course=course), title="第一课")
    return course, lesson


def test_member_sees_included_and_starts_learning_at_once(client):
    course, lesson = _course()
    member = _member()
    client.force_login(member)
    page = client.get(course.get_absolute_url()).content.decode()
    assert 'data-testid="membership-included"' in page
    assert 'data-testid="buy-button"' not in page
    response = client.post(reverse("learning:enroll", args=[course.slug]))
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user=member, course=course)
    assert enrollment.source == "membership" and enrollment.is_active
    assert course.title in client.get(reverse("learning:my_learning")).content.decode()


def test_non_member_sees_buy_and_the_plans_link(client):
    course, _ = _course()
    client.force_login(UserFactory())
    page = client.get(course.get_absolute_url()).content.decode()
    assert 'data-testid="buy-button"' in page
    assert 'data-testid="plans-link"' in page
    assert 'data-testid="nav-plans"' in page


def test_a_creators_plan_covers_only_that_creator(client):
    creator = CreatorFactory()
    member = _member(plan=PlanFactory(creator=creator))
    other, _ = _course()
    with pytest.raises(Exception, match="does not include"):
        services.enrollment_join_membership(user=member, course=other)
    assert not Enrollment.objects.filter(user=member).exists()


def test_expiry_warns_once_and_not_when_renewed():
    member = _member(days_left=3)
    renewed = _member(days_left=3)
    period = Subscription.objects.get(user=renewed)
    Subscription.objects.create(
        user=renewed,
        plan=period.plan,
        starts_at=period.ends_at,
        ends_at=period.ends_at + timedelta(days=30),
    )
    far = _member(days_left=20)
    assert commerce.subscriptions_expiry_notify() == 1
    assert commerce.subscriptions_expiry_notify() == 0  # once per period
    kinds = Notification.objects.values_list("recipient_id", "kind")
    assert list(kinds) == [(member.pk, "membership_expiring")]
    assert not Notification.objects.filter(recipient=far).exists()


def test_after_expiry_the_content_locks_and_progress_stays(
    client, django_capture_on_commit_callbacks
):
    course, lesson = _course()
    member = _member(days_left=1)
    services.enrollment_join_membership(user=member, course=course)
    LessonProgress.objects.create(user=member, lesson=lesson, position_seconds=42)
    assert can_open_course(member, course)

    Subscription.objects.filter(user=member).update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )
    # Access ends at ends_at itself, before any task runs.
    assert not can_open_course(member, course)
    with django_capture_on_commit_callbacks(execute=True):
        assert commerce.subscriptions_expire() == 1
    enrollment = Enrollment.objects.get(user=member, course=course)
    assert not enrollment.is_active
    assert LessonProgress.objects.get(user=member, lesson=lesson).position_seconds == 42
    assert Notification.objects.filter(
        recipient=member, kind="membership_ended"
    ).exists()

    client.force_login(member)
    locked = client.get(reverse("learning:lesson", args=[lesson.pk]))
    assert locked.status_code == 403
    assert 'data-testid="membership-ended"' in locked.content.decode()

    # Renewing and starting again reopens the same enrolment, progress intact.
    _renew = PlanFactory(creator=None)
    Subscription.objects.create(
        user=member,
        plan=_renew,
        starts_at=timezone.now() - timedelta(minutes=1),
        ends_at=timezone.now() + timedelta(days=30),
    )
    services.enrollment_join_membership(user=member, course=course)
    assert Enrollment.objects.get(user=member, course=course).is_active
    assert can_open_course(member, course)


def test_every_lesson_door_locks_when_the_membership_ends_before_any_task(client):
    """The page, the API and the progress heartbeat read the enrolment with the
    lesson (one query): a membership's enrolment still active after the end
    opens nothing, while a bought one stays open."""
    course, lesson = _course()
    member, buyer = _member(days_left=1), UserFactory()
    services.enrollment_join_membership(user=member, course=course)
    services.enrollment_create(user=buyer, course=course, source="purchase")
    doors = [
        ("page", "get", reverse("learning:lesson", args=[lesson.pk]), {}),
        ("api", "get", reverse("api:learning-lesson-detail", args=[lesson.pk]), {}),
        (
            "progress",
            "post",
            reverse("learning:lesson_progress", args=[lesson.pk]),
            {"position": 5},
        ),
    ]

    def answers(user):
        client.force_login(user)
        return {
            name: getattr(client, method)(url, data).status_code
            for name, method, url, data in doors
        }

    assert answers(member) == {"page": 200, "api": 200, "progress": 200}
    Subscription.objects.filter(user=member).update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )
    assert Enrollment.objects.get(user=member, course=course).is_active
    assert answers(member) == {"page": 403, "api": 403, "progress": 403}
    assert answers(buyer) == {"page": 200, "api": 200, "progress": 200}


def test_buying_a_course_started_through_a_membership_keeps_it(client):
    course, _ = _course()
    member = _member()
    services.enrollment_join_membership(user=member, course=course)
    services.enrollment_create(user=member, course=course, source="purchase")
    Subscription.objects.filter(user=member).update(revoked_at=timezone.now())
    assert can_open_course(member, course)


def test_plans_page_and_creator_profile_link_the_plans(client):
    creator = CreatorFactory()
    plan = PlanFactory(creator=creator, name="王老师专栏")
    assert plan.name in client.get(reverse("commerce:plans")).content.decode()
    profile = client.get(reverse("accounts:profile", args=[creator.pk]))
    assert 'data-testid="profile-plans"' in profile.content.decode()
