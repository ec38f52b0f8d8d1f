"""Learner levels: reached by points earned, named by staff, shown to people."""

import pytest
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from rewards import selectors, services
from rewards.models import Event, LearnerLevel, PointEntry
from tests.factories import StaffFactory, UserFactory

from .factories import PointRuleFactory

pytestmark = pytest.mark.django_db


def earn(user, times: int, points: int = 50):
    PointRuleFactory(event=Event.REVIEW_WRITTEN, points=points, daily_cap=None)
    for i in range(times):
        services.points_award(
            event=Event.REVIEW_WRITTEN, user_id=user.pk, source_key=f"r:{user.pk}:{i}"
        )


def test_default_levels_exist_and_points_earned_decide_the_level():
    assert LearnerLevel.objects.filter(min_points=0).exists()
    newcomer, learner = UserFactory(), UserFactory()
    earn(learner, 3)  # 150 points: past the 100-point level
    levels = selectors.learner_levels_for([newcomer.pk, learner.pk])
    assert levels[newcomer.pk]["name_en"] == "Newcomer"
    assert levels[learner.pk]["name_zh"] == "进阶学员"
    assert levels[learner.pk]["missing"] == 500 - 150
    # Spending points on a redemption does not lower the level.
    PointEntry.objects.create(
        user=learner,
        kind=PointEntry.Kind.REDEMPTION,
        points=-100,
        source_key="redemption:test",
        day=timezone.localdate(),
    )
    assert selectors.earned_points([learner.pk]) == {learner.pk: 150}


def test_staff_rename_and_move_levels_in_the_admin(client):
    client.force_login(StaffFactory())
    learner = UserFactory()
    earn(learner, 1)  # 50 points
    assert selectors.learner_levels_for([learner.pk])[learner.pk]["min_points"] == 0
    level = LearnerLevel.objects.get(min_points=100)
    url = reverse("admin:rewards_learnerlevel_change", args=[level.pk])
    response = client.post(
        url,
        {"name_zh": "小有所成", "name_en": "Rising", "min_points": 50, "color": "info"},
    )
    assert response.status_code == 302
    info = selectors.learner_levels_for([learner.pk])[learner.pk]
    assert (info["name_zh"], info["name_en"]) == ("小有所成", "Rising")


def test_profile_and_leaderboard_show_the_level_in_the_readers_language(client):
    learner = UserFactory()
    earn(learner, 3)
    request = RequestFactory().get("/")
    request.user = learner
    template = get_template("rewards/slots/profile.html")
    with translation.override("zh-hans"):
        html = template.render({"profile_user": learner}, request)
    assert "进阶学员" in html
    assert "距" in html or "还差" in html
    with translation.override("en"):
        html = template.render({"profile_user": learner}, request)
    assert "Learner" in html and "350 points to Dedicated learner" in html
    page = client.get(reverse("rewards:leaderboard") + "?period=all").content.decode()
    assert 'data-testid="learner-level"' in page
    assert "进阶学员" in page
