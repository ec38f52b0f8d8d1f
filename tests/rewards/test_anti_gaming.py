"""Self-votes, rings of new accounts and suspended accounts earn nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import events
from rewards import selectors
from rewards.models import AntiGamingPolicy, Event, PointEntry, Suspension
from tests.factories import UserFactory

from .factories import PointRuleFactory

pytestmark = pytest.mark.django_db


def vote(send, vote_id, author, voter, post_id=1):
    send(
        events.post_voted,
        vote_id=vote_id,
        post_id=post_id,
        author_id=author.pk,
        voter_id=voter.pk,
        value=1,
    )


def test_self_vote_earns_nothing(send, old_user):
    PointRuleFactory(event=Event.POST_UPVOTED, points=10)
    author = old_user()
    vote(send, 1, author, author)
    assert not PointEntry.objects.exists()


def test_accepting_your_own_answer_earns_nothing(send, old_user):
    PointRuleFactory(event=Event.ANSWER_ACCEPTED, points=30)
    author = old_user()
    send(
        events.answer_accepted,
        post_id=1,
        thread_id=1,
        author_id=author.pk,
        accepted_by_id=author.pk,
    )
    assert not PointEntry.objects.exists()


def test_ring_of_two_new_accounts_earns_at_most_the_cap(send):
    PointRuleFactory(event=Event.POST_UPVOTED, points=4)
    policy = AntiGamingPolicy.current()
    policy.new_account_days = 7
    policy.new_account_vote_cap = 10
    policy.save()
    a, b = UserFactory(), UserFactory()  # joined just now: new
    for i in range(20):
        vote(send, 2 * i, a, b, post_id=100 + i)
        vote(send, 2 * i + 1, b, a, post_id=200 + i)
    assert selectors.balance_of(a.pk) == 10
    assert selectors.balance_of(b.pk) == 10
    assert set(PointEntry.objects.values_list("limited_bucket", flat=True)) == {
        "new_accounts"
    }


def test_ring_of_three_new_accounts_is_capped_too(send):
    PointRuleFactory(event=Event.POST_UPVOTED, points=4)
    AntiGamingPolicy.objects.update_or_create(
        pk=1, defaults={"new_account_days": 7, "new_account_vote_cap": 6}
    )
    ring = [UserFactory() for _ in range(3)]
    vote_id = 0
    for _ in range(5):
        for i, user in enumerate(ring):
            vote_id += 1
            vote(send, vote_id, ring[(i + 1) % 3], user, post_id=vote_id)
    assert [selectors.balance_of(u.pk) for u in ring] == [6, 6, 6]


def test_old_voter_or_old_author_is_not_capped(send, old_user):
    PointRuleFactory(event=Event.POST_UPVOTED, points=4)
    AntiGamingPolicy.objects.update_or_create(
        pk=1, defaults={"new_account_days": 7, "new_account_vote_cap": 4}
    )
    newcomer = UserFactory()
    veteran = old_user()
    for i in range(5):
        vote(send, i, newcomer, old_user(), post_id=i)  # old voters: full points
    vote(send, 99, veteran, newcomer)  # a new voter for an old author: full points
    assert selectors.balance_of(newcomer.pk) == 20
    assert selectors.balance_of(veteran.pk) == 4


def test_accounts_stop_being_new_after_the_configured_days(send):
    PointRuleFactory(event=Event.POST_UPVOTED, points=4)
    AntiGamingPolicy.objects.update_or_create(
        pk=1, defaults={"new_account_days": 3, "new_account_vote_cap": 4}
    )
    ten_days_ago = timezone.now() - timedelta(days=10)
    a = UserFactory(date_joined=ten_days_ago)
    b = UserFactory(date_joined=ten_days_ago)
    for i in range(3):
        vote(send, i, a, b, post_id=i)
    assert selectors.balance_of(a.pk) == 12


def test_suspension_reverses_points_from_the_account_actions(send, old_user):
    PointRuleFactory(event=Event.POST_UPVOTED, points=10)
    PointRuleFactory(event=Event.ANSWER_ACCEPTED, points=30)
    cheat, friend, bystander = old_user(), old_user(), old_user()
    vote(send, 1, friend, cheat)  # the cheat's vote earned friend 10
    vote(send, 2, cheat, bystander)  # the cheat earned 10
    vote(send, 3, friend, bystander)  # unrelated: stays
    send(
        events.answer_accepted,
        post_id=5,
        thread_id=1,
        author_id=friend.pk,
        accepted_by_id=cheat.pk,
    )
    assert selectors.balance_of(friend.pk) == 50
    send(
        events.user_suspended,
        user_id=cheat.pk,
        until=(timezone.now() + timedelta(days=30)).isoformat(),
        reason="vote ring",
    )
    assert selectors.balance_of(friend.pk) == 10
    assert selectors.balance_of(cheat.pk) == 0
    assert selectors.ledger_sum(friend.pk) == 10
    assert Suspension.objects.get(user=cheat).reason == "vote ring"
    # While suspended, the account's votes and its own posts earn nothing.
    vote(send, 4, friend, cheat, post_id=9)
    vote(send, 5, cheat, bystander, post_id=9)
    assert selectors.balance_of(friend.pk) == 10
    assert selectors.balance_of(cheat.pk) == 0


def test_lifting_a_suspension_unblocks_points(
    send, old_user, django_capture_on_commit_callbacks
):
    """A moderator lifts a suspension early: the account earns points again."""
    from community import services as community_services
    from tests.factories import StaffFactory

    PointRuleFactory(event=Event.POST_UPVOTED, points=10)
    member, voter, moderator = old_user(), old_user(), StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        suspension = community_services.user_suspend(
            user=member, moderator=moderator, days=30, reason="spam"
        )
    vote(send, 1, member, voter, post_id=1)
    assert selectors.balance_of(member.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        community_services.suspension_lift(
            suspension=suspension, moderator=moderator, reason="appeal upheld"
        )
    vote(send, 2, member, voter, post_id=2)
    assert selectors.balance_of(member.pk) == 10


def test_a_second_suspension_still_running_keeps_points_blocked(
    send, old_user, django_capture_on_commit_callbacks
):
    from community import services as community_services
    from tests.factories import StaffFactory

    PointRuleFactory(event=Event.POST_UPVOTED, points=10)
    member, voter, moderator = old_user(), old_user(), StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        longer = community_services.user_suspend(
            user=member, moderator=moderator, days=30, reason="spam"
        )
        shorter = community_services.user_suspend(
            user=member, moderator=moderator, days=3, reason="again"
        )
    with django_capture_on_commit_callbacks(execute=True):
        community_services.suspension_lift(suspension=longer, moderator=moderator)
    vote(send, 1, member, voter, post_id=1)
    assert selectors.balance_of(member.pk) == 0
    assert Suspension.objects.get(user=member).until == shorter.until
