"""The creator earnings ledger and payouts: rows written on sale and refund,
released after the refund window, withdrawn by payout."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce import locks, registry
from commerce.models import (
    CreatorEarning,
    OrderItem,
    Payout,
    Refund,
)
from core.money import ZERO, format_money, money

from .common import CommerceError, split_pro_rata


def _earnings_record(*, item: OrderItem, paid_at) -> list[CreatorEarning]:
    return CreatorEarning.objects.bulk_create(
        _earnings_rows(item=item, paid_at=paid_at)
    )


def _earnings_rows(*, item: OrderItem, paid_at, rate_of=None) -> list[CreatorEarning]:
    """The unsaved sale rows of a delivered item (one per revenue line).

    `rate_of` gives a creator's commission rate (a bulk writer passes a
    cached one)."""
    if item.price <= 0:
        return []
    rate_of = rate_of or registry.commission_rate
    lines = item.revenue_lines or [
        {"creator_id": item.creator_id, "weight": "1", "label": item.title}
    ]
    grosses = split_pro_rata(item.price, [Decimal(line["weight"]) for line in lines])
    available_at = paid_at + timedelta(days=settings.REFUND_WINDOW_DAYS)
    rows = []
    for index, (line, gross) in enumerate(zip(lines, grosses, strict=True)):
        rate = rate_of(line.get("creator_id"))
        commission = money(gross * rate)
        rows.append(
            CreatorEarning(
                creator_id=line.get("creator_id"),
                order_item=item,
                line=index,
                kind=CreatorEarning.Kind.SALE,
                label=str(line.get("label") or item.title)[:250],
                course_id=line.get("course_id"),
                gross=gross,
                commission_rate=rate,
                commission=commission,
                net=gross - commission,
                available_at=available_at,
            )
        )
    return rows


def _earnings_reverse(*, item: OrderItem, now) -> None:
    sales = CreatorEarning.objects.filter(
        order_item=item, kind=CreatorEarning.Kind.SALE
    ).order_by("line")
    rows = []
    for sale in sales:
        rows.append(
            CreatorEarning(
                creator_id=sale.creator_id,
                order_item=item,
                line=sale.line,
                kind=CreatorEarning.Kind.REFUND,
                label=sale.label,
                course_id=sale.course_id,
                gross=-sale.gross,
                commission_rate=sale.commission_rate,
                commission=-sale.commission,
                net=-sale.net,
                status=sale.status,
                available_at=sale.available_at
                if sale.status == CreatorEarning.Status.PENDING
                else now,
            )
        )
    CreatorEarning.objects.bulk_create(rows)


def earnings_release(*, now=None) -> int:
    """Make earnings available once their refund window has closed (beat task).

    An item with a refund still waiting for staff stays pending.
    """
    now = now or timezone.now()
    return (
        CreatorEarning.objects.filter(
            status=CreatorEarning.Status.PENDING, available_at__lte=now
        )
        .exclude(order_item__refunds__status=Refund.Status.REQUESTED)
        .update(status=CreatorEarning.Status.AVAILABLE)
    )


def creator_balance(*, creator_id: int) -> dict[str, Decimal]:
    totals = CreatorEarning.objects.filter(creator_id=creator_id).aggregate(
        available=Sum("net", filter=Q(status=CreatorEarning.Status.AVAILABLE)),
        pending=Sum("net", filter=Q(status=CreatorEarning.Status.PENDING)),
    )
    paid_out = (
        Payout.objects.filter(creator_id=creator_id)
        .exclude(status=Payout.Status.REJECTED)
        .aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    available = totals["available"] or ZERO
    return {
        "available": available,
        "pending": totals["pending"] or ZERO,
        "paid_out": paid_out,
        "withdrawable": available - paid_out,
    }


@transaction.atomic
def payout_request(*, creator, amount: Decimal) -> Payout:
    """Ask for a payout; the creator row is locked so that two cannot overdraw."""
    locks.creator_lock(creator.pk)
    try:
        amount = money(amount)
    except ArithmeticError:
        raise CommerceError(_("Enter a valid amount."), "amount") from None
    if amount < settings.PAYOUT_MINIMUM:
        raise CommerceError(
            _("The minimum payout is %(minimum)s.")
            % {"minimum": format_money(settings.PAYOUT_MINIMUM)},
            "minimum",
        )
    balance = creator_balance(creator_id=creator.pk)
    if amount > balance["withdrawable"]:
        raise CommerceError(
            _("You can withdraw at most %(available)s.")
            % {"available": format_money(balance["withdrawable"])},
            "too_much",
        )
    return Payout.objects.create(creator=creator, amount=amount)


@transaction.atomic
def payout_approve(*, payout_id: int, staff) -> Payout:
    payout = locks.payout_lock(payout_id)
    if payout.status != Payout.Status.REQUESTED:
        raise CommerceError(_("Only a requested payout can be approved."), "state")
    payout.status = Payout.Status.APPROVED
    payout.approved_by = staff
    payout.approved_at = timezone.now()
    payout.save(update_fields=["status", "approved_by", "approved_at"])
    return payout


@transaction.atomic
def payout_mark_paid(*, payout_id: int, staff, reference: str = "") -> Payout:
    payout = locks.payout_lock(payout_id)
    if payout.status != Payout.Status.APPROVED:
        raise CommerceError(_("Only an approved payout can be marked paid."), "state")
    payout.status = Payout.Status.PAID
    payout.paid_at = timezone.now()
    payout.reference = reference[:120]
    payout.save(update_fields=["status", "paid_at", "reference"])
    return payout


@transaction.atomic
def payout_reject(*, payout_id: int, staff) -> Payout:
    payout = locks.payout_lock(payout_id)
    if payout.status != Payout.Status.REQUESTED:
        raise CommerceError(_("Only a requested payout can be rejected."), "state")
    payout.status = Payout.Status.REJECTED
    payout.approved_by = staff
    payout.approved_at = timezone.now()
    payout.save(update_fields=["status", "approved_by", "approved_at"])
    return payout
