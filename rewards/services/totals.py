"""The leaderboards' rollup (`PointTotal`): kept with the ledger, rebuilt from it.

Every ledger write that counts as earned (awards and reversals) adds its
points to the rows of its buckets (its week, its month, all time; in the
site's time zone, from the entry's `created_at` as the leaderboard reads it)
and of its category scopes (every category, its category, that category's
parent), in the same transaction: `totals_add`. One statement,
`INSERT … ON CONFLICT DO UPDATE SET points = points + excluded.points`
(PostgreSQL and SQLite), so two writers never lose an increment, with the
rows in key order so that two multi-row writers cannot deadlock.

`totals_reconcile` compares the rollup with the ledger, user by user in id
ranges, under the ledger's own lock (the users' `PointBalance` rows), and
repairs what differs; from an empty table it is the rebuild. It keeps the
current and the previous week and month (and all time): older buckets are
never read, and are deleted.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from courses import selectors as course_selectors
from rewards.models import PointBalance, PointEntry, PointTotal
from rewards.periods import ALL_TIME, bucket_starts, site_today, site_zone

logger = logging.getLogger(__name__)

EARNED_KINDS = (PointEntry.Kind.AWARD, PointEntry.Kind.REVERSAL)
#: Users compared per transaction by the reconciliation.
CHUNK = 2000
#: Rows per upsert statement (5 parameters each: under SQLite's limits).
UPSERT_BATCH = 150
Key = tuple[int, str, date, int]  # user, period, starts_on, scope


def _scopes(category_id: int | None, parent_id: int | None) -> set[int]:
    return {0, *(c for c in (category_id, parent_id) if c)}


def totals_add(entries: Iterable[PointEntry]) -> None:
    """Add the earned `entries` to the rollup (the caller's transaction)."""
    earned = [e for e in entries if e.kind in EARNED_KINDS]
    if not earned:
        return
    parents = (
        course_selectors.category_parents()
        if any(e.category_id for e in earned)
        else {}
    )
    zone = site_zone()
    deltas: Counter[Key] = Counter()
    for entry in earned:
        day = timezone.localtime(entry.created_at, zone).date()
        scopes = _scopes(entry.category_id, parents.get(entry.category_id))
        for period, start in bucket_starts(day).items():
            for scope in scopes:
                deltas[(entry.user_id, period, start, scope)] += entry.points
    _upsert_add(deltas)


def _upsert_add(deltas: Counter[Key]) -> None:
    table = connection.ops.quote_name(PointTotal._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    rows = [
        (user_id, period, adapt(start), scope, points)
        for (user_id, period, start, scope), points in sorted(
            deltas.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][3], kv[0][0])
        )
        if points
    ]
    with connection.cursor() as cursor:
        for i in range(0, len(rows), UPSERT_BATCH):
            batch = rows[i : i + UPSERT_BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} (user_id, period, starts_on, scope, points) "  # noqa: S608 (names from the model)
                f"VALUES {values} "
                "ON CONFLICT (period, starts_on, scope, user_id) "
                f"DO UPDATE SET points = {table}.points + excluded.points",
                [value for row in batch for value in row],
            )


# --- Comparison with the ledger ---------------------------------------------------


def kept_since(now: datetime | None = None) -> dict[str, date]:
    """The oldest bucket kept per period: the previous week and month."""
    today = site_today(now)
    this_month = today.replace(day=1)
    return {
        PointTotal.Period.WEEK: today - timedelta(days=today.weekday() + 7),
        PointTotal.Period.MONTH: (this_month - timedelta(days=1)).replace(day=1),
        PointTotal.Period.ALL: ALL_TIME,
    }


def _aware(day: date):
    return timezone.make_aware(datetime.combine(day, time.min), site_zone())


def ledger_totals(entries, since: dict[str, date], parents: dict) -> Counter[Key]:
    """What the rollup should hold for the earned `entries` (a PointEntry queryset).

    Two sums in the database: all time per user and category, and per user,
    local day and category since the oldest kept week or month (spread here
    into their weeks and months); the scopes are spread from the category's
    current parent.
    """
    entries = entries.filter(kind__in=EARNED_KINDS).order_by()
    expected: Counter[Key] = Counter()
    for user_id, category_id, total in entries.values_list(
        "user_id", "category_id"
    ).annotate(total=Sum("points")):
        for scope in _scopes(category_id, parents.get(category_id)):
            expected[(user_id, PointTotal.Period.ALL, ALL_TIME, scope)] += total
    recent = {p: start for p, start in since.items() if p != PointTotal.Period.ALL}
    days = (
        entries.filter(created_at__gte=_aware(min(recent.values())))
        .annotate(local_day=TruncDate("created_at", tzinfo=site_zone()))
        .values_list("user_id", "local_day", "category_id")
        .annotate(total=Sum("points"))
    )
    for user_id, day, category_id, total in days:
        scopes = _scopes(category_id, parents.get(category_id))
        for period, start in bucket_starts(day).items():
            if period in recent and start >= recent[period]:
                for scope in scopes:
                    expected[(user_id, period, start, scope)] += total
    return Counter({key: points for key, points in expected.items() if points})


