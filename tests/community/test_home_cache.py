"""The home page's threads change at once, and only they make it change
(community.home_cache): a vote or a reply anywhere no longer draws every
learner's kept home page afresh."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import services
from community.models import Post, Thread
from core.pagecache import generations
from core.views import HOME_GROUPS
from tests.factories import UserFactory
from tests.recommendations.test_feed import EN, Shop, _feed, default_mix  # noqa: F401

from .factories import PostFactory, SpaceFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return Shop()


def _established():
    """An account old enough that its posts are not held for review."""
    user = UserFactory()
    user.date_joined = timezone.now() - datetime.timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _home(client) -> str:
    """The feed's section, its CSRF tokens (masked afresh each time) blanked."""
    response = client.get("/", **EN)
    assert response.status_code == 200
    return re.sub(r"[A-Za-z0-9]{64}", "<token>", _feed(response.content.decode()))


def _served_from_the_cache(client) -> str:
    with CaptureQueriesContext(connection) as served:
        feed = _home(client)
    assert not [q for q in served if "community_thread" in q["sql"]], "drawn afresh"
    assert len(served) <= 3, "\n".join(q["sql"][:160] for q in served)
    return feed


def test_a_new_thread_in_the_learners_course_space_shows_at_once(shop):
    client = _client(shop.learner)
    before = _home(client)
    assert "Which editor?" in before and "Pytest fixtures" not in before
    services.thread_create(
        author=_established(),
        space=shop.thread.space,
        kind=Thread.Kind.QUESTION,
        title="Pytest fixtures or setUp?",
        body="Which do you use, and why?",
    )
    assert "Pytest fixtures or setUp?" in _home(client)


def test_votes_and_replies_elsewhere_keep_the_home_page(shop):
    elsewhere = ThreadFactory(space=SpaceFactory(), title="Sourdough starters")
    answer = PostFactory(thread=elsewhere, kind=Post.Kind.ANSWER)
    client = _client(shop.learner)
    first = _home(client)
    kept = generations(HOME_GROUPS)
    services.vote_cast(user=_established(), post=answer, value=1)
    services.post_create(author=_established(), thread=elsewhere, body="Rye flour.")
    # an edited reply's text is on no card either
    services.post_edit(post=answer, editor=answer.author, body="Use rye flour.")
    assert generations(HOME_GROUPS) == kept
    assert _served_from_the_cache(client) == first


def test_a_thread_deleted_or_hidden_by_its_opening_post_leaves_at_once(shop):
    client = _client(shop.learner)
    assert "Which editor?" in _home(client)
    opening = shop.thread.posts.get(kind=Post.Kind.OPENING)
    services.post_delete(post=opening, user=shop.thread.author)
    assert "Which editor?" not in _home(client)


def test_an_accepted_answer_shows_solved_at_once(shop):
    client = _client(shop.learner)
    assert "Solved" not in _home(client)
    answer = PostFactory(
        thread=shop.thread, kind=Post.Kind.ANSWER, author=_established()
    )
    assert "Solved" not in _served_from_the_cache(client)  # an answer is a counter
    services.answer_accept(post=answer, user=shop.thread.author)
    assert "Solved" in _home(client)
