"""Pages with pinned query counts, slots, and the admin console."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from rewards import services
from rewards.models import (
    Badge,
    BadgeAward,
    Challenge,
    ChallengeParticipant,
    CreatorLevel,
    Event,
    PointAdjustment,
    PointEntry,
    PointRule,
)
from tests.factories import CourseFactory, UserFactory

from .factories import BadgeFactory, PointRuleFactory

pytestmark = pytest.mark.django_db


def populate(n):
    PointRuleFactory(event=Event.DAILY_VISIT, points=5)
    badge = BadgeFactory(slug=f"b{n}")
    users = []
    for i in range(n):
        u = UserFactory()
        users.append(u)
        services.points_award(event=Event.DAILY_VISIT, user_id=u.pk, source_key=f"d{i}")
        BadgeAward.objects.get_or_create(user=u, badge=badge)
    course = CourseFactory()
    CreatorLevel.objects.create(user=course.creator, level="intermediate", learners=5)
    return users


@pytest.mark.parametrize("n", [3, 15])
def test_leaderboard_query_count_does_not_grow(
    client, n, django_assert_max_num_queries
):
    populate(n)
    with django_assert_max_num_queries(
        8, info="the leaderboard must not run a query per row"
    ):
        response = client.get(reverse("rewards:leaderboard") + "?period=all")
    assert response.status_code == 200
    assert response.content.decode().count('class="badge rounded-pill') >= n


def test_leaderboard_by_period_and_category(client):
    PointRuleFactory(event=Event.REVIEW_WRITTEN, points=7)
    course = CourseFactory()
    writer = UserFactory()
    services.points_award(
        event=Event.REVIEW_WRITTEN,
        user_id=writer.pk,
        source_key="review:1",
        category_id=course.category_id,
    )
    url = reverse("rewards:leaderboard")
    assert writer.display_name in client.get(url).content.decode()
    hit = client.get(url + f"?period=month&category={course.category.slug}")
    assert writer.display_name in hit.content.decode()
    from tests.factories import CategoryFactory

    other = CategoryFactory()
    miss = client.get(url + f"?period=all&category={other.slug}")
    assert writer.display_name not in miss.content.decode()
    assert client.get(url + "?period=bogus").status_code == 200


def test_badges_page_and_my_points(client, django_assert_max_num_queries):
    users = populate(5)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("rewards:badges")).status_code == 200
    client.force_login(users[0])
    response = client.get(reverse("rewards:my_points"))
    assert response.status_code == 200
    assert "+5" in response.content.decode()


def test_redeem_above_balance_shows_a_clear_message(client, user):
    client.force_login(user)
    response = client.post(reverse("rewards:redeem"), {"points": 100000}, follow=True)
    assert response.status_code == 200
    assert not PointEntry.objects.filter(kind="redemption").exists()
    messages = [str(m) for m in response.context["messages"]]
    assert messages and (
        "cannot redeem" in messages[0]
        or "无法" in messages[0]
        or "at most" in messages[0]
        or "最多" in messages[0]
    )


def test_challenge_pages_and_join(client, user):
    course = CourseFactory()
    challenge = Challenge.objects.create(
        title="21 天打卡",
        course=course,
        created_by=course.creator,
        starts_on=timezone.localdate(),
        days=21,
    )
    assert "21 天打卡" in client.get(reverse("rewards:challenges")).content.decode()
    client.force_login(user)
    response = client.post(reverse("rewards:challenge_join", args=[challenge.pk]))
    assert response.status_code == 302
    assert ChallengeParticipant.objects.filter(user=user).exists()
    assert client.get(challenge.get_absolute_url()).status_code == 200


def test_creator_sets_up_a_challenge_on_own_course(client):
    course = CourseFactory()
    other = CourseFactory()
    client.force_login(course.creator)
    url = reverse("rewards:challenge_create")
    assert client.get(url).status_code == 200
    data = {
        "title": "t",
        "description": "",
        "starts_on": timezone.localdate().isoformat(),
        "days": 21,
        "lessons_per_day": 1,
    }
    client.post(url, {**data, "course": other.pk})  # not theirs: refused
    assert not Challenge.objects.exists()
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    client.post(url, {**data, "course": course.pk, "starts_on": past})
    assert not Challenge.objects.exists()
    response = client.post(url, {**data, "course": course.pk})
    assert response.status_code == 302
    assert Challenge.objects.get().created_by == course.creator


def test_profile_and_course_slots_render(django_assert_max_num_queries):
    course = CourseFactory()
    CreatorLevel.objects.create(user=course.creator, level="advanced")
    badge = BadgeFactory(slug="x", criterion=Badge.Criterion.MANUAL, name_en="Helper")
    BadgeAward.objects.create(user=course.creator, badge=badge)
    services.course_quality_recompute(course_id=course.pk)
    request = RequestFactory().get("/")
    request.user = UserFactory()
    # Only the rewards part of the slot (other apps fill it too).
    template = get_template("rewards/slots/profile.html")
    # 5 for points, badges and the creator level; 2 for the learner level
    # (points earned in all, and the level table when it is not cached).
    with django_assert_max_num_queries(
        7, info="the profile's rewards block must stay a handful of queries"
    ):
        html = template.render({"profile_user": course.creator}, request)
    assert "徽章" in html or "Helper" in html or badge.name_zh in html
    html = Template('{% load platform_tags %}{% slot "course_page" %}').render(
        Context({"course": course, "request": request, "user": request.user})
    )
    assert 'data-rewards="course"' in html


def test_admin_refuses_a_negative_daily_cap(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:rewards_pointrule_add"),
        {"event": Event.POST_UPVOTED, "points": 10, "daily_cap": -5, "is_active": "on"},
    )
    assert response.status_code == 200
    assert (
        "negative" in response.content.decode() or "负数" in response.content.decode()
    )
    assert not PointRule.objects.exists()


def test_admin_adjustment_requires_a_reason(client, staff_user, user):
    client.force_login(staff_user)
    url = reverse("admin:rewards_pointadjustment_add")
    response = client.post(url, {"user": user.pk, "points": 20, "reason": ""})
    assert response.status_code == 200
    assert not PointAdjustment.objects.exists()
    assert not PointEntry.objects.exists()
    response = client.post(url, {"user": user.pk, "points": 20, "reason": "Prize"})
    assert response.status_code == 302
    adjustment = PointAdjustment.objects.get()
    assert adjustment.created_by == staff_user
    assert adjustment.entry.points == 20


def test_admin_ledger_is_read_only_and_filters(client, staff_user, user):
    PointRuleFactory(event=Event.DAILY_VISIT, points=5)
    entry = services.points_award(
        event=Event.DAILY_VISIT, user_id=user.pk, source_key="d"
    )
    client.force_login(staff_user)
    changelist = reverse("admin:rewards_pointentry_changelist")
    for query in (
        "",
        f"?user__id__exact={user.pk}",
        f"?rule__id__exact={entry.rule_id}",
        "?day=2026-01-01",
        "?q=d",
    ):
        assert client.get(changelist + query).status_code == 200
    assert client.get(reverse("admin:rewards_pointentry_add")).status_code == 403
    delete = reverse("admin:rewards_pointentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert PointEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "name",
    [
        "pointrule",
        "pointadjustment",
        "pointbalance",
        "badge",
        "badgeaward",
        "levelthreshold",
        "creatorlevel",
        "coursequality",
        "qualityreview",
        "expertapplication",
        "challenge",
        "redemption",
        "suspension",
        "antigamingpolicy",
        "redemptionrate",
    ],
)
def test_admin_changelists_load(client, staff_user, name):
    populate(2)
    client.force_login(staff_user)
    assert client.get(reverse(f"admin:rewards_{name}_changelist")).status_code == 200


def test_home_block_shows_weekly_top_and_is_cached(
    client, django_assert_max_num_queries
):
    users = populate(3)
    response = client.get("/")
    assert response.status_code == 200
    assert users[0].display_name in response.content.decode()
    from django.template.loader import get_template

    with django_assert_max_num_queries(0):
        get_template("rewards/home_block.html").render({})


def test_redeem_form_waits_until_the_balance_reaches_the_minimum(client, user):
    from rewards import selectors

    rate = selectors.redemption_rate()
    assert rate.is_active and rate.min_points > 5
    PointRuleFactory(event=Event.DAILY_VISIT, points=5)
    services.points_award(event=Event.DAILY_VISIT, user_id=user.pk, source_key="d")
    client.force_login(user)
    page = client.get(
        reverse("rewards:my_points"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    # 5 points of 500: a Redeem button that could only answer "无法兑换".
    assert f"攒满 {rate.min_points} 积分即可兑换" in page
    assert reverse("rewards:redeem") not in page
    PointRuleFactory(event=Event.COURSE_COMPLETED, points=rate.min_points)
    services.points_award(event=Event.COURSE_COMPLETED, user_id=user.pk, source_key="t")
    page = client.get(reverse("rewards:my_points")).content.decode()
    assert reverse("rewards:redeem") in page
    assert 'data-testid="redeem-not-yet"' not in page
