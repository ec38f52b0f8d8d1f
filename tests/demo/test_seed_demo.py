"""seed_demo: deterministic for a seed, idempotent, quiet when asked."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

import demo
from accounts.models import Profile, User
from courses.models import Category
from demo.seeding import INTEREST_CLUSTERS, SCALES

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_scale(monkeypatch):
    monkeypatch.setitem(
        SCALES, "small", {**SCALES["small"], "learners": 30, "creators": 4}
    )


def _snapshot():
    return sorted(
        (
            p.user.email,
            p.user.role,
            p.display_name,
            tuple(sorted(p.interests.values_list("slug", flat=True))),
        )
        for p in Profile.objects.select_related("user")
    )


def _seed(**kwargs):
    out = io.StringIO()
    call_command(
        "seed_demo",
        "--only",
        "courses.categories,accounts.people",
        stdout=out,
        **kwargs,
    )
    return out.getvalue()


def test_seed_is_idempotent_and_prints_the_logins(tiny_scale):
    output = _seed()
    assert "demo-pass-2026" in output and "staff@demo.kp" in output
    counts = (User.objects.count(), Category.objects.count(), _snapshot())
    assert User.objects.filter(role="learner").count() == 30
    assert User.objects.filter(role="creator").count() == 4
    assert User.objects.get(email="staff@demo.kp").is_staff
    assert Category.objects.filter(parent__isnull=True).count() >= 8
    _seed()
    assert (User.objects.count(), Category.objects.count(), _snapshot()) == counts


def test_seed_is_deterministic_for_a_seed(tiny_scale, django_db_blocker):
    _seed(seed=7)
    first = _snapshot()
    Profile.interests.through.objects.all().delete()
    Profile.objects.all().delete()
    User.objects.all().delete()
    _seed(seed=7)
    assert _snapshot() == first


def test_learner_interests_follow_the_planted_clusters(tiny_scale):
    _seed()
    clusters = [set(c) for c in INTEREST_CLUSTERS]
    learners = Profile.objects.filter(user__role="learner").prefetch_related(
        "interests"
    )
    for profile in learners:
        chosen = {c.slug for c in profile.interests.all()}
        assert any(cluster <= chosen for cluster in clusters), chosen


def test_if_empty_skips_when_users_exist(user):
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "not loaded" in out.getvalue()
    assert User.objects.count() == 1


def test_demo_learner_can_log_in(client, tiny_scale):
    _seed()
    response = client.post(
        "/accounts/login/", {"login": "learner1@demo.kp", "password": "demo-pass-2026"}
    )
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_seeding_leaves_the_worker_no_backlog(tiny_scale, settings):
    """`make run` seeds, then starts the worker: nothing may wait in the broker.

    The side effects of the demo data (points, badges, notifications, emails)
    are applied while seeding, so a learner's first action is the only thing
    in the queue.
    """
    from celery import current_app

    from core.models import TaskOutbox
    from notifications.models import Notification
    from rewards.models import PointEntry

    conf = current_app.conf
    saved = conf.task_always_eager
    conf.task_always_eager = False  # as under `make run`: a real broker
    try:
        with current_app.connection_for_write() as connection:
            queue = connection.default_channel
            queue.queue_purge("celery")
            call_command("seed_demo", verbosity=0)
            waiting = queue.queue_declare("celery", passive=True).message_count
    finally:
        conf.task_always_eager = saved
    assert waiting == 0
    assert TaskOutbox.objects.count() == 0
    assert conf.task_always_eager == saved
    # Applied, not dropped.
    assert PointEntry.objects.exists()
    assert Notification.objects.exists()


def test_demo_people_have_plain_names_and_no_text_calls_a_creator_老师(tiny_scale):
    """docs/glossary.md: 创作者, never 老师. A demo creator was "林老师", which read
    like a title in "与 林老师 的咨询"; the demo's plan and path texts said 老师."""
    _seed()
    names = list(Profile.objects.values_list("display_name", flat=True))
    assert "林晓" in names
    assert not [name for name in names if "老师" in name], names
    seeds = Path(demo.__file__).parent
    wording = [
        str(path.relative_to(seeds))
        for path in seeds.rglob("*.py")
        if "老师" in path.read_text(encoding="utf-8")
    ]
    assert not wording, wording
