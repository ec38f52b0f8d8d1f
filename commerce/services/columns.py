"""The plans that sell a creator's column (monthly, yearly, one-time)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commerce.models import SubscriptionPlan
from core.money import money

PERIODS = (
    SubscriptionPlan.Period.MONTHLY,
    SubscriptionPlan.Period.YEARLY,
    SubscriptionPlan.Period.ONCE,
)


def _price(value, field: str) -> Decimal | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    try:
        price = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a price such as 99.00.")}) from None
    if not price.is_finite() or price <= 0:
        raise ValidationError({field: _("A price must be more than zero.")})
    if price >= Decimal("1000000"):
        raise ValidationError({field: _("The price is too high.")})
    return money(price)


@transaction.atomic
def column_plans_set(
    *, column_id: int, creator_id: int, name: str, prices: dict
) -> list[SubscriptionPlan]:
    """Put the column on sale at these prices per period (empty: not sold so).

    A plan whose price changes keeps its row (orders copied the old price); a
    period left empty is taken off sale, its members keep their periods.
    """
    cleaned = {period: _price(prices.get(period), period) for period in PERIODS}
    if not any(cleaned.values()):
        raise ValidationError(
            {"monthly": _("Give at least one price: monthly, yearly or one-time.")}
        )
    plans = []
    for period, price in cleaned.items():
        plan = (
            SubscriptionPlan.objects.select_for_update()
            .filter(column_id=column_id, period=period)
            .first()
        )
        if price is None:
            if plan is not None and plan.is_active:
                plan.is_active = False
                plan.save(update_fields=["is_active"])
            continue
        if plan is None:
            plan = SubscriptionPlan(
                column_id=column_id,
                creator_id=creator_id,
                period=period,
                slug=f"column-{column_id}-{period}",
            )
        plan.name = name[:120]
        plan.price = price
        plan.is_active = True
        plan.save()
        plans.append(plan)
    return plans
