"""After any sequence of events, balances equal ledger sums and nothing counts twice."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core import events
from rewards import selectors, services
from rewards.models import AntiGamingPolicy, Event, PointEntry, PointRule
from tests.factories import StaffFactory, UserFactory

N_USERS = 4
user_index = st.integers(min_value=0, max_value=N_USERS - 1)
small_id = st.integers(min_value=1, max_value=6)

actions = st.one_of(
    st.tuples(st.just("vote"), small_id, small_id, user_index, user_index),
    st.tuples(st.just("withdraw"), small_id),
    st.tuples(st.just("remove_post"), small_id),
    st.tuples(st.just("accept"), small_id, small_id, user_index, user_index),
    st.tuples(st.just("feature"), small_id, user_index),
    st.tuples(st.just("remove_thread"), small_id),
    st.tuples(st.just("visit"), user_index, st.integers(min_value=1, max_value=3)),
    st.tuples(st.just("redeem"), user_index, st.integers(min_value=1, max_value=60)),
    st.tuples(st.just("adjust"), user_index, st.integers(min_value=-20, max_value=40)),
    st.tuples(st.just("suspend"), user_index),
)


class LedgerInvariants(TestCase):
    @classmethod
    def setUpTestData(cls):
        old = timezone.now() - timedelta(days=60)
        cls.users = [UserFactory(date_joined=old) for _ in range(N_USERS - 1)]
        cls.users.append(UserFactory())  # one new account
        cls.staff = StaffFactory()
        PointRule.objects.create(event=Event.POST_UPVOTED, points=5, daily_cap=30)
        PointRule.objects.create(event=Event.ANSWER_ACCEPTED, points=15)
        PointRule.objects.create(event=Event.THREAD_FEATURED, points=25)
        PointRule.objects.create(event=Event.DAILY_VISIT, points=2)
        AntiGamingPolicy.objects.create(
            pk=1, new_account_days=7, new_account_vote_cap=5
        )
        from rewards.models import RedemptionRate

        RedemptionRate.objects.create(pk=1, points_per_unit=10, min_points=1)

    def send(self, signal, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            signal.send(sender=object, **kwargs)

    def apply(self, action):
        kind, *args = action
        u = self.users
        if kind == "vote":
            vote_id, post_id, author, voter = args
            self.send(
                events.post_voted,
                vote_id=vote_id,
                post_id=post_id,
                author_id=u[author].pk,
                voter_id=u[voter].pk,
                value=1,
            )
        elif kind == "withdraw":
            self.send(
                events.vote_withdrawn,
                vote_id=args[0],
                post_id=0,
                author_id=0,
                voter_id=0,
            )
        elif kind == "remove_post":
            self.send(events.post_removed, post_id=args[0], thread_id=99, author_id=0)
        elif kind == "accept":
            post_id, thread_id, author, asker = args
            self.send(
                events.answer_accepted,
                post_id=post_id,
                thread_id=thread_id,
                author_id=u[author].pk,
                accepted_by_id=u[asker].pk,
            )
        elif kind == "feature":
            thread_id, author = args
            self.send(
                events.thread_featured,
                thread_id=thread_id,
                author_id=u[author].pk,
                featured_by_id=self.staff.pk,
            )
        elif kind == "remove_thread":
            self.send(events.post_removed, post_id=None, thread_id=args[0], author_id=0)
        elif kind == "visit":
            user, day = args
            self.send(events.daily_visit, user_id=u[user].pk, date=f"2026-11-0{day}")
        elif kind == "redeem":
            user, points = args
            try:
                services.redemption_create(user=u[user], points=points)
            except Exception as error:  # noqa: BLE001
                assert "cannot redeem" in str(error)
        elif kind == "adjust":
            user, points = args
            if points:
                services.points_adjust(
                    user=u[user], points=points, reason="test", by=self.staff
                )
        elif kind == "suspend":
            self.send(
                events.user_suspended, user_id=u[args[0]].pk, until=None, reason="x"
            )

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.lists(actions, min_size=1, max_size=25))
    def test_balances_match_ledger_and_sources_count_once(self, sequence):
        for action in sequence:
            self.apply(action)
        for user in self.users:
            self.assertEqual(
                selectors.balance_of(user.pk), selectors.ledger_sum(user.pk)
            )
        duplicated = (
            PointEntry.objects.filter(rule__isnull=False)
            .values("rule", "source_key", "user", "kind")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        self.assertEqual(list(duplicated), [])
        # Every reversal undoes exactly one award, by its full amount.
        for reversal in PointEntry.objects.filter(kind="reversal").select_related(
            "reversal_of"
        ):
            self.assertEqual(reversal.points, -reversal.reversal_of.points)
            self.assertEqual(reversal.reversal_of.kind, "award")
        # Redemptions never took a balance below zero at the time: the net of
        # redemptions never exceeds what was there, so balance >= -(reversals).
        for user in self.users:
            reversed_total = -sum(
                PointEntry.objects.filter(user=user, kind="reversal").values_list(
                    "points", flat=True
                )
            )
            negative_adjust = -sum(
                p
                for p in PointEntry.objects.filter(
                    user=user, kind="adjustment", points__lt=0
                ).values_list("points", flat=True)
            )
            self.assertGreaterEqual(
                selectors.balance_of(user.pk), -(reversed_total + negative_adjust)
            )
