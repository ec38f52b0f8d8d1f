"""Learners see their own study numbers on My learning."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import LearningGoal, UserDay
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_my_learning_shows_this_weeks_study_streak_and_goal(client):
    today = timezone.localdate()
    me, someone = UserFactory(), UserFactory()
    monday = today - dt.timedelta(days=today.weekday())
    # Three days in a row up to today; an older day after a gap does not count.
    for back, minutes in ((0, 20), (1, 30), (2, 10), (5, 50)):
        day = today - dt.timedelta(days=back)
        UserDay.objects.create(
            day=day, user_id=me.pk, study_seconds=minutes * 60, learned=True
        )
    UserDay.objects.create(
        day=today, user_id=someone.pk, study_seconds=99999, learned=True
    )
    LearningGoal.objects.create(user=me, weekly_minutes=100)
    week = sum(
        m
        for back, m in ((0, 20), (1, 30), (2, 10), (5, 50))
        if today - dt.timedelta(days=back) >= monday
    )
    client.force_login(me)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("learning:my_learning")).content.decode()
    assert f"{week} minute" in page
    assert "3 days in a row" in page
    assert f"{min(100, week)}%" in page


def test_a_learner_sets_a_weekly_goal_and_bad_input_gets_a_message(client):
    me = UserFactory()
    client.force_login(me)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        reverse("analytics:goal_set"),
        {"weekly_minutes": "5", "next": "/learn/"},
        follow=True,
    )
    assert response.status_code == 200
    assert not LearningGoal.objects.filter(user=me).exists()
    assert "greater than or equal to 10" in response.content.decode()
    client.post(reverse("analytics:goal_set"), {"weekly_minutes": "150"})
    assert LearningGoal.objects.get(user=me).weekly_minutes == 150
