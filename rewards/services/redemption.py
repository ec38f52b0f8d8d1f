"""Redemption: points spent on a coupon that commerce issues after commit."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce.services import coupon_issue
from core.money import format_money
from core.tasks import enqueue
from rewards.models import (
    PointEntry,
    Redemption,
    RedemptionRate,
)

from .ledger import _append, _lock_balances


def redemption_amount(points: int, rate: RedemptionRate) -> Decimal:
    return (Decimal(points) / Decimal(rate.points_per_unit)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@transaction.atomic
def redemption_create(*, user, points: int) -> Redemption:
    """Spend points on a coupon; the coupon is issued after commit by a task.

    The balance row is locked before it is read, so two redemptions at once
    cannot both spend the same points.
    """
    rate = RedemptionRate.current()
    if not rate.is_active:
        raise ValidationError(_("Redemptions are closed at the moment."))
    if points is None or points < rate.min_points:
        raise ValidationError(
            _("Redeem at least %(min)s points.") % {"min": rate.min_points}
        )
    if points > rate.max_points:
        raise ValidationError(
            _("Redeem at most %(max)s points at a time.") % {"max": rate.max_points}
        )
    balance = _lock_balances([user.pk])[user.pk]
    if points > balance.points:
        raise ValidationError(
            _("You have %(balance)s points; you cannot redeem %(points)s.")
            % {"balance": balance.points, "points": points}
        )
    amount = redemption_amount(points, rate)
    if amount <= 0:
        raise ValidationError(_("That is too few points for a coupon."))
    redemption = Redemption.objects.create(user=user, points=points, amount=amount)
    _append(
        user_id=user.pk,
        kind=PointEntry.Kind.REDEMPTION,
        points=-points,
        source_key=f"redemption:{redemption.pk}",
        reason=_("Coupon worth %(amount)s") % {"amount": format_money(amount)},
    )
    valid_days = rate.coupon_valid_days

    def issue_later():
        from rewards.tasks import redemption_fulfil_task

        enqueue(
            redemption_fulfil_task, redemption_id=redemption.pk, valid_days=valid_days
        )

    issue_later()
    return redemption


@transaction.atomic
def redemption_fulfil(*, redemption_id: int, valid_days: int = 30) -> Redemption:
    """Issue the coupon of a pending redemption (idempotent)."""
    redemption = (
        Redemption.objects.select_for_update()
        .select_related("user")
        .get(pk=redemption_id)
    )
    if redemption.status != Redemption.Status.PENDING:
        return redemption
    coupon = coupon_issue(
        user=redemption.user,
        amount=redemption.amount,
        reason=_("Points redemption #%(id)s") % {"id": redemption.pk},
        valid_days=valid_days,
    )
    redemption.status = Redemption.Status.ISSUED
    redemption.coupon_id = coupon.pk
    redemption.coupon_code = coupon.code[:64]
    redemption.issued_at = timezone.now()
    redemption.save(update_fields=["status", "coupon_id", "coupon_code", "issued_at"])
    return redemption


@transaction.atomic
def redemption_fail(*, redemption_id: int, error: str) -> Redemption:
    """Give the points back of a redemption whose coupon could not be issued."""
    redemption = Redemption.objects.select_for_update().get(pk=redemption_id)
    if redemption.status != Redemption.Status.PENDING:
        return redemption
    _lock_balances([redemption.user_id])
    _append(
        user_id=redemption.user_id,
        kind=PointEntry.Kind.REFUND,
        points=redemption.points,
        source_key=f"redemption:{redemption.pk}",
        reason=error[:300],
    )
    redemption.status = Redemption.Status.FAILED
    redemption.error = error[:300]
    redemption.save(update_fields=["status", "error"])
    return redemption
