"""The API is throttled: 429 with Retry-After, stricter on writes and searches."""

import pytest
from django.urls import reverse

from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "5/min",
            "user": "8/min",
            "write": "2/min",
            "search": "3/min",
        },
    }


def _statuses(client, n, url, method="get", **kwargs):
    return [getattr(client, method)(url, **kwargs) for _ in range(n)]


def test_anonymous_clients_are_throttled_with_retry_after(client, rates):
    url = reverse("api:course-list")
    responses = _statuses(client, 6, url, HTTP_ACCEPT_LANGUAGE="en")
    assert [r.status_code for r in responses[:5]] == [200] * 5
    throttled = responses[5]
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert "throttled" in throttled.json()["detail"].lower()


def test_the_throttle_message_is_in_chinese_by_default(client, rates):
    url = reverse("api:course-list")
    responses = _statuses(client, 6, url)
    assert responses[5].status_code == 429
    assert "请求已被限流" in responses[5].json()["detail"]


def test_each_address_has_its_own_anonymous_budget(client, rates):
    url = reverse("api:course-list")
    _statuses(client, 5, url, REMOTE_ADDR="10.1.0.1")
    assert client.get(url, REMOTE_ADDR="10.1.0.1").status_code == 429
    assert client.get(url, REMOTE_ADDR="10.1.0.2").status_code == 200


def test_signed_in_users_have_a_larger_budget_of_their_own(client, rates):
    client.force_login(UserFactory())
    url = reverse("api:course-list")
    statuses = [r.status_code for r in _statuses(client, 9, url)]
    assert statuses == [200] * 8 + [429]


def test_searches_are_stricter(client, rates):
    CourseFactory(title="Python")
    client.force_login(UserFactory())
    url = reverse("api:course-list") + "?search=python"
    statuses = [r.status_code for r in _statuses(client, 4, url)]
    assert statuses == [200, 200, 200, 429]
    # Browsing without a search is not counted against the search budget.
    assert client.get(reverse("api:course-list")).status_code == 200


def test_writes_are_stricter(client, rates):
    client.force_login(UserFactory())
    url = reverse("api:course-list")
    statuses = [r.status_code for r in _statuses(client, 3, url, method="post")]
    # Not allowed to create a course, but counted: the third attempt is throttled.
    assert statuses[:2] != [429, 429] and statuses[2] == 429


def test_the_counter_lives_in_the_shared_cache(client, rates):
    """Two web nodes share the default cache: a second client with the same
    address is throttled by the first one's requests."""
    from django.test import Client

    url = reverse("api:course-list")
    _statuses(client, 5, url, REMOTE_ADDR="10.2.0.1")
    assert Client().get(url, REMOTE_ADDR="10.2.0.1").status_code == 429


def test_production_rates_are_configured(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert set(rates) == {"anon", "user", "write", "search"}
    classes = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    assert len(classes) == 4
