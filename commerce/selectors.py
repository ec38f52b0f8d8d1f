"""Reads of the commerce app shared by pages, the API and other apps."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from core.money import ZERO

from .models import CreatorEarning, EscrowHold, Order, OrderItem, Refund, Subscription


def live_items_covering(*, user_id: int, course_id: int) -> list[OrderItem]:
    """Fulfilled, not revoked items of `user_id` that give `course_id`."""
    items = OrderItem.objects.filter(
        order__user_id=user_id,
        fulfilment__isnull=False,
        fulfilment__revoked_at__isnull=True,
    ).only("pk", "course_ids")
    return [item for item in items if course_id in (item.course_ids or [])]


def orders_of(*, user) -> QuerySet[Order]:
    return (
        Order.objects.filter(user=user)
        .prefetch_related(
            Prefetch(
                "items",
                queryset=OrderItem.objects.select_related("fulfilment"),
            )
        )
        .order_by("-created_at", "-id")
    )


def order_for(*, user, number: str) -> Order | None:
    return (
        Order.objects.filter(user=user, number=number)
        .select_related("coupon", "paid_payment")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=OrderItem.objects.select_related(
                    "fulfilment"
                ).prefetch_related(
                    Prefetch(
                        "refunds", queryset=Refund.objects.order_by("-requested_at")
                    )
                ),
            )
        )
        .first()
    )


def membership_covers(*, user_id: int | None, creator_id: int | None) -> bool:
    """Whether an active membership period of `user_id` covers `creator_id`'s work.

    A site-wide plan covers every creator; a creator's column covers that
    creator. One query.
    """
    if not user_id:
        return False
    now = timezone.now()
    scope = Q(creator_id__isnull=True)
    if creator_id:
        scope |= Q(creator_id=creator_id)
    return (
        Subscription.objects.filter(
            user_id=user_id,
            starts_at__lte=now,
            ends_at__gt=now,
            revoked_at__isnull=True,
        )
        .filter(scope)
        .exists()
    )


def membership_course_filters(*, user_id: int) -> list[Q]:
    """`membership_covers` for lists: filters over courses, one per kind of plan.

    Subqueries on the user's active periods, so a list filtered with them runs
    no extra query. Two filters, not one OR, so that each is answered on its
    own (learning.access UNIONs them): the creators' courses from the index on
    `creator_id`, and every course only when a site-wide period exists (a
    condition checked once, that skips the scan when false).
    """
    now = timezone.now()
    periods = Subscription.objects.filter(
        user_id=user_id, starts_at__lte=now, ends_at__gt=now, revoked_at__isnull=True
    )
    return [
        Q(creator_id__in=periods.filter(creator_id__isnull=False).values("creator_id")),
        Q(Exists(periods.filter(creator_id__isnull=True))),
    ]


def membership_changes_at(*, user_id: int):
    """The next moment `membership_covers` may change for `user_id` by time
    alone: the end of a live period or the start of a future one (or None)."""
    from django.db.models import Min

    now = timezone.now()
    periods = Subscription.objects.filter(
        user_id=user_id, revoked_at__isnull=True, ends_at__gt=now
    )
    found = periods.aggregate(
        ends=Min("ends_at", filter=Q(starts_at__lte=now)),
        starts=Min("starts_at", filter=Q(starts_at__gt=now)),
    )
    return min((m for m in found.values() if m is not None), default=None)


# --- Sums for analytics (money stays Decimal; days are local days) -----------


def earnings_by_day(*, start, end) -> list[dict]:
    """Ledger lines created in [start, end), summed per local day, course,
    order item category and kind (sale lines positive, refund lines negative).

    ``items`` counts distinct order items, so a bundle split over several
    courses is one sale per course line but one item overall.
    """
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncDate
    from django.utils import timezone

    from .models import CreatorEarning

    return list(
        CreatorEarning.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "course_id", "kind", "order_item__category_id")
        .annotate(
            items=Count("order_item", distinct=True),
            gross=Sum("gross"),
            net=Sum("net"),
            commission=Sum("commission"),
        )
        .order_by()
    )


def revenue_by_signup_month() -> list[dict]:
    """Gross sales less refunds per buyer's sign-up month and month of sale."""
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from .models import CreatorEarning

    tz = timezone.get_current_timezone()
    return list(
        CreatorEarning.objects.annotate(
            cohort=TruncMonth("order_item__order__user__date_joined", tzinfo=tz),
            month=TruncMonth("created_at", tzinfo=tz),
        )
        .values("cohort", "month")
        .annotate(
            gross=Sum("gross"),
            buyers=Count("order_item__order__user", distinct=True),
        )
        .order_by()
    )


