"""The session's user is kept in the cache between requests (accounts.authcache),
and whatever changes the account shows on the very next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile_edit")
STUDIO = reverse("courses:studio")


def _user_reads(client, url):
    """The answer to `url` and how many queries read the accounts' table."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    reads = sum('FROM "accounts_user"' in q["sql"] for q in queries.captured_queries)
    return response, reads


def _signed_in(client, **fields):
    user = UserFactory(**fields)
    client.force_login(user)
    return user


def test_a_repeat_request_takes_the_user_from_the_cache(client):
    _signed_in(client)
    first, first_reads = _user_reads(client, PROFILE)
    again, again_reads = _user_reads(client, PROFILE)
    assert first.status_code == again.status_code == 200
    assert again_reads == first_reads - 1


def test_with_the_cache_off_every_request_reads_the_user(client, settings):
    settings.AUTH_USER_CACHE_SECONDS = 0
    _signed_in(client)
    _first, first_reads = _user_reads(client, PROFILE)
    _again, again_reads = _user_reads(client, PROFILE)
    assert again_reads == first_reads


def test_a_deactivated_account_is_signed_out_at_once(client):
    user = _signed_in(client)
    assert client.get(PROFILE).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_bulk_deactivation_signs_out_at_once(client):
    user = _signed_in(client)
    assert client.get(PROFILE).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(PROFILE).status_code == 302


def test_a_deleted_account_is_signed_out(client):
    user = _signed_in(client)
    assert client.get(PROFILE).status_code == 200
    user.delete()
    assert client.get(PROFILE).status_code == 302


def test_a_password_changed_elsewhere_signs_this_session_out(client):
    user = _signed_in(client)
    assert client.get(PROFILE).status_code == 200
    user.set_password("a-new-long-passphrase-42")
    user.save()
    assert client.get(PROFILE).status_code == 302
    # And the session stays signed out (flushed, not only refused once).
    assert client.get(PROFILE).status_code == 302


def test_a_role_granted_in_the_admin_shows_on_the_next_request(client):
    user = _signed_in(client)
    assert client.get(STUDIO).status_code == 403
    user.role = User.Role.CREATOR
    user.save(update_fields=["role"])
    assert client.get(STUDIO).status_code == 200


def test_a_role_granted_by_a_bulk_update_shows_on_the_next_request(client):
    user = _signed_in(client)
    assert client.get(STUDIO).status_code == 403
    User.objects.filter(pk=user.pk).update(role=User.Role.CREATOR)
    assert client.get(STUDIO).status_code == 200


def test_each_request_gets_its_own_copy_of_the_user(rf):
    """What a view changes on request.user (unsaved) never reaches another
    request."""
    from django.contrib.sessions.backends.cache import SessionStore

    from accounts.authcache import get_user

    user = UserFactory()
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()

    def load():
        request = rf.get("/")
        request.session = session
        return get_user(request)

    first = load()
    first.role = User.Role.STAFF
    with CaptureQueriesContext(connection) as queries:
        second = load()
    assert second.pk == user.pk and second is not first
    assert second.role == User.Role.LEARNER
    assert not queries.captured_queries


def test_another_users_session_is_never_served_this_users_copy(client):
    one = _signed_in(client)
    assert client.get(PROFILE).status_code == 200
    other_client = type(client)()
    other = _signed_in(other_client, email="other@example.com")
    page = other_client.get(PROFILE)
    assert page.status_code == 200
    assert page.wsgi_request.user.pk == other.pk != one.pk
