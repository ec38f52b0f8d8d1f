"""Orders: creating (priced on the server), repricing with a coupon, cancelling,
expiring; holds of limited stock taken and released with the order."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from payments import PaymentStatus

from commerce import locks, notices, registry
from commerce.models import (
    CouponRedemption,
    Order,
    OrderItem,
)
from core.money import ZERO, money

from .common import CommerceError
from .coupons import _coupon_discounts, _coupon_lock_and_check
from .fulfilment import _order_mark_paid


def _titles(offer: registry.Offer) -> dict[str, str]:
    """The title in each of the site's languages, when the seller words it."""
    if offer.titled is None:
        return {}
    titles = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles[code] = offer.titled()[:250]
    return titles


def _item_from_offer(offer: registry.Offer) -> OrderItem:
    price = money(offer.price)
    return OrderItem(
        offer_type=offer.offer_type,
        offer_id=offer.offer_id,
        title=offer.title[:250],
        titles=_titles(offer),
        creator_id=offer.creator_id,
        category_id=offer.category_id,
        course_ids=list(offer.course_ids),
        revenue_lines=[
            {
                "creator_id": line.creator_id,
                "weight": str(line.weight),
                "label": line.label[:250],
                "course_id": line.course_id,
            }
            for line in offer.lines()
        ],
        list_price=price,
        discount=ZERO,
        price=price,
    )


@transaction.atomic
def order_create(
    *,
    user,
    offers: Iterable[tuple[str, int]],
    coupon_code: str = "",
    reuse_pending: bool = True,
) -> Order:
    """Create an order for `offers`, priced on the server only.

    Free orders (nothing to pay, or fully discounted) are paid at once and
    fulfilled after commit. A second click on "buy" for the same offer returns
    the pending order instead of creating another.
    """
    wanted: list[tuple[str, int]] = []
    for offer_type, offer_id in offers:
        key = (str(offer_type), int(offer_id))
        if key not in wanted:
            wanted.append(key)
    if not wanted:
        raise CommerceError(_("The order is empty."), "empty")
    if len(wanted) > 20:
        raise CommerceError(_("Too many items in one order."), "too_many")
    items: list[OrderItem] = []
    for offer_type, offer_id in wanted:
        offer = registry.resolve_offer(offer_type, offer_id)
        if offer is None or not offer.is_available:
            reason = offer.unavailable_reason if offer is not None else ""
            raise CommerceError(
                str(reason) or _("This item is not for sale."), "not_for_sale"
            )
        kind = registry.get_offer_type(offer_type)
        if kind.is_owned(user=user, offer_id=offer_id):
            raise CommerceError(
                _("You already own “%(title)s”.") % {"title": offer.title},
                "already_owned",
            )
        items.append(_item_from_offer(registry.offer_for_buyer(offer, user=user)))

    if reuse_pending and not coupon_code:
        existing = _pending_order_for(user=user, wanted=wanted)
        if existing is not None:
            return existing

    coupon = None
    if coupon_code:
        coupon = _coupon_lock_and_check(code=coupon_code, user=user, items=items)
        for item, off in zip(items, _coupon_discounts(coupon, items), strict=True):
            item.discount = off
            item.price = item.list_price - off
    subtotal = sum((i.list_price for i in items), ZERO)
    discount = sum((i.discount for i in items), ZERO)
    order = Order.objects.create(
        user=user,
        currency=settings.CURRENCY,
        subtotal=subtotal,
        discount=discount,
        total=subtotal - discount,
        coupon=coupon,
        expires_at=timezone.now() + timedelta(minutes=settings.ORDER_EXPIRY_MINUTES),
    )
    for item in items:
        item.order = order
    OrderItem.objects.bulk_create(items)  # sets the pks (RETURNING) for the holds
    _holds_take(order=order, user=user, items=items)
    if coupon is not None:
        CouponRedemption.objects.create(
            coupon=coupon, user=user, order=order, amount=discount
        )
    if order.total == 0:
        _holds_confirm(order=order)
        _order_mark_paid(order=order, payment=None, provider="free")
    return order


def _holds_take(*, order: Order, user, items: list[OrderItem]) -> None:
    """Hold limited stock (seats, slots) for the pending order, or refuse it.

    Runs in order_create's transaction: a refusal rolls the order back whole,
    so a buyer who loses the race has no order and pays nothing.
    """
    for item in items:
        kind = registry.get_offer_type(item.offer_type)
        if kind.hold is None:
            continue
        try:
            kind.hold(
                user=user,
                offer_id=item.offer_id,
                order_item=item,
                expires_at=order.expires_at,
            )
        except registry.OfferUnavailable as exc:
            raise CommerceError(exc.message, exc.code) from None


