"""The leaderboards read totals kept with the ledger: after any sequence of
ledger writes, at any moment, they rank exactly as the ledger summed."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from rewards import selectors, services
from rewards.models import Event, PointEntry, PointRule, PointTotal, RedemptionRate
from rewards.periods import PERIODS
from tests.factories import CategoryFactory, StaffFactory, UserFactory

# 23:30 in Beijing on a Saturday, a week before a month's end: hours later
# cross midnight, a Monday and the 1st in the site's zone, not in UTC.
START = datetime(2026, 10, 24, 15, 30, tzinfo=UTC)
N_USERS = 4

user_index = st.integers(min_value=0, max_value=N_USERS - 1)
source = st.integers(min_value=1, max_value=8)
hours = st.integers(min_value=0, max_value=24 * 40)
category = st.sampled_from([None, "top", "sub", "other"])
event = st.sampled_from(
    [Event.REVIEW_WRITTEN, Event.COURSE_COMPLETED, Event.POST_UPVOTED]
)

actions = st.one_of(
    st.tuples(st.just("award"), hours, event, source, user_index, category),
    st.tuples(st.just("reverse"), hours, source),
    st.tuples(st.just("redeem"), hours, user_index, st.integers(1, 40)),
    st.tuples(st.just("adjust"), hours, user_index, st.integers(-30, 30)),
    st.tuples(st.just("suspend"), hours, user_index),
)


def at(offset_hours: int):
    return mock.patch(
        "django.utils.timezone.now",
        return_value=START + timedelta(hours=offset_hours),
    )


class LeaderboardEqualsTheLedger(TestCase):
    @classmethod
    def setUpTestData(cls):
        old = START - timedelta(days=90)
        cls.users = [UserFactory(date_joined=old) for _ in range(N_USERS)]
        cls.staff = StaffFactory()
        top = CategoryFactory(slug="totals-top")
        cls.categories = {
            None: None,
            "top": top,
            "sub": CategoryFactory(slug="totals-sub", parent=top),
            "other": CategoryFactory(slug="totals-other"),
        }
        PointRule.objects.create(event=Event.REVIEW_WRITTEN, points=7)
        PointRule.objects.create(event=Event.COURSE_COMPLETED, points=20)
        PointRule.objects.create(event=Event.POST_UPVOTED, points=5, daily_cap=12)
        RedemptionRate.objects.create(pk=1, points_per_unit=10, min_points=1)

    def apply(self, action):
        kind, offset, *args = action
        with at(offset):
            if kind == "award":
                event_name, source_id, user, category_name = args
                category_obj = self.categories[category_name]
                services.points_award(
                    event=event_name,
                    user_id=self.users[user].pk,
                    source_key=f"s:{source_id}",
                    category_id=category_obj.pk if category_obj else None,
                )
            elif kind == "reverse":
                services.points_reverse_source(source_key=f"s:{args[0]}", reason="x")
            elif kind == "redeem":
                user, points = args
                try:
                    services.redemption_create(user=self.users[user], points=points)
                except Exception as error:  # noqa: BLE001
                    assert "redeem" in str(error)
            elif kind == "adjust":
                user, points = args
                if points:
                    services.points_adjust(
                        user=self.users[user], points=points, reason="t", by=self.staff
                    )
            elif kind == "suspend":
                services.suspension_record(user_id=self.users[args[0]].pk)

    @example(
        [
            ("award", 0, Event.REVIEW_WRITTEN, 1, 0, None),
            ("reverse", 25, 1),  # the next week (Monday 00:30 in Beijing)
        ],
        0,
    )
    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.lists(actions, min_size=1, max_size=15), st.integers(0, 24 * 9))
    def test_leaderboards_from_totals_equal_the_ledger_summed(self, sequence, later):
        with mock.patch("rewards.services.ledger._evaluate_badges_later"):
            for action in sequence:
                self.apply(action)
        # some time after the last write (the ledger holds no future entries)
        when = max(action[1] for action in sequence) + later
        with at(when):
            for period in PERIODS:
                for category_obj in self.categories.values():
                    category_id = category_obj.pk if category_obj else None
                    kept = [
                        (row["user"].pk, row["points"])
                        for row in selectors.leaderboard(
                            period=period, category_id=category_id, limit=10
                        )
                    ]
                    summed = selectors.leaderboard_from_ledger(
                        period=period,
                        category_id=category_id,
                        limit=10,
                        now=timezone.now(),
                    )
                    self.assertEqual(kept, summed, (period, category_id))
        # learner levels count the same points (all time, every category)
        earned = {
            user.pk: max(
                0,
                sum(
                    PointEntry.objects.filter(
                        user=user, kind__in=["award", "reversal"]
                    ).values_list("points", flat=True)
                ),
            )
            for user in self.users
        }
        kept_earned = selectors.earned_points([u.pk for u in self.users])
        self.assertEqual(
            {u: p for u, p in earned.items() if p},
            {u: p for u, p in kept_earned.items() if p},
        )
        # and the nightly comparison finds nothing to repair
        with at(when):
            self.assertEqual(services.totals_reconcile(repair=False).repaired, 0)


@pytest.fixture
def rule(db):
    return PointRule.objects.create(event=Event.REVIEW_WRITTEN, points=10)


def award(user, key, **kwargs):
    return services.points_award(
        event=Event.REVIEW_WRITTEN, user_id=user.pk, source_key=key, **kwargs
    )


@pytest.mark.django_db
def test_reconcile_reports_repairs_and_is_idempotent(rule, caplog):
    sub = CategoryFactory(parent=CategoryFactory())
    first, second = UserFactory(), UserFactory()
    award(first, "a", category_id=sub.pk)
    award(second, "b")
    # Something wrote the ledger around the services, another lost the totals.
    PointEntry.objects.create(
        user=second,
        kind=PointEntry.Kind.AWARD,
        rule=rule,
        points=50,
        source_key="around",
        day=timezone.localdate(),
    )
    PointTotal.objects.filter(user=first, scope=sub.pk).delete()
    assert [r["user"] for r in selectors.leaderboard()] == [first, second]

    out = StringIO()
    call_command("rewards_rebuild_totals", "--check", stdout=out)
    assert "6 rows differ" in out.getvalue()  # 3 periods × (second's all, first's sub)
    assert [r["user"] for r in selectors.leaderboard()] == [first, second]

    result = services.totals_reconcile()
    assert result.repaired == 6
    assert "differed from the ledger" in caplog.text
    assert [(r["user"], r["points"]) for r in selectors.leaderboard()] == [
        (second, 60),
        (first, 10),
    ]
    assert selectors.leaderboard(category_id=sub.pk)[0]["user"] == first
    assert services.totals_reconcile().repaired == 0

    call_command("rewards_rebuild_totals", stdout=out)
    assert "0 rows repaired" in out.getvalue()


@pytest.mark.django_db
def test_rebuild_fills_an_empty_table_and_drops_buckets_no_page_reads(rule):
    learner = UserFactory()
    with at(0):
        award(learner, "october")
    with at(24 * 60):  # two months later
        award(learner, "december")
        PointTotal.objects.all().delete()
        services.totals_rebuild()
        assert selectors.leaderboard(period="all")[0]["points"] == 20
        assert selectors.leaderboard(period="week")[0]["points"] == 10
    # only this and the previous week and month are kept, and all time
    kept = set(PointTotal.objects.values_list("period", flat=True))
    assert kept == {"week", "month", "all"}
    assert not PointTotal.objects.filter(starts_on__month=10).exclude(period="all")


@pytest.mark.django_db
def test_reversals_count_and_spending_does_not(rule):
    learner, other = UserFactory(), UserFactory()
    award(learner, "one")
    award(learner, "two")
    award(other, "three")
    RedemptionRate.objects.create(pk=1, points_per_unit=1, min_points=1)
    services.redemption_create(user=learner, points=15)
    assert [r["points"] for r in selectors.leaderboard()] == [20, 10]
    services.points_reverse(awards=Q(source_key="one"), reason="removed")
    services.points_reverse(awards=Q(source_key="two"), reason="removed")
    # ties by user id, users at zero are left out
    assert [r["user"] for r in selectors.leaderboard()] == [other]
    assert services.totals_reconcile(repair=False).repaired == 0


@pytest.mark.django_db
def test_periods_start_in_the_sites_time_zone_for_every_viewer(client, rule):
    learner = UserFactory()
    # Sunday 23:30 in Beijing: last week for the site, whatever the viewer's zone
    sunday_night = START + timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=sunday_night):
        award(learner, "late")
    monday = sunday_night + timedelta(hours=1)
    with mock.patch("django.utils.timezone.now", return_value=monday):
        client.cookies["kp_tz"] = "America/New_York"  # still Sunday there
        page = client.get("/rewards/leaderboard/").content.decode()
        assert learner.display_name not in page
        assert selectors.leaderboard(period="month")[0]["user"] == learner
