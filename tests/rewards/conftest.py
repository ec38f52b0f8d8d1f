import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import UserFactory

_ids = itertools.count(1000)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Send a domain event the way domain apps do, and run what it queues."""

    def _send(signal, sender=object, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            signal.send(sender=sender, **kwargs)

    return _send


@pytest.fixture
def next_id():
    return lambda: next(_ids)


@pytest.fixture
def old_user(db):
    """An account old enough not to count as new for the anti-gaming cap."""

    def make(**kwargs):
        return UserFactory(date_joined=timezone.now() - timedelta(days=90), **kwargs)

    return make


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are asserted in English (pages test both languages)."""
    from django.utils import translation

    with translation.override("en"):
        yield
