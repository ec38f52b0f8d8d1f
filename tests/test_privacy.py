"""No page shows a person's email address to anyone but its owner and staff.

The demo site is crawled from the home page, following every link, logged out
and as a learner, and the API's list endpoints are read from its schema; no
response may contain another account's email address (issue 17: "/shop/plans/
logged out showed creator1@demo.kp 的专栏").
"""

from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db

HREF = re.compile(r"""href=["'](/[^"'#\s]*)""")
SKIP = (
    "/admin/",
    "/static/",
    "/media/",
    "/protected/",
    "/accounts/logout/",
    "/i18n/",
    "/api/",
)
PER_PATTERN = 3  # pages per URL shape (/courses/<slug>/…): broad, bounded
MAX_PAGES = 500


def _shape(path: str) -> str:
    return re.sub(r"/[^/]*\d[^/]*(?=/|$)", "/<id>", urlsplit(path).path)


def _crawl(client: Client) -> dict[str, str]:
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue = deque(["/", "/shop/plans/", "/courses/", "/community/"])
    pages: dict[str, str] = {}
    while queue and len(pages) < MAX_PAGES:
        url = urldefrag(queue.popleft()).url
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        shape = _shape(url)
        if shapes[shape] >= PER_PATTERN:
            continue
        shapes[shape] += 1
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get(
            "Content-Type", ""
        ):
            continue
        body = response.content.decode()
        pages[url] = body
        queue.extend(HREF.findall(body))
    return pages


def _api_lists(client: Client) -> dict[str, str]:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    bodies = {}
    for path, operations in schema["paths"].items():
        if "get" in operations and "{" not in path:
            response = client.get(path)
            if response.status_code == 200:
                bodies[path] = response.content.decode()
    return bodies


def _leaks(bodies: dict[str, str], *, viewer: User | None) -> list[str]:
    emails = set(User.objects.values_list("email", flat=True))
    if viewer is not None:
        emails.discard(viewer.email)
    found = []
    for url, body in bodies.items():
        for address in set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", body)):
            if address.lower() in emails:
                found.append(f"{url}: {address}")
    return found


def test_no_page_shows_an_email_address_to_anyone_but_its_owner():
    call_command("seed_demo", scale="small", seed=42, verbosity=0)

    anonymous = Client()
    pages = _crawl(anonymous)
    assert len(pages) > 30, "the crawl must reach the site's pages"
    assert "/shop/plans/" in pages
    assert not _leaks(pages, viewer=None)
    assert not _leaks(_api_lists(anonymous), viewer=None)

    learner = User.objects.get(email="learner1@demo.kp")
    signed_in = Client()
    signed_in.force_login(learner)
    pages = _crawl(signed_in)
    assert len(pages) > 30
    assert not _leaks(pages, viewer=learner)
    assert not _leaks(_api_lists(signed_in), viewer=learner)
    # The learner's own address is theirs to see (account pages).
    assert learner.email in signed_in.get("/accounts/email/").content.decode()
