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


def test_the_bounded_count_does_not_sort_the_list(client, small_bound):
    """Counting up to the bound reads any rows that match: sorting every one
    of them first cost more than the page itself (the community's threads)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CourseFactory.create_batch(7)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(COURSES).json()["count"] == 4
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts and not [sql for sql in counts if "ORDER BY" in sql.upper()]


def test_a_list_cut_short_already_is_counted_too(client, small_bound):
    """Search answers a sliced list: counted as it is."""
    from tests.community.factories import ThreadFactory

    for n in range(3):
        ThreadFactory(title=f"Sourdough question {n}")
    body = client.get("/api/v1/community/threads/", {"q": "sourdough"}).json()
    assert body["count"] == 3
