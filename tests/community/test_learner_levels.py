"""Learner levels in the community (issue 15): next to authors' names on the
thread page (opening post, answers, comments), in thread lists and search, and
in @mention suggestions; one batched lookup per page, in the reader's language."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rewards import services as rewards_services
from rewards.models import Event, LearnerLevel
from tests.factories import UserFactory
from tests.rewards.factories import PointRuleFactory
from tests.rowcount import count_rows

from .factories import PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def earn(user, points: int) -> None:
    PointRuleFactory(event=Event.REVIEW_WRITTEN, points=points, daily_cap=None)
    rewards_services.points_award(
        event=Event.REVIEW_WRITTEN, user_id=user.pk, source_key=f"lv:{user.pk}"
    )


@pytest.fixture
def veteran(db):
    user = UserFactory()
    earn(user, 150)  # past the 100-point level (进阶学员 / the default table)
    return user


def badges(page: str) -> list[str]:
    """The level names shown in the page's learner-level badges, in order."""
    return [
        text.strip()
        for text in re.findall(
            r'data-testid="learner-level"[^>]*>\s*<i[^>]*></i>([^<]*)</span>', page
        )
    ]


def _level(min_points: int, lang: str) -> str:
    level = LearnerLevel.objects.get(min_points=min_points)
    return level.name_en if lang == "en" else level.name_zh


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_thread_page_shows_each_authors_level(client, space, veteran, lang):
    newcomer = UserFactory()
    thread = ThreadFactory(space=space, author=veteran, title="如何读源码？")
    answer = PostFactory(thread=thread, author=newcomer)
    PostFactory(thread=thread, kind="comment", parent=answer, author=veteran)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    page = client.get(thread.get_absolute_url()).content.decode()
    # Opening post and comment by the veteran, the answer by the newcomer.
    assert badges(page) == [_level(100, lang), _level(0, lang), _level(100, lang)]


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_thread_lists_and_search_show_the_authors_level(
    client, member, space, veteran, lang
):
    ThreadFactory(space=space, author=veteran, title="Levels in lists")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    for url in (reverse("community:index"), space.get_absolute_url()):
        page = client.get(url).content.decode()
        assert _level(100, lang) in badges(page), url
    client.force_login(member)
    page = client.get(reverse("community:search"), {"q": "Levels"}).content.decode()
    assert _level(100, lang) in badges(page)


def test_staff_renaming_a_level_shows_at_once(client, space, veteran):
    from tests.factories import StaffFactory

    thread = ThreadFactory(space=space, author=veteran)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Bookworm" not in badges(page)
    level = LearnerLevel.objects.get(min_points=100)
    client.force_login(StaffFactory())
    client.post(
        reverse("admin:rewards_learnerlevel_change", args=[level.pk]),
        {"name_zh": "书虫", "name_en": "Bookworm", "min_points": 100, "color": "info"},
    )
    client.logout()
    page = client.get(thread.get_absolute_url()).content.decode()
    assert badges(page) == ["Bookworm"]


def test_levels_cost_one_query_per_page_whatever_the_authors(client, member, space):
    """Two authors or thirty: the level lookup is one query (the thresholds are
    cached), and the rows it reads grow only with the people on the page."""
    client.force_login(member)
    thread = ThreadFactory(space=space)
    PostFactory(thread=thread)
    url = thread.get_absolute_url()
    client.get(url)  # warm the caches (level table, templates)
    with count_rows() as small_rows:
        with CaptureQueriesContext(connection) as small:
            client.get(url)
    for _ in range(15):
        answer = PostFactory(thread=thread, author=UserFactory())
        PostFactory(thread=thread, kind="comment", parent=answer, author=UserFactory())
        earn(answer.author, 10)
    with count_rows() as large_rows:
        with CaptureQueriesContext(connection) as large:
            page = client.get(url).content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(badges(page)) == 2 + 30
    level_queries = [
        q["sql"] for q in large.captured_queries if "rewards_pointtotal" in q["sql"]
    ]
    assert len(level_queries) == 1, level_queries
    # Rows: the 30 new posts and their authors, not everybody's points.
    assert large_rows.rows - small_rows.rows <= 30 * 4, large_rows.queries()
    # The space list: one lookup too.
    with CaptureQueriesContext(connection) as listing:
        client.get(space.get_absolute_url())
    assert (
        len([q for q in listing.captured_queries if "rewards_pointtotal" in q["sql"]])
        == 1
    )


def test_mention_suggestions_carry_the_level(client, member, veteran):
    veteran.profile.handle = "laowang"
    veteran.profile.save()
    client.force_login(member)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    data = client.get(reverse("accounts:handle_search"), {"q": "lao"}).json()
    assert data["results"][0]["handle"] == "laowang"
    assert data["results"][0]["labels"] == [_level(100, "zh-hans")]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    data = client.get(reverse("accounts:handle_search"), {"q": "lao"}).json()
    assert data["results"][0]["labels"] == [_level(100, "en")]
