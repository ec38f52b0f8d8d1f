"""End to end with the real community services: votes, accepts, removals."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community import services as community
from rewards import selectors
from rewards.models import Event
from tests.community.factories import PostFactory, ThreadFactory
from tests.factories import UserFactory

from .factories import PointRuleFactory

pytestmark = pytest.mark.django_db


def old():
    return UserFactory(date_joined=timezone.now() - timedelta(days=60))


def test_votes_accept_and_removal_through_community(django_capture_on_commit_callbacks):
    PointRuleFactory(event=Event.POST_UPVOTED, points=10)
    PointRuleFactory(event=Event.ANSWER_ACCEPTED, points=30)
    asker, helper, fan = old(), old(), old()
    thread = ThreadFactory(author=asker)
    answer = PostFactory(thread=thread, author=helper)
    with django_capture_on_commit_callbacks(execute=True):
        community.vote_cast(user=fan, post=answer, value=1)
    with django_capture_on_commit_callbacks(execute=True):
        community.answer_accept(post=answer, user=asker)
    assert selectors.balance_of(helper.pk) == 40
    with django_capture_on_commit_callbacks(execute=True):
        community.vote_withdraw(user=fan, post=answer)
    assert selectors.balance_of(helper.pk) == 30
    with django_capture_on_commit_callbacks(execute=True):
        community.post_delete(post=answer, user=helper)
    assert selectors.balance_of(helper.pk) == 0 == selectors.ledger_sum(helper.pk)


def test_accepting_another_answer_takes_the_first_answers_points_back(
    django_capture_on_commit_callbacks,
):
    PointRuleFactory(event=Event.ANSWER_ACCEPTED, points=30)
    asker, first, second = old(), old(), old()
    thread = ThreadFactory(author=asker)
    first_answer = PostFactory(thread=thread, author=first)
    second_answer = PostFactory(thread=thread, author=second)
    with django_capture_on_commit_callbacks(execute=True):
        community.answer_accept(post=first_answer, user=asker)
    assert selectors.balance_of(first.pk) == 30
    with django_capture_on_commit_callbacks(execute=True):
        community.answer_accept(post=second_answer, user=asker)
    assert selectors.balance_of(first.pk) == 0 == selectors.ledger_sum(first.pk)
    assert selectors.balance_of(second.pk) == 30
    # Accepting the first answer again cannot farm points: the source counted once.
    with django_capture_on_commit_callbacks(execute=True):
        community.answer_accept(post=first_answer, user=asker)
    assert selectors.balance_of(first.pk) == 0
