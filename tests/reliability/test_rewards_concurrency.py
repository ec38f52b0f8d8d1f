"""Rewards under real concurrency (PostgreSQL, real threads, real row locks)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from rewards import selectors, services
from rewards.models import Event, PointEntry, Redemption, RedemptionRate
from tests.factories import StaffFactory, UserFactory
from tests.rewards.factories import PointRuleFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20  # the PostgreSQL server is shared; 20 connections is plenty


def run_concurrently(calls):
    """Run the callables on THREADS threads released together by a barrier."""
    parties = min(THREADS, len(calls))
    barrier = threading.Barrier(parties)
    # The barrier is reusable: every group of `parties` calls starts together.
    use_barrier = len(calls) % parties == 0

    def worker(call):
        try:
            if use_barrier:
                barrier.wait(timeout=30)
            return call()
        except ValidationError as error:
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(worker, calls))


def old_user():
    from datetime import timedelta

    from django.utils import timezone

    return UserFactory(date_joined=timezone.now() - timedelta(days=90))


def test_100_concurrent_awards_for_one_event_give_one_entry():
    PointRuleFactory(event=Event.POST_UPVOTED, points=10)
    author, voter = old_user(), old_user()

    def award():
        entry = services.points_award(
            event=Event.POST_UPVOTED,
            user_id=author.pk,
            source_key="vote:1",
            object_key="post:1",
            actor_id=voter.pk,
        )
        return entry.pk

    results = run_concurrently([award] * 100)
    assert len(set(results)) == 1
    assert PointEntry.objects.filter(user=author).count() == 1
    assert selectors.balance_of(author.pk) == 10 == selectors.ledger_sum(author.pk)


def test_daily_cap_holds_under_concurrency():
    PointRuleFactory(event=Event.POST_UPVOTED, points=10, daily_cap=35)
    author = old_user()
    voters = [old_user() for _ in range(THREADS)]

    def award_from(i):
        return lambda: services.points_award(
            event=Event.POST_UPVOTED,
            user_id=author.pk,
            source_key=f"vote:{i}",
            object_key="post:1",
            actor_id=voters[i].pk,
        )

    run_concurrently([award_from(i) for i in range(THREADS)])
    assert selectors.ledger_sum(author.pk) == 35
    assert selectors.balance_of(author.pk) == 35


def test_concurrent_redemptions_cannot_overdraw():
    rate = RedemptionRate.current()
    rate.min_points, rate.max_points = 100, 10000
    rate.save()
    learner = UserFactory()
    services.points_adjust(user=learner, points=1000, reason="seed", by=StaffFactory())

    def redeem():
        return services.redemption_create(user=learner, points=300)

    results = run_concurrently([redeem] * THREADS)
    succeeded = [r for r in results if isinstance(r, Redemption)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(succeeded) == 3
    assert len(refused) == THREADS - 3
    assert selectors.balance_of(learner.pk) == 100 == selectors.ledger_sum(learner.pk)


def test_concurrent_reversals_write_one_reversal():
    PointRuleFactory(event=Event.POST_UPVOTED, points=10)
    author = old_user()
    services.points_award(
        event=Event.POST_UPVOTED,
        user_id=author.pk,
        source_key="vote:9",
        object_key="post:3",
        actor_id=old_user().pk,
    )

    def reverse():
        return len(
            services.points_reverse_object(object_key="post:3", reason="removed")
        )

    results = run_concurrently([reverse] * THREADS)
    assert sum(results) == 1
    assert PointEntry.objects.filter(kind="reversal").count() == 1
    assert selectors.balance_of(author.pk) == 0 == selectors.ledger_sum(author.pk)


def test_concurrent_awards_for_one_user_lose_no_leaderboard_point():
    PointRuleFactory(event=Event.REVIEW_WRITTEN, points=10)
    author = old_user()

    def award_for(i):
        return lambda: services.points_award(
            event=Event.REVIEW_WRITTEN, user_id=author.pk, source_key=f"review:{i}"
        )

    run_concurrently([award_for(i) for i in range(THREADS)])
    for period in selectors.PERIODS:
        assert selectors.leaderboard(period=period)[0]["points"] == 10 * THREADS
    assert services.totals_reconcile(repair=False).repaired == 0


def test_concurrent_first_increments_of_a_total_lose_none():
    """Without the ledger's lock (a writer that skips it, the seed): the
    upsert alone keeps every increment, even racing to create the row."""
    from django.db import transaction
    from django.utils import timezone

    learner = old_user()

    def add_one():
        entry = PointEntry(
            user_id=learner.pk,
            kind=PointEntry.Kind.AWARD,
            points=1,
            created_at=timezone.now(),
        )
        with transaction.atomic():
            services.totals_add([entry])

    run_concurrently([add_one] * (THREADS * 5))
    assert selectors.leaderboard(period="all")[0]["points"] == THREADS * 5