@dataclass
class Reconciled:
    users: int = 0
    rows: int = 0
    repaired: int = 0
    removed: int = 0
    samples: list[str] = field(default_factory=list)


def _kept(since: dict[str, date]) -> Q:
    return (
        Q(period=PointTotal.Period.ALL)
        | Q(period=PointTotal.Period.WEEK, starts_on__gte=since[PointTotal.Period.WEEK])
        | Q(
            period=PointTotal.Period.MONTH,
            starts_on__gte=since[PointTotal.Period.MONTH],
        )
    )


def totals_reconcile(
    *, repair: bool = True, now: datetime | None = None, report: bool = True
) -> Reconciled:
    """Compare the rollup with the ledger, repair it (and drop old buckets).

    Works through users by id ranges of CHUNK, each range in one transaction
    holding the ledger's lock of its users (their `PointBalance` rows), so
    that an award committing meanwhile is neither missed nor counted twice.
    Idempotent: a second run finds nothing to repair.
    """
    since = kept_since(now)
    result = Reconciled()
    if repair:
        # Buckets no page reads any more (before the previous week and month).
        result.removed, _by_model = PointTotal.objects.exclude(_kept(since)).delete()
    parents = course_selectors.category_parents()
    last = max(
        PointEntry.objects.aggregate(m=Max("user_id"))["m"] or 0,
        PointTotal.objects.aggregate(m=Max("user_id"))["m"] or 0,
    )
    for low in range(0, last + 1, CHUNK):
        _reconcile_range(low, low + CHUNK, since, parents, repair, result)
    if result.repaired and report:
        logger.warning(
            "rewards totals differed from the ledger: %s rows repaired, e.g. %s",
            result.repaired,
            "; ".join(result.samples),
        )
    return result


@transaction.atomic
def _reconcile_range(low, high, since, parents, repair, result: Reconciled) -> None:
    in_range = Q(user_id__gte=low, user_id__lt=high)
    locked = list(
        PointBalance.objects.select_for_update()
        .filter(in_range)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    expected = ledger_totals(PointEntry.objects.filter(in_range), since, parents)
    actual = {
        (u, p, s, c): (pk, points)
        for pk, u, p, s, c, points in PointTotal.objects.filter(in_range)
        .filter(_kept(since))
        .values_list("pk", "user_id", "period", "starts_on", "scope", "points")
    }
    result.users += len(locked)
    result.rows += len(expected)
    wrong = {k: v for k, v in expected.items() if actual.get(k, (None, 0))[1] != v}
    stale = [pk for k, (pk, points) in actual.items() if k not in expected]
    # Rows left at zero by reversals are tidied, not reported.
    stale_points = sum(1 for k, (pk, p) in actual.items() if k not in expected and p)
    for key in list(wrong)[: 5 - len(result.samples)]:
        result.samples.append(
            f"user {key[0]} {key[1]} {key[2]} scope {key[3]}: "
            f"{actual.get(key, (None, 0))[1]} != {wrong[key]}"
        )
    result.repaired += len(wrong) + stale_points
    if not repair:
        return
    if stale:
        PointTotal.objects.filter(pk__in=stale).delete()
    if wrong:
        PointTotal.objects.bulk_create(
            [
                PointTotal(user_id=u, period=p, starts_on=s, scope=c, points=v)
                for (u, p, s, c), v in sorted(wrong.items())
            ],
            batch_size=1000,
            update_conflicts=True,
            update_fields=["points"],
            unique_fields=["period", "starts_on", "scope", "user"],
        )


def totals_from_ledger(*, now: datetime | None = None) -> list[PointTotal]:
    """Every total the ledger gives (unsaved), summed in one pass: for a
    writer that owns the whole table meanwhile (the demo seed, which then
    inserts them in bulk), not for a live site (`totals_reconcile`)."""
    expected = ledger_totals(
        PointEntry.objects.all(), kept_since(now), course_selectors.category_parents()
    )
    return [
        PointTotal(user_id=u, period=p, starts_on=s, scope=c, points=v)
        for (u, p, s, c), v in sorted(expected.items())
    ]


def totals_rebuild(*, now: datetime | None = None) -> Reconciled:
    """Fill the rollup from the ledger (the seed, the data migration): what
    it writes is expected, not reported."""
    return totals_reconcile(repair=True, now=now, report=False)
