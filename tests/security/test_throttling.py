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


# --- The window, the budgets, an unreachable Redis --------------------------
# The same tests run on Redis (the PostgreSQL run: one Lua script per request)
# and on the local-memory cache (the SQLite run: DRF's own code).


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock (DRF's `timer`), moved by the test."""
    from rest_framework.throttling import SimpleRateThrottle

    class Clock:
        now = 1_000_000.0

    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: Clock.now)
    return Clock


def test_retry_after_is_when_the_oldest_request_leaves_the_window(client, rates, clock):
    url = reverse("api:course-list")
    start = clock.now
    for _ in range(5):
        assert client.get(url).status_code == 200
        clock.now += 1
    clock.now = start + 20
    throttled = client.get(url)
    assert throttled.status_code == 429
    # The first request (at `start`) leaves the one-minute window at start + 60.
    assert throttled["Retry-After"] == "40"


def test_the_window_slides_instead_of_resetting(client, rates, clock):
    url = reverse("api:course-list")
    start = clock.now
    assert [client.get(url).status_code for _ in range(3)] == [200] * 3
    clock.now = start + 30
    assert [client.get(url).status_code for _ in range(2)] == [200] * 2
    clock.now = start + 59
    refused = client.get(url)
    assert (refused.status_code, refused["Retry-After"]) == (429, "1")
    # The three first requests have left the window, the two at +30 have not:
    # three more pass (a fixed window would let five through), and a refused
    # request is not counted.
    clock.now = start + 60.5
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(url)["Retry-After"] == "30"  # the +30 ones leave at +90
    clock.now = start + 90
    assert client.get(url).status_code == 200


def test_two_users_do_not_share_a_budget(client, rates, clock):
    from django.test import Client

    url = reverse("api:course-list")
    client.force_login(UserFactory())
    assert [client.get(url).status_code for _ in range(9)] == [200] * 8 + [429]
    other = Client()
    other.force_login(UserFactory())
    assert [other.get(url).status_code for _ in range(8)] == [200] * 8


def test_an_address_and_a_user_behind_it_do_not_share_a_budget(client, rates, clock):
    from django.test import Client

    url = reverse("api:course-list")
    address = {"REMOTE_ADDR": "10.3.0.1"}
    assert [client.get(url, **address).status_code for _ in range(2)] == [200] * 2
    signed_in = Client(**address)
    signed_in.force_login(UserFactory())
    # The two anonymous requests are not the account's, ...
    assert [signed_in.get(url).status_code for _ in range(9)] == [200] * 8 + [429]
    # ... nor are the account's eight the address's: three more, then 429.
    statuses = [client.get(url, **address).status_code for _ in range(4)]
    assert statuses == [200] * 3 + [429]


def test_a_search_counts_against_the_users_budget_too(client, rates, clock):
    client.force_login(UserFactory())
    url = reverse("api:course-list")
    searches = [client.get(url + "?search=python").status_code for _ in range(4)]
    assert searches == [200, 200, 200, 429]
    # Four requests counted for the account (the refused search too, as the
    # account's budget let it through): four more plain ones, then 429.
    assert [client.get(url).status_code for _ in range(5)] == [200] * 4 + [429]


def test_when_redis_does_not_answer_requests_go_through(client, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
        }
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "1/min",
        },
    }
    url = reverse("api:course-list")
    assert [client.get(url).status_code for _ in range(3)] == [200] * 3
    assert "API throttles not counted" in caplog.text


@pytest.mark.redis
def test_sites_sharing_a_redis_keep_their_own_counts(client, rates, settings):
    """The counts live under the cache's KEY_PREFIX, like every cache entry."""

    def site(prefix):
        settings.CACHES = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": settings.REDIS_URL,
                "KEY_PREFIX": f"kp-test-throttle-{prefix}",
            }
        }

    url = reverse("api:course-list")
    site("a")
    assert [client.get(url).status_code for _ in range(6)] == [200] * 5 + [429]
    site("b")
    assert client.get(url).status_code == 200
    site("a")
    assert client.get(url).status_code == 429