def _holds_release(*, order: Order) -> None:
    for item in order.items.order_by("pk"):
        kind = registry.get_offer_type(item.offer_type)
        if kind.release is not None:
            kind.release(order_item=item)


def _holds_confirm(*, order: Order) -> bool:
    """Keep every held item for good; False when one of them is gone."""
    for item in order.items.order_by("pk"):
        kind = registry.get_offer_type(item.offer_type)
        if kind.confirm_hold is not None and not kind.confirm_hold(order_item=item):
            return False
    return True


def _pending_order_for(*, user, wanted: list[tuple[str, int]]) -> Order | None:
    now = timezone.now()
    candidates = (
        Order.objects.filter(user=user, state=Order.State.PENDING, expires_at__gt=now)
        .prefetch_related("items")
        .order_by("-created_at")[:5]
    )
    for order in candidates:
        if sorted((i.offer_type, i.offer_id) for i in order.items.all()) == sorted(
            wanted
        ):
            return order
    return None


@transaction.atomic
def order_coupon_apply(*, order: Order, user, coupon_code: str) -> Order:
    """Apply a coupon to a pending order, or remove it with an empty code.

    The same order is repriced (its number stays): until a payment is under
    way an order is a quote. Each use of a coupon is a redemption row; the one
    it replaces is released. A refused coupon leaves the order as it was. A
    payment started before at the old amount can no longer pay the order (it
    would be refunded at once: the amounts differ).
    """
    order = locks.order_lock(order.pk)
    if order.user_id != user.pk:
        raise CommerceError(_("This order is not yours."), "foreign")
    if not order.is_payable:
        raise CommerceError(_("This order can no longer be changed."), "not_payable")
    if order.payments.filter(
        status__in=[PaymentStatus.CONFIRMED, PaymentStatus.PREAUTH]
    ).exists():
        raise CommerceError(_("This order is being paid."), "being_paid")
    code = (coupon_code or "").strip()
    current = order.coupon.code if order.coupon_id else ""
    if code.lower() == current.lower():
        return order  # already applied (or already without a coupon)
    items = locks.order_items_lock(order)
    now = timezone.now()
    CouponRedemption.objects.filter(order=order, released_at__isnull=True).update(
        released_at=now
    )
    coupon = None
    discounts = [ZERO] * len(items)
    if code:
        coupon = _coupon_lock_and_check(code=code, user=user, items=items)
        discounts = _coupon_discounts(coupon, items)
    for item, off in zip(items, discounts, strict=True):
        item.discount = off
        item.price = item.list_price - off
    OrderItem.objects.bulk_update(items, ["discount", "price"])
    order.coupon = coupon
    order.discount = sum(discounts, ZERO)
    order.total = order.subtotal - order.discount
    order.save(update_fields=["coupon", "discount", "total"])
    if coupon is not None:
        CouponRedemption.objects.create(
            coupon=coupon, user=user, order=order, amount=order.discount
        )
    if order.total == 0:
        _order_mark_paid(order=order, payment=None, provider="free")
    return order


def _order_close(*, order: Order, state: str) -> None:
    order.state = state
    order.closed_at = timezone.now()
    order.save(update_fields=["state", "closed_at"])
    CouponRedemption.objects.filter(order=order, released_at__isnull=True).update(
        released_at=order.closed_at
    )
    _holds_release(order=order)


@transaction.atomic
def order_cancel(*, order: Order, user) -> Order:
    order = locks.order_lock(order.pk)
    if order.user_id != user.pk:
        raise CommerceError(_("This order is not yours."), "foreign")
    if order.state != Order.State.PENDING:
        raise CommerceError(_("Only an unpaid order can be cancelled."), "not_pending")
    _order_close(order=order, state=Order.State.CANCELLED)
    return order


def orders_expire(*, now=None) -> int:
    """Expire unpaid orders whose time is up (beat task); returns how many."""
    now = now or timezone.now()
    ids = list(
        Order.objects.filter(state=Order.State.PENDING, expires_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    expired = 0
    for order_id in ids:
        with transaction.atomic():
            order = locks.order_lock(order_id)
            if order.state == Order.State.PENDING and order.expires_at <= now:
                _order_close(order=order, state=Order.State.EXPIRED)
                notices.order_expired_notify(order=order)
                expired += 1
    return expired
