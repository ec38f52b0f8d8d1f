"""The signed-in home page is kept whole per learner (core.pagecache.viewer_page):
the next visit reads nothing of the feed, yet what changes it shows at once and
no learner is ever shown another's page."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.models import Suspension
from tests.factories import CategoryFactory, UserFactory

from .test_feed import EN, Shop, _feed, default_mix  # noqa: F401

pytestmark = pytest.mark.django_db
HOME = reverse("home")


@pytest.fixture
def shop():
    return Shop()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


CSRF_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def _home(client) -> str:
    """The page, its CSRF tokens (masked afresh for each response) blanked."""
    response = client.get(HOME, **EN)
    assert response.status_code == 200
    return CSRF_TOKEN.sub("<token>", response.content.decode())


def test_the_second_visit_is_served_whole_from_the_cache(shop):
    client = _client(shop.learner)
    first = _feed(_home(client))
    assert "Which editor?" in first
    with CaptureQueriesContext(connection) as served:
        again = _feed(_home(client))
    assert again == first
    # In a test's cache maybe the session, and nothing else: not the user
    # (kept, accounts.authcache), nothing of the page, not even whether its
    # creators are still shown (a suspension or a deactivation bumps the page
    # instead).
    sql = [q["sql"] for q in served if "django_session" not in q["sql"]]
    assert sql == [], "\n".join(sql)


def test_no_learner_is_shown_another_learners_feed(shop):
    other = UserFactory(with_profile=True)
    cooking = CategoryFactory(slug="cooking", name_en="Cooking")
    other.profile.interests.add(cooking)
    me, them = _client(shop.learner), _client(other)
    mine = _feed(_home(me))
    theirs = _feed(_home(them))
    assert "Discussed by learners of Python basics" in mine
    assert "Discussed by learners of" not in theirs
    # each again, from the cache: still their own
    assert _feed(_home(them)) == theirs
    assert _feed(_home(me)) == mine


def test_a_suspension_and_its_end_show_at_once_on_the_kept_page(shop, monkeypatch):
    from community import services as community

    client = _client(shop.learner)
    moderator = UserFactory(is_staff=True)
    assert "Pricing live" in _feed(_home(client))  # the followed creator's lecture
    suspension = community.user_suspend(
        user=shop.followed, days=3, reason="spam", moderator=moderator
    )
    assert "Pricing live" not in _feed(_home(client))
    assert "Pricing live" not in _feed(_home(client))  # kept so
    community.suspension_lift(suspension=suspension, moderator=moderator)
    assert "Pricing live" in _feed(_home(client))
    # One that ends with time sends no signal: the page kept while it hid
    # the creator is kept until the end, not a moment longer.
    ends = timezone.now() + timedelta(minutes=30)
    Suspension.objects.create(user=shop.followed, until=ends, reason="spam")
    assert "Pricing live" not in _feed(_home(client))
    assert "Pricing live" not in _feed(_home(client))  # kept
    later = ends + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Pricing live" in _feed(_home(client))


def test_a_deactivated_creator_disappears_at_once_from_kept_pages(shop):
    from accounts.services import user_deactivate

    client = _client(shop.learner)
    anonymous = Client()
    assert "Pricing live" in _feed(_home(client))
    assert "Pricing live" in _feed(_home(anonymous))
    user_deactivate(user=shop.followed)
    assert "Pricing live" not in _feed(_home(client))
    assert "Pricing live" not in _feed(_home(anonymous))
    shop.followed.refresh_from_db()
    shop.followed.is_active = True
    shop.followed.save()  # reactivated in the admin
    assert "Pricing live" in _feed(_home(client))
    assert "Pricing live" in _feed(_home(anonymous))


def test_saving_an_account_otherwise_keeps_the_pages(shop):
    """Only a change of `is_active` makes every kept home page stale: a login
    or a name changed elsewhere does not."""
    from core.pagecache import generations

    before = generations(("accounts",))
    shop.stranger.first_name = "Renamed"
    shop.stranger.save()
    _client(shop.stranger)  # a login saves last_login
    assert generations(("accounts",)) == before


def test_a_new_recommendations_run_shows_at_once(shop):
    from recommendations.models import ActiveRun, ModelRun, Reason, Recommendation

    client = _client(shop.learner)
    before = _feed(_home(client))
    assert "Because you took Python basics" not in before  # the popular list
    assert _feed(_home(client)) == before  # kept
    # the run writes its lists, then becomes the serving one
    run = ModelRun.objects.create(algorithm="ease", status="succeeded")
    Recommendation.objects.create(
        run=run,
        user=shop.learner,
        course=shop.next_course,
        rank=1,
        score=0.9,
        reason=Reason.BECAUSE_YOU_TOOK,
        reason_course=shop.taken,
    )
    assert _feed(_home(client)) == before  # not serving yet
    ActiveRun.objects.update_or_create(algorithm="ease", defaults={"run": run})
    assert "Because you took Python basics" in _feed(_home(client))


def test_the_page_shown_again_from_the_cache_is_announced_again(
    shop, django_capture_on_commit_callbacks
):
    from core import events

    shown = []

    def receiver(sender, **kwargs):
        shown.append(kwargs["course_ids"])

    events.recommendations_shown.connect(receiver)
    try:
        client = _client(shop.learner)
        with django_capture_on_commit_callbacks(execute=True):
            _home(client)
            _home(client)
    finally:
        events.recommendations_shown.disconnect(receiver)
    assert len(shown) == 2 and shown[0] == shown[1] and shown[0]
