"""API lists count their results up to a bound: the same response shape, a cost
that does not grow with the platform."""

import pytest

from core.pagination import BoundedCountPagination, BoundedCountPaginator
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db
COURSES = "/api/v1/courses/"


@pytest.fixture
def small_bound(monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "max_count", 4)
    monkeypatch.setattr(BoundedCountPagination, "page_size", 2)


def test_a_short_list_has_its_exact_count(client, small_bound):
    CourseFactory.create_batch(3)
    body = client.get(COURSES).json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] and body["previous"] is None
    assert len(client.get(COURSES, {"page": 2}).json()["results"]) == 1


def test_a_long_list_says_at_least_the_bound_and_stops_there(client, small_bound):
    CourseFactory.create_batch(7)
    first = client.get(COURSES).json()
    assert first["count"] == 4
    last = client.get(COURSES, {"page": 2}).json()
    assert len(last["results"]) == 2
    assert last["next"] is None
    beyond = client.get(COURSES, {"page": 3}, headers={"accept-language": "en"})
    assert beyond.status_code == 404
    assert "invalid page" in beyond.json()["detail"].lower()
