"""A GET never writes: every page and API read, as every role it opens for.

The URLs and roles are the access matrix's: each GET cell that answers 200
is fetched again while the SQL is captured, and any INSERT, UPDATE or DELETE
fails the test with the statement. Each request runs in a transaction that
is rolled back, so what a page announces after commit (a page view for
analytics, through the task outbox) is not seen here: it is a task's write,
not the request's.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.security.access_matrix import MATRIX, parse_matrix
from tests.security.world import ROLES, build_world

pytestmark = pytest.mark.django_db
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# GETs that sign the visitor out by a library's design: the session row
# deleted and axes' login record closed, nothing else.
LOGOUT = re.compile(
    r'^\s*(DELETE FROM "django_session"|UPDATE "axes_accesslog" SET "logout_time")'
)
SIGNS_OUT = {
    # allauth's ConfirmEmailView.logout_other_user: whoever opens the link of
    # someone else's address is signed out before confirming it.
    "account_confirm_email",
}


def _writes(captured, *, signs_out: bool = False) -> list[str]:
    return [
        query["sql"][:200]
        for query in captured.captured_queries
        if WRITE.match(query["sql"]) and not (signs_out and LOGOUT.match(query["sql"]))
    ]


def test_no_get_request_writes_a_row(settings):
    settings.ACCOUNT_RATE_LIMITS = False
    world = build_world(extras=True)
    rows = [row for row in parse_matrix(MATRIX) if row.method == "GET"]
    failures, fetched = [], 0
    for row in rows:
        if row.name.startswith("/"):
            url = row.name
        else:
            url = reverse(row.name, kwargs=row.resolve_kwargs(world))
        for role, expected in zip(ROLES, row.expected, strict=True):
            if expected != "200":
                continue
            client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
            with transaction.atomic():
                user = world.users[role]
                if user is not None:
                    client.force_login(user)
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url)
                transaction.set_rollback(True)
            fetched += 1
            if response.status_code != 200:
                continue  # the access matrix reports it
            for sql in _writes(captured, signs_out=row.name in SIGNS_OUT):
                failures.append(f"GET {url} as {role}: {sql}")
    assert fetched > 100
    assert not failures, "GET requests that write:\n" + "\n".join(failures)
