"""The notifications API: own rows only, titles in the request's language."""

import pytest

from notifications import services
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/notifications"


def _reply(recipient, thread="n"):
    return services.notification_send(
        recipient=recipient,
        kind="reply",
        actor=UserFactory(),
        params={"thread": thread},
    )


def test_list_count_and_mark_read(client, user, django_assert_max_num_queries):
    for i in range(5):
        _reply(user, thread=f"n{i}")
    _reply(UserFactory())  # someone else's
    client.force_login(user)
    with django_assert_max_num_queries(5):
        response = client.get(f"{API}/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.json()
    assert body["count"] == 5
    assert body["results"][0]["title"].endswith("replied in “n4”")
    chinese = client.get(f"{API}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert "回复了“n4”" in chinese["results"][0]["title"]
    assert client.get(f"{API}/unread_count/").json() == {"unread": 5}
    response = client.post(f"{API}/mark_read/", {}, content_type="application/json")
    assert response.json() == {"marked": 5}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_the_old_address_still_answers(client, user):
    _reply(user)
    client.force_login(user)
    assert client.get("/api/v1/community/notifications/").json()["count"] == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"ids": [99999999999999999999999]},
        {"ids": [0]},
        {"ids": ["x"]},
        {"ids": 5},
        [1, 2],
    ],
)
def test_mark_read_with_bad_ids_is_a_400_not_a_500(client, user, payload):
    n = _reply(user)
    client.force_login(user)
    response = client.post(
        f"{API}/mark_read/", payload, content_type="application/json"
    )
    assert response.status_code == 400
    n.refresh_from_db()
    assert not n.is_read


def test_mark_read_touches_only_own_rows(client, user):
    theirs = _reply(UserFactory())
    mine = _reply(user)
    client.force_login(user)
    response = client.post(
        f"{API}/mark_read/",
        {"ids": [theirs.pk, mine.pk]},
        content_type="application/json",
    )
    assert response.json() == {"marked": 1}
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_anonymous_is_refused(client):
    assert client.get(f"{API}/").status_code in (401, 403)
