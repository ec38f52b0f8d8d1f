"""The community's lists of threads (index, space, tag) count their threads up
to a bound, as the API's threads list does (core.pagination): a long list
says "50+" pages and stops there instead of counting every visible thread on
every page that is not in the cache."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Tag
from core.pagination import BoundedCountPaginator
from tests.community.factories import SpaceFactory, ThreadFactory

pytestmark = pytest.mark.django_db

BOUND, PAGE = 4, 2  # 2 pages of 2 at most


@pytest.fixture
def small_bound(monkeypatch, client, settings):
    monkeypatch.setattr(BoundedCountPaginator, "max_count", BOUND)
    monkeypatch.setattr("community.views.PAGE_SIZE", PAGE)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _threads(n: int):
    space = SpaceFactory()
    tag = Tag.objects.create(slug="sourdough", name="sourdough")
    for _ in range(n):
        ThreadFactory(space=space).tags.add(tag)
    return [
        reverse("community:index"),
        space.get_absolute_url(),
        tag.get_absolute_url(),
    ]


def _page_of(html: str) -> str:
    found = re.search(r'data-testid="page-of">([^<]*)<', html)
    return found.group(1) if found else ""


def test_a_long_list_says_at_least_and_stops_at_the_bound(client, small_bound):
    for url in _threads(BOUND + 3):
        first = client.get(url).content.decode()
        assert _page_of(first) == "1 / 2+", url
        assert 'data-testid="list-stops"' not in first
        last = client.get(url, {"page": 2}).content.decode()
        assert _page_of(last) == "2 / 2+", url
        assert ">Next<" not in last
        assert "The list stops here: choose a space, a tag or a filter" in last
        # A page past the bound is the last one, not an error.
        beyond = client.get(url, {"page": 3})
        assert beyond.status_code == 200
        assert _page_of(beyond.content.decode()) == "2 / 2+", url


def test_a_short_list_counts_its_pages_exactly(client, small_bound):
    for url in _threads(BOUND - 1):
        first = client.get(url).content.decode()
        assert _page_of(first) == "1 / 2", url
        last = client.get(url, {"page": 2}).content.decode()
        assert _page_of(last) == "2 / 2", url
        assert 'data-testid="list-stops"' not in last


@pytest.mark.parametrize("threads", [BOUND * 2, BOUND * 4])
def test_the_count_reads_up_to_the_bound_unsorted_at_any_size(
    client, small_bound, threads
):
    """At two sizes the count is the same query: cut at the bound, without
    the list's order (sorting every visible thread cost more than the page)."""
    for url in _threads(threads):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        thread_counts = [sql for sql in counts if "community_thread" in sql]
        assert thread_counts, url
        for sql in thread_counts:
            assert f"LIMIT {BOUND}" in sql.upper(), sql
            assert "ORDER BY" not in sql.upper(), sql
