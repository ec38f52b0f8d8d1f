"""Coupons: issuing, checking a code, and the discount of each order line."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce import locks
from commerce.models import (
    Coupon,
    OrderItem,
)
from core.money import ZERO, format_money, money

from .common import CommerceError, split_pro_rata


def coupon_issue(*, user, amount: Decimal, reason: str, valid_days: int = 30) -> Coupon:
    """A single-use personal fixed-amount coupon (rewards: points redemption)."""
    amount = money(amount)
    if amount <= 0:
        raise CommerceError(_("A coupon must be worth more than zero."))
    now = timezone.now()
    for _attempt in range(5):
        code = "R" + secrets.token_hex(5).upper()
        try:
            with transaction.atomic():
                return Coupon.objects.create(
                    code=code,
                    kind=Coupon.Kind.FIXED,
                    value=amount,
                    owner=user,
                    max_uses=1,
                    max_uses_per_user=1,
                    valid_from=now,
                    valid_until=now + timedelta(days=valid_days),
                    reason=reason[:200],
                    description=reason[:200],
                )
        except IntegrityError:  # pragma: no cover - 40 random bits collided
            continue
    raise CommerceError(_("Could not issue a coupon; please try again."))


def _coupon_scope(coupon: Coupon) -> tuple[set[int], set[int], set[int]]:
    category_model = Coupon.categories.field.related_model
    chosen = list(coupon.categories.values_list("pk", flat=True))
    categories = set()
    if chosen:
        categories = set(
            category_model.objects.filter(
                Q(pk__in=chosen) | Q(parent_id__in=chosen)
            ).values_list("pk", flat=True)
        )
    creators = set(coupon.creators.values_list("pk", flat=True))
    courses = set(coupon.courses.values_list("pk", flat=True))
    return categories, creators, courses


def _eligible(item: OrderItem, scope: tuple[set[int], set[int], set[int]]) -> bool:
    categories, creators, courses = scope
    if not (categories or creators or courses):
        return True
    return bool(
        (item.category_id is not None and item.category_id in categories)
        or (item.creator_id is not None and item.creator_id in creators)
        or (courses & set(item.course_ids or ()))
    )


def _coupon_lock_and_check(*, code: str, user, items: list[OrderItem]) -> Coupon:
    """Lock the coupon row and refuse it with a clear message if unusable."""
    code = (code or "").strip()
    # A code no coupon can have (NUL, longer than the column) is unknown; the
    # database is not asked (PostgreSQL refuses NUL in a query: a 500).
    typeable = (
        "\x00" not in code and len(code) <= Coupon._meta.get_field("code").max_length
    )
    coupon = locks.coupon_lock(code) if typeable else None
    if coupon is None or not coupon.is_active:
        raise CommerceError(_("This coupon code does not exist."), "coupon_unknown")
    now = timezone.now()
    if coupon.owner_id is not None and coupon.owner_id != user.pk:
        raise CommerceError(
            _("This coupon belongs to another account."), "coupon_foreign"
        )
    if coupon.valid_from > now:
        raise CommerceError(_("This coupon is not valid yet."), "coupon_not_yet")
    if coupon.valid_until is not None and coupon.valid_until <= now:
        raise CommerceError(_("This coupon has expired."), "coupon_expired")
    live = coupon.redemptions.filter(released_at__isnull=True)
    if coupon.max_uses is not None and live.count() >= coupon.max_uses:
        raise CommerceError(_("This coupon has been used up."), "coupon_used_up")
    if (
        coupon.max_uses_per_user is not None
        and live.filter(user=user).count() >= coupon.max_uses_per_user
    ):
        raise CommerceError(
            _("You have already used this coupon."), "coupon_used_by_you"
        )
    subtotal = sum((i.list_price for i in items), ZERO)
    if subtotal < coupon.min_order_total:
        raise CommerceError(
            _("This coupon needs an order of at least %(amount)s.")
            % {"amount": format_money(coupon.min_order_total)},
            "coupon_minimum",
        )
    return coupon


def _coupon_discounts(coupon: Coupon, items: list[OrderItem]) -> list[Decimal]:
    scope = _coupon_scope(coupon)
    eligible = [i for i, item in enumerate(items) if _eligible(item, scope)]
    if not eligible or all(items[i].list_price == 0 for i in eligible):
        raise CommerceError(
            _("This coupon does not apply to anything in this order."),
            "coupon_not_applicable",
        )
    discounts = [ZERO] * len(items)
    if coupon.kind == Coupon.Kind.PERCENT:
        for i in eligible:
            discounts[i] = min(
                items[i].list_price, money(items[i].list_price * coupon.value / 100)
            )
    else:
        base = sum((items[i].list_price for i in eligible), ZERO)
        off = min(money(coupon.value), base)
        parts = split_pro_rata(off, [items[i].list_price for i in eligible])
        for i, part in zip(eligible, parts, strict=True):
            discounts[i] = min(part, items[i].list_price)
    return discounts