def plans_on_sale(*, creator_id: int | None = None):
    """Plans on sale, cheapest first: all of them or one creator's."""
    from .models import SubscriptionPlan

    plans = SubscriptionPlan.objects.filter(is_active=True).select_related(
        "creator__profile"
    )
    if creator_id is not None:
        plans = plans.filter(creator_id=creator_id)
    return list(plans.order_by("price", "pk"))


def _live_periods(now=None):
    from .models import Subscription

    now = now or timezone.now()
    return Subscription.objects.filter(
        starts_at__lte=now, ends_at__gt=now, revoked_at__isnull=True
    )


#: Periods that open every column: a site-wide plan flagged "covers every column".
_ALL_COLUMNS = Q(plan__covers_columns=True, plan__creator__isnull=True)


def column_subscribed(*, user_id: int | None, column_id: int) -> bool:
    """An active period of one of the column's plans, or of a site plan covering
    every column (one query)."""
    if not user_id:
        return False
    return (
        _live_periods()
        .filter(user_id=user_id)
        .filter(Q(plan__column_id=column_id) | _ALL_COLUMNS)
        .exists()
    )


@dataclass(frozen=True)
class ColumnCoverage:
    """The columns a user reads now: some by id, or every one (a site plan)."""

    ids: frozenset[int] = frozenset()
    every_column: bool = False

    def __contains__(self, column_id) -> bool:
        return self.every_column or column_id in self.ids

    def __bool__(self) -> bool:
        return self.every_column or bool(self.ids)


def subscribed_column_ids(*, user_id: int | None) -> ColumnCoverage:
    """The columns the user reads now (one query): `pk in coverage` answers."""
    if not user_id:
        return ColumnCoverage()
    rows = (
        _live_periods()
        .filter(user_id=user_id)
        .filter(Q(plan__column_id__isnull=False) | _ALL_COLUMNS)
        .values_list("plan__column_id", "plan__covers_columns")
    )
    ids, every = set(), False
    for column_id, covers in rows:
        if column_id is not None:
            ids.add(column_id)
        elif covers:
            every = True
    return ColumnCoverage(ids=frozenset(ids), every_column=every)


def column_subscriber_ids(*, column_id: int) -> list[int]:
    """Users with an active period of the column's plans or of a site plan
    covering every column (one query)."""
    return list(
        _live_periods()
        .filter(Q(plan__column_id=column_id) | _ALL_COLUMNS)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


def column_plans(*, column_ids) -> dict[int, list]:
    """Plans on sale per column, cheapest first (one query)."""
    from .models import SubscriptionPlan

    result: dict[int, list] = {}
    rows = SubscriptionPlan.objects.filter(
        is_active=True, column_id__in=list(column_ids)
    ).order_by("price", "pk")
    for plan in rows:
        result.setdefault(plan.column_id, []).append(plan)
    return result


def ledger_totals() -> dict[str, Decimal]:
    """The books in one place: what came in, went back, was earned or is held.

    Always `payments - refunds == earnings + commission + escrow_held` to the
    cent (tests/commerce check it after random sequences of sales, answers,
    timeouts and refunds).
    """
    paid = Order.objects.filter(
        state__in=[
            Order.State.PAID,
            Order.State.PARTIALLY_REFUNDED,
            Order.State.REFUNDED,
        ]
    ).aggregate(total=Sum("total"))["total"]
    refunds = Refund.objects.filter(status=Refund.Status.REFUNDED).aggregate(
        total=Sum("amount")
    )["total"]
    earned = CreatorEarning.objects.aggregate(
        net=Sum("net"), commission=Sum("commission")
    )
    held = EscrowHold.objects.filter(status=EscrowHold.Status.HELD).aggregate(
        total=Sum("amount")
    )["total"]
    return {
        "payments": paid or ZERO,
        "refunds": refunds or ZERO,
        "earnings": earned["net"] or ZERO,
        "commission": earned["commission"] or ZERO,
        "escrow_held": held or ZERO,
    }


def escrow_held_items(*, order_item_ids: list[int]) -> set[int]:
    """Which of these order items still have their money held in escrow."""
    return set(
        EscrowHold.objects.filter(
            order_item_id__in=order_item_ids, status=EscrowHold.Status.HELD
        ).values_list("order_item_id", flat=True)
    )


def refunds_requested_count() -> int:
    """Refund requests waiting for staff's decision."""
    return Refund.objects.filter(status=Refund.Status.REQUESTED).count()


def orders_paid_since(*, since) -> dict:
    """How many orders were paid since ``since`` and their total (a Decimal)."""
    from django.db.models import Count, Sum

    totals = Order.objects.filter(paid_at__gte=since).aggregate(
        count=Count("id"), total=Sum("total")
    )
    return {"count": totals["count"] or 0, "total": totals["total"] or 0}


def has_earnings(*, user_id: int) -> bool:
    """Whether anything was ever earned by `user_id` (a sale, a consultation)."""
    return CreatorEarning.objects.filter(creator_id=user_id).exists()
