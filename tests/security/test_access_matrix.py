"""Access matrix: every URL × every role × GET and the write methods.

The expectations are the table in `access_matrix.py`; the URLs come from the
URL resolver, so a URL without a row fails `test_every_url_has_a_row` with the
lines to add. Admin URLs are checked by rule (`test_admin_is_staff_only`).
How to add a row: docs/security.md, "Access matrix".
"""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.security.access_matrix import MATRIX, Row, parse_matrix
from tests.security.urls_enum import site_routes
from tests.security.world import ROLES, build_world

pytestmark = pytest.mark.django_db
RECORD = os.environ.get("ACCESS_MATRIX_RECORD") == "1"
# ACCESS_MATRIX_ONLY=name1,name2: check (or record) these rows only.
ONLY = {n for n in os.environ.get("ACCESS_MATRIX_ONLY", "").split(",") if n}
LOGIN = "/accounts/login/"


@pytest.fixture
def relaxed_limits(settings):
    """Thousands of requests from one address: lift the rate limits here only
    (they have their own tests)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "100000/min",
            "user": "100000/min",
            "write": "100000/min",
            "search": "100000/min",
        },
    }
    settings.ACCOUNT_RATE_LIMITS = False
    settings.COMMUNITY_POSTS_PER_MINUTE = 100000


def _status(client: Client, method: str, url: str) -> str:
    """The status as the matrix writes it: 'L' for a redirect to the login."""
    call = getattr(client, method.lower())
    kwargs = {"content_type": "application/json"} if method in ("PUT", "PATCH") else {}
    response = call(url, **kwargs)
    code = response.status_code
    if code in (301, 302) and response["Location"].split("?")[0].endswith(
        (str(LOGIN), "/admin/login/")
    ):
        return "L"
    return str(code)


def _observe(world, row: Row, role: str) -> str:
    if row.name.startswith("/"):
        url = row.name
    else:
        url = reverse(row.name, kwargs=row.resolve_kwargs(world))
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    with transaction.atomic():
        user = world.users[role]
        if user is not None:
            client.force_login(user)
        try:
            return _status(client, row.method, url)
        finally:
            transaction.set_rollback(True)


def test_every_url_has_a_row():
    rows = parse_matrix(MATRIX)
    covered = {row.name for row in rows}
    routes = {n: r for n, r in site_routes().items() if not n.startswith("admin:")}
    missing = sorted(set(routes) - covered)
    stale = sorted(covered - set(routes))
    assert not missing, (
        "These URLs have no row in tests/security/access_matrix.py. Add one line "
        "per method (GET and POST at least; PUT/PATCH/DELETE for API objects) with "
        "the status you expect for each role "
        f"({' '.join(ROLES)}); 'L' = redirect to the login page. "
        "See docs/security.md, 'Access matrix'.\n"
        + "\n".join(
            f"{name:<44} {routes[name].route:<48} GET  ? ? ? ? ? ? ?\n"
            f"{name:<44} {routes[name].route:<48} POST ? ? ? ? ? ? ?"
            for name in missing
        )
    )
    assert not stale, f"Rows for URLs that no longer exist: {stale}"
    for name in covered:
        methods = {row.method for row in rows if row.name == name}
        assert {"GET", "POST"} <= methods, f"{name}: GET and POST rows needed"


def test_every_url_answers_each_role_as_the_matrix_says(relaxed_limits):
    world = build_world(extras=True)
    rows = [r for r in parse_matrix(MATRIX) if not ONLY or r.name in ONLY]
    failures, checked = [], 0
    for row in rows:
        observed = []
        for role in ROLES:
            try:
                status = _observe(world, row, role)
            except Exception as error:  # a crash is a 500 with its reason
                status = f"500({error.__class__.__name__}: {error})"
            observed.append(status)
            checked += 1
        if RECORD:
            print(row.line_with(observed))
            continue
        for role, want, got in zip(ROLES, row.expected, observed, strict=True):
            if want != got:
                failures.append(
                    f"{row.method} {row.name} as {role}: {got}, want {want}"
                )
    assert checked >= len(rows) * len(ROLES)
    assert not failures, f"{len(failures)} of {checked} checks differ:\n" + "\n".join(
        failures
    )


ADMIN_PUBLIC = {"admin:login", "admin:logout"}


@pytest.mark.parametrize("role", ["anonymous", "learner", "creator"])
def test_admin_is_staff_only(role, relaxed_limits):
    """Every admin URL sends a non-staff user to the admin login."""
    from tests.factories import CreatorFactory, UserFactory

    user = {"anonymous": None, "learner": UserFactory, "creator": CreatorFactory}[role]
    user = user() if user else None
    routes = [
        r
        for n, r in site_routes().items()
        if n.startswith("admin:") and n not in ADMIN_PUBLIC
    ]
    assert len(routes) > 100
    refused, checked = [], 0
    for route in routes:
        url = _admin_url(route)
        assert url is not None, f"cannot build a URL for {route.name} ({route.route})"
        checked += 1
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code == 200 or (
                response.status_code == 302
                and "/admin/login/" not in response["Location"]
            ):
                refused.append(f"{method.upper()} {url}: {response.status_code}")
    assert checked == len(routes)
    assert not refused, "non-staff reached admin pages:\n" + "\n".join(refused)


def test_staff_opens_every_admin_list_and_add_page(relaxed_limits):
    world = build_world()
    client = Client(raise_request_exception=False)
    client.force_login(world.users["staff"])
    errors = []
    for name, _route in site_routes().items():
        if not name.startswith("admin:") or not name.endswith(("_changelist", "_add")):
            continue
        response = client.get(reverse(name))
        if response.status_code == 302 and response.url.startswith("/admin/"):
            # A one-row settings admin sends its list to that row's form.
            response = client.get(response.url)
        if response.status_code not in (200, 403):
            errors.append(f"{name}: {response.status_code}")
    assert not errors, "\n".join(errors)


def _admin_url(route) -> str | None:
    """The admin URL with placeholder arguments (ids that do not exist)."""
    import re
    import uuid

    from django.urls import NoReverseMatch

    kwargs = {}
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", route.route):
        kwargs[name] = str(uuid.UUID(int=1)) if converter == "uuid" else "999999999"
    for name in re.findall(r"\(\?P<(\w+)>", route.route):
        kwargs[name] = "courses" if name == "app_label" else "999999999"
    try:
        return reverse(route.name, kwargs=kwargs)
    except NoReverseMatch:
        return None
