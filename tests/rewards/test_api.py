import pytest

from rewards import services
from rewards.models import Event
from tests.factories import UserFactory

from .factories import BadgeFactory, PointRuleFactory

pytestmark = pytest.mark.django_db


def test_badges_and_leaderboard_api(client, django_assert_max_num_queries):
    BadgeFactory(slug="a")
    PointRuleFactory(event=Event.DAILY_VISIT, points=5)
    for i in range(5):
        services.points_award(
            event=Event.DAILY_VISIT, user_id=UserFactory().pk, source_key=f"d{i}"
        )
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/rewards/badges/").json()["results"][0]["slug"] == "a"
    with django_assert_max_num_queries(3):
        data = client.get("/api/v1/rewards/leaderboard/?period=all").json()
    assert len(data["results"]) == 5


def test_my_points_and_redeem_api(client, staff_user):
    user = UserFactory()
    assert client.get("/api/v1/rewards/points/").status_code == 403
    services.points_adjust(user=user, points=800, reason="gift", by=staff_user)
    client.force_login(user)
    assert client.get("/api/v1/rewards/points/balance/").json() == {"balance": 800}
    response = client.post(
        "/api/v1/rewards/points/redeem/",
        {"points": 5000},
        content_type="application/json",
    )
    assert response.status_code == 400 and "detail" in response.json()
    response = client.post(
        "/api/v1/rewards/points/redeem/",
        {"points": 500},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert client.get("/api/v1/rewards/points/balance/").json() == {"balance": 300}
    assert client.get("/api/v1/rewards/points/").json()["count"] == 2
