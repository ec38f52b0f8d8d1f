import datetime

import pytest
from django.utils import timezone

from tests.factories import UserFactory

from .factories import SpaceFactory


@pytest.fixture
def space(db):
    return SpaceFactory()


@pytest.fixture
def member(db):
    """An established account (not subject to new-account holds)."""
    user = UserFactory()
    user.date_joined = timezone.now() - datetime.timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def other_member(db):
    user = UserFactory()
    user.date_joined = timezone.now() - datetime.timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user
