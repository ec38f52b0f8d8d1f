"""/healthz/: 200 when the database, the cache and the broker answer, else 503."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_is_200_when_everything_answers(client):
    response = client.get("/healthz/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 3
    assert all(value == "OK" for value in body.values()), body


def test_healthz_is_503_when_the_broker_does_not_answer(client, settings):
    # Port 1 on loopback: nothing listens there, the connection is refused.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    body = response.json()
    assert any("Broker unreachable" in value for value in body.values()), body


def test_healthz_is_503_when_the_cache_fails(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    response = client.get("/healthz/?format=json")
    assert response.status_code == 503
