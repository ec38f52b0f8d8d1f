"""The analytics step plants its behaviour history even when the steps before
it recorded sales and enrolments as events (no Redis buffer: `make run`)."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics.models import Event
from analytics.recording import events_import
from demo.seeding import SCALES

pytestmark = pytest.mark.django_db

BEFORE = "courses.categories,accounts.people,courses.courses,learning.enrolments"


@pytest.fixture
def tiny_demo(monkeypatch):
    from demo.seeds import courses

    monkeypatch.setitem(SCALES, "small", {"learners": 30, "creators": 4})
    monkeypatch.setitem(courses.COURSES_PER_SCALE, "small", 12)


def _seed(only):
    out = io.StringIO()
    call_command("seed_demo", scale="small", seed=3, only=only, stdout=out)
    return out.getvalue()


def test_history_is_planted_after_events_of_earlier_steps(tiny_demo):
    _seed(BEFORE)
    # what a sale through the services leaves behind when recorded directly
    events_import([{"occurred_at": timezone.now(), "kind": "purchase"}])
    _seed("analytics")
    assert Event.objects.filter(kind="study").exists()
    planted = Event.objects.count()
    assert "nothing added" in _seed("analytics")  # a second run adds nothing
    assert Event.objects.count() == planted
