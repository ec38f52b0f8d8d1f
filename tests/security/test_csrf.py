"""CSRF is enforced on every state-changing URL: a POST without the token is
refused (403) for every URL of the access matrix, signed in as a role that may
otherwise post there. The few exempt URLs are listed with the reason."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.security.access_matrix import MATRIX, parse_matrix
from tests.security.world import ROLES, build_world

pytestmark = pytest.mark.django_db

# URL name: why it takes a POST without a CSRF token.
CSRF_EXEMPT = {
    "commerce:process_payment": "payment gateway callback, verified by signature",
    "commerce:static_process_payment": "payment gateway webhook, verified by signature",
}
REFUSED = {"403", "405", "404", "L"}


def _poster(row) -> str | None:
    """The first signed-in role whose POST is not refused anyway."""
    for role, status in zip(ROLES, row.expected, strict=True):
        if role != "anonymous" and status not in REFUSED:
            return role
    return None


def test_every_post_without_a_csrf_token_is_refused(settings):
    settings.ACCOUNT_RATE_LIMITS = False
    world = build_world(extras=True)
    checked, accepted = 0, []
    for row in parse_matrix(MATRIX):
        if row.method != "POST" or row.name in CSRF_EXEMPT:
            continue
        role = _poster(row)
        if role is None:
            continue
        url = (
            row.name
            if row.name.startswith("/")
            else reverse(row.name, kwargs=row.resolve_kwargs(world))
        )
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        with transaction.atomic():
            client.force_login(world.users[role])
            response = client.post(url, {"x": "1"})
            transaction.set_rollback(True)
        checked += 1
        if response.status_code != 403:
            accepted.append(f"{row.name} as {role}: {response.status_code}")
    assert checked > 60
    assert not accepted, "POST without a CSRF token accepted:\n" + "\n".join(accepted)


def test_the_exempt_urls_still_refuse_an_unsigned_call():
    client = Client(enforce_csrf_checks=True)
    for name, kwargs in [
        ("commerce:static_process_payment", {"variant": "dummy"}),
        ("commerce:process_payment", {"token": "00000000-0000-4000-8000-000000000000"}),
    ]:
        assert client.post(reverse(name, kwargs=kwargs)).status_code in (400, 403, 404)
