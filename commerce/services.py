"""Writes of the commerce app: the only place where orders, payments, coupons,
refunds, memberships, earnings and payouts change.

Locks are always taken in the same order: the order row, then its payment,
then a coupon or a creator row. Side effects (fulfilment after capture,
events) run after commit.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from payments import PaymentError, PaymentStatus

from core import events
from core.money import ZERO, format_money, money

from . import registry
from .models import (
    Coupon,
    CouponRedemption,
    CreatorEarning,
    EscrowHold,
    Fulfilment,
    Order,
    OrderItem,
    Payment,
    Payout,
    Refund,
    Subscription,
    SubscriptionPlan,
)

logger = logging.getLogger(__name__)
PAID_STATES = (
    Order.State.PAID,
    Order.State.PARTIALLY_REFUNDED,
    Order.State.REFUNDED,
)


class CommerceError(Exception):
    """A refusal with a message for the user (already translated)."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def split_pro_rata(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` by `weights` to the cent; the parts always sum to `amount`."""
    if not weights:
        return []
    total_weight = sum(weights, Decimal(0))
    if total_weight <= 0:
        weights = [Decimal(1)] * len(weights)
        total_weight = Decimal(len(weights))
    parts = [money(amount * w / total_weight) for w in weights]
    # Put the rounding remainder on the largest part so that none goes negative.
    remainder = amount - sum(parts, ZERO)
    if remainder:
        largest = max(range(len(parts)), key=lambda i: parts[i])
        parts[largest] += remainder
    return parts


# --- coupons -----------------------------------------------------------------


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
    coupon = Coupon.objects.select_for_update().filter(code__iexact=code).first()
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


# --- orders --------------------------------------------------------------------


def _item_from_offer(offer: registry.Offer) -> OrderItem:
    price = money(offer.price)
    return OrderItem(
        offer_type=offer.offer_type,
        offer_id=offer.offer_id,
        title=offer.title[:250],
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
            raise CommerceError(_("This item is not for sale."), "not_for_sale")
        kind = registry.get_offer_type(offer_type)
        if kind.is_owned(user=user, offer_id=offer_id):
            raise CommerceError(
                _("You already own “%(title)s”.") % {"title": offer.title},
                "already_owned",
            )
        items.append(_item_from_offer(offer))

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
    order = Order.objects.select_for_update().get(pk=order.pk)
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
    items = list(
        OrderItem.objects.select_for_update().filter(order=order).order_by("pk")
    )
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
    order = Order.objects.select_for_update().get(pk=order.pk)
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
            order = Order.objects.select_for_update().get(pk=order_id)
            if order.state == Order.State.PENDING and order.expires_at <= now:
                _order_close(order=order, state=Order.State.EXPIRED)
                expired += 1
    return expired


# --- payments ------------------------------------------------------------------


@transaction.atomic
def payment_create(
    *, order: Order, user, variant: str | None = None, ip: str | None = None
) -> Payment:
    """Start a payment of the whole order through the configured provider."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.user_id != user.pk:
        raise CommerceError(_("This order is not yours."), "foreign")
    if order.state == Order.State.CANCELLED:
        raise CommerceError(_("This order was cancelled and cannot be paid."), "closed")
    if not order.is_payable:
        raise CommerceError(_("This order can no longer be paid."), "not_payable")
    if order.total <= 0:
        raise CommerceError(_("This order has nothing to pay."), "free")
    variant = variant or settings.PAYMENT_PROVIDER
    if variant not in settings.PAYMENT_VARIANTS:
        raise CommerceError(_("This payment method is not available."), "variant")
    # Reuse an unfinished attempt of the same provider (a reload, a double click).
    payment = (
        order.payments.filter(
            variant=variant,
            status__in=[PaymentStatus.WAITING, PaymentStatus.INPUT],
            total=order.total,
        )
        .order_by("-created")
        .first()
    )
    if payment is not None:
        return payment
    return Payment.objects.create(
        order=order,
        variant=variant,
        currency=order.currency,
        total=order.total,
        description=_("Order %(number)s") % {"number": order.number},
        billing_email=user.email,
        customer_ip_address=ip,
    )


@transaction.atomic
def payment_callback(
    *, payment_id: int, status: str, transaction_id: str = ""
) -> Payment:
    """A verified provider callback: set the payment's status (idempotent).

    The order row is locked first so that concurrent callbacks for one order
    run one after the other; a confirmed payment is captured at most once.
    """
    order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
    Order.objects.select_for_update().get(pk=order_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status in (PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED):
        return payment  # a repeated callback: nothing more to do
    if status == PaymentStatus.CONFIRMED:
        payment.captured_amount = payment.total
        if transaction_id:
            payment.transaction_id = transaction_id
        payment.save(update_fields=["captured_amount", "transaction_id", "modified"])
    # change_status sends payments' status_changed: the receiver captures.
    payment.change_status(status)
    return payment


@transaction.atomic
def order_capture(*, payment_id: int) -> Order:
    """Mark the order paid by this confirmed payment (at most once).

    A payment for an order that was paid by another payment, cancelled or
    expired is refunded at once instead: no money is kept without goods.
    """
    order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
    order = Order.objects.select_for_update().get(pk=order_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status != PaymentStatus.CONFIRMED:
        return order
    if order.paid_payment_id == payment.pk:
        return order
    if order.paid_payment_id is not None or order.state not in (
        Order.State.PENDING,
        Order.State.EXPIRED,
    ):
        logger.warning(
            "payment %s for order %s in state %s: refunding it",
            payment.pk,
            order.number,
            order.state,
        )
        _refund_stray_payment(payment)
        return order
    if payment.total != order.total or payment.currency != order.currency:
        logger.error(
            "payment %s amount %s %s does not match order %s (%s %s)",
            payment.pk,
            payment.total,
            payment.currency,
            order.number,
            order.total,
            order.currency,
        )
        _refund_stray_payment(payment)
        return order
    if order.state == Order.State.EXPIRED:
        # Paid in the last second: honour it if the coupon is still held.
        if (
            order.coupon_id
            and not CouponRedemption.objects.filter(
                order=order, released_at__isnull=True
            ).exists()
        ):
            _refund_stray_payment(payment)
            return order
    if not _holds_confirm(order=order):
        # The hold ran out and the seat or slot went to someone else: the
        # payment is given back and the order closes; nothing is overbooked.
        logger.warning(
            "payment %s for order %s: held stock is gone, refunding it",
            payment.pk,
            order.number,
        )
        if order.state == Order.State.PENDING:
            _order_close(order=order, state=Order.State.EXPIRED)
        _refund_stray_payment(payment)
        return order
    _order_mark_paid(order=order, payment=payment, provider=payment.variant)
    return order


def _refund_stray_payment(payment: Payment) -> None:
    """Give back a payment the order cannot keep, once this transaction commits.

    After commit, because a provider's callback (Stripe's) saves its own copy
    of the payment after sending the status signal; the reconciliation task
    refunds any stray payment this missed.
    """
    payment_id = payment.pk
    transaction.on_commit(
        lambda: payment_refund_stray(payment_id=payment_id), robust=True
    )


@transaction.atomic
def payment_refund_stray(*, payment_id: int) -> bool:
    """Refund a confirmed payment that did not pay its order; True if done."""
    order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
    order = Order.objects.select_for_update().get(pk=order_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status != PaymentStatus.CONFIRMED or order.paid_payment_id == payment.pk:
        return False
    if (
        order.state == Order.State.PENDING
        and order.paid_payment_id is None
        and payment.total == order.total
        and payment.currency == order.currency
    ):
        return False  # it may still pay the order: order_capture decides
    try:
        payment.refund()
    except (PaymentError, ValueError):
        logger.exception("could not refund stray payment %s", payment.pk)
        payment.message = "stray payment: refund by hand"
        payment.save(update_fields=["message"])
        return False
    logger.warning("refunded stray payment %s of order %s", payment.pk, order.number)
    return True


def _order_mark_paid(*, order: Order, payment: Payment | None, provider: str) -> None:
    order.state = Order.State.PAID
    order.paid_payment = payment
    order.paid_at = timezone.now()
    order.provider = provider
    order.closed_at = None
    order.save(
        update_fields=["state", "paid_payment", "paid_at", "provider", "closed_at"]
    )
    events.send_on_commit(
        events.order_paid,
        sender=Order,
        order_id=order.pk,
        user_id=order.user_id,
        total=str(order.total),
    )
    order_id = order.pk
    # Fulfil in a transaction of its own after the capture has committed: if
    # fulfilment fails, the payment is safely recorded and the reconciliation
    # task (beat) completes the order later.
    transaction.on_commit(lambda: _fulfil_after_commit(order_id), robust=True)


def _fulfil_after_commit(order_id: int) -> None:
    try:
        order_fulfil(order_id=order_id)
    except Exception:
        logger.exception(
            "fulfilment of order %s failed; reconciliation will retry", order_id
        )
        raise


@transaction.atomic
def order_fulfil(*, order_id: int) -> list[int]:
    """Deliver every paid item not delivered yet; returns the items fulfilled.

    Safe to call any number of times, concurrently: the order row is locked
    and a unique fulfilment row per item stands behind "exactly once".
    """
    order = Order.objects.select_for_update().select_related("user").get(pk=order_id)
    if order.state not in (Order.State.PAID, Order.State.PARTIALLY_REFUNDED):
        return []
    items = list(
        order.items.filter(fulfilment__isnull=True)
        .exclude(refunds__status=Refund.Status.REFUNDED)
        .order_by("pk")
    )
    done = []
    for item in items:
        Fulfilment.objects.create(order_item=item)
        offer_type = registry.get_offer_type(item.offer_type)
        offer_type.fulfil(user=order.user, offer_id=item.offer_id, order_item=item)
        if offer_type.escrow:
            EscrowHold.objects.create(order_item=item, amount=item.price)
        else:
            _earnings_record(item=item, paid_at=order.paid_at)
        events.send_on_commit(
            events.item_sold,
            sender=OrderItem,
            order_item_id=item.pk,
            order_id=order.pk,
            user_id=order.user_id,
            offer_type=item.offer_type,
            offer_id=item.offer_id,
            creator_id=item.creator_id,
            amount=str(item.price),
        )
        done.append(item.pk)
    return done


def _earnings_record(*, item: OrderItem, paid_at) -> list[CreatorEarning]:
    if item.price <= 0:
        return []
    lines = item.revenue_lines or [
        {"creator_id": item.creator_id, "weight": "1", "label": item.title}
    ]
    grosses = split_pro_rata(item.price, [Decimal(line["weight"]) for line in lines])
    available_at = paid_at + timedelta(days=settings.REFUND_WINDOW_DAYS)
    rows = []
    for index, (line, gross) in enumerate(zip(lines, grosses, strict=True)):
        rate = registry.commission_rate(line.get("creator_id"))
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
    return CreatorEarning.objects.bulk_create(rows)


@dataclass
class FulfilmentReport:
    """What a batch of fulfilments did: items delivered, orders that failed."""

    fulfilled: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # order number -> error


def orders_fulfil(*, order_ids: Iterable[int]) -> FulfilmentReport:
    """Fulfil each order in a transaction of its own.

    One order that cannot be delivered (a handler error, a broken row) is
    logged and reported; it never stops the others nor the caller (the
    reconciliation task, the admin action).
    """
    report = FulfilmentReport()
    for order_id in order_ids:
        try:
            report.fulfilled += len(order_fulfil(order_id=order_id))
        except Exception as exc:
            logger.exception("fulfilment of order %s failed", order_id)
            number = (
                Order.objects.filter(pk=order_id)
                .values_list("number", flat=True)
                .first()
            )
            report.failed[number or str(order_id)] = str(exc) or type(exc).__name__
    return report


def reconcile_orders() -> dict[str, int]:
    """Repair what a crash left half done (beat task): capture and fulfil.

    Each payment and order is repaired on its own: one that keeps failing is
    counted in "failed" (and logged) while the others are completed.
    """
    captured = failed = 0
    for payment_id in Payment.objects.filter(
        status=PaymentStatus.CONFIRMED,
        order__state=Order.State.PENDING,
        order__paid_payment__isnull=True,
    ).values_list("pk", flat=True)[:500]:
        try:
            order_capture(payment_id=payment_id)
        except Exception:
            logger.exception("capture of payment %s failed", payment_id)
            failed += 1
        else:
            captured += 1
    strays = Payment.objects.filter(
        status=PaymentStatus.CONFIRMED, paid_order__isnull=True
    ).exclude(order__state=Order.State.PENDING, order__paid_payment__isnull=True)
    refunded = sum(
        payment_refund_stray(payment_id=pk)
        for pk in strays.values_list("pk", flat=True)[:500]
    )
    order_ids = (
        OrderItem.objects.filter(
            order__state__in=[Order.State.PAID, Order.State.PARTIALLY_REFUNDED],
            fulfilment__isnull=True,
        )
        .exclude(refunds__status=Refund.Status.REFUNDED)
        .order_by("order_id")
        .values_list("order_id", flat=True)
        .distinct()
    )
    report = orders_fulfil(order_ids=list(order_ids[:500]))
    return {
        "captured": captured,
        "fulfilled": report.fulfilled,
        "refunded": refunded,
        "failed": failed + len(report.failed),
    }


# --- refunds -------------------------------------------------------------------


def refund_check(*, user, item: OrderItem) -> None:
    """Raise CommerceError when `item` may not be refunded to `user` now."""
    order = item.order
    if order.user_id != user.pk:
        raise CommerceError(_("This order is not yours."), "foreign")
    if order.state not in (Order.State.PAID, Order.State.PARTIALLY_REFUNDED):
        raise CommerceError(_("Only a paid order can be refunded."), "not_paid")
    if item.price <= 0:
        raise CommerceError(_("Nothing was paid for this item."), "free")
    deadline = order.paid_at + timedelta(days=settings.REFUND_WINDOW_DAYS)
    if timezone.now() > deadline:
        raise CommerceError(
            _("Refunds can be asked within %(days)s days of purchase.")
            % {"days": settings.REFUND_WINDOW_DAYS},
            "window_closed",
        )
    offer_type = registry.get_offer_type(item.offer_type)
    if offer_type.progress is not None:
        progress = offer_type.progress(user=user, offer_id=item.offer_id) or 0
        if progress > settings.REFUND_MAX_PROGRESS_PERCENT:
            raise CommerceError(
                _(
                    "You have completed %(progress)s%% of it; refunds are possible "
                    "up to %(limit)s%%."
                )
                % {"progress": progress, "limit": settings.REFUND_MAX_PROGRESS_PERCENT},
                "too_much_progress",
            )
    if item.refunds.filter(
        status__in=[Refund.Status.REQUESTED, Refund.Status.REFUNDED]
    ).exists():
        raise CommerceError(
            _("A refund for this item was already asked."), "already_asked"
        )


@transaction.atomic
def refund_request(*, user, order_item: OrderItem, reason: str = "") -> Refund:
    order = Order.objects.select_for_update().get(pk=order_item.order_id)
    item = OrderItem.objects.select_related("order").get(pk=order_item.pk, order=order)
    refund_check(user=user, item=item)
    try:
        with transaction.atomic():
            return Refund.objects.create(
                order_item=item, user=user, amount=item.price, reason=reason[:2000]
            )
    except IntegrityError:
        raise CommerceError(
            _("A refund for this item was already asked."), "already_asked"
        ) from None


@transaction.atomic
def refund_approve(*, refund_id: int, staff) -> Refund:
    """Refund through the provider, revoke access, reverse the earnings."""
    order_id = Refund.objects.values_list("order_item__order_id", flat=True).get(
        pk=refund_id
    )
    order = Order.objects.select_for_update().select_related("user").get(pk=order_id)
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status != Refund.Status.REQUESTED:
        raise CommerceError(_("This refund was already decided."), "decided")
    item = OrderItem.objects.get(pk=refund.order_item_id)
    if order.paid_payment_id is not None:
        payment = Payment.objects.select_for_update().get(pk=order.paid_payment_id)
        try:
            payment.refund(refund.amount)
        except (PaymentError, ValueError) as exc:
            raise CommerceError(
                _("The payment provider refused the refund: %(error)s")
                % {"error": exc},
                "provider",
            ) from exc
    now = timezone.now()
    refund.status = Refund.Status.REFUNDED
    refund.decided_by = staff
    refund.decided_at = now
    refund.save(update_fields=["status", "decided_by", "decided_at"])
    fulfilment = Fulfilment.objects.filter(order_item=item).first()
    if fulfilment is not None:
        registry.get_offer_type(item.offer_type).revoke(
            user=order.user, offer_id=item.offer_id, order_item=item
        )
        fulfilment.revoked_at = now
        fulfilment.save(update_fields=["revoked_at"])
    _earnings_reverse(item=item, now=now)
    EscrowHold.objects.filter(order_item=item, status=EscrowHold.Status.HELD).update(
        status=EscrowHold.Status.REFUNDED, settled_at=now
    )
    refunded_items = set(
        Refund.objects.filter(
            order_item__order=order, status=Refund.Status.REFUNDED
        ).values_list("order_item_id", flat=True)
    )
    all_items = set(order.items.values_list("pk", flat=True))
    order.state = (
        Order.State.REFUNDED
        if refunded_items >= all_items
        else Order.State.PARTIALLY_REFUNDED
    )
    order.save(update_fields=["state"])
    events.send_on_commit(
        events.item_refunded,
        sender=OrderItem,
        order_item_id=item.pk,
        order_id=order.pk,
        user_id=order.user_id,
        offer_type=item.offer_type,
        offer_id=item.offer_id,
        creator_id=item.creator_id,
        amount=str(refund.amount),
    )
    return refund


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


@transaction.atomic
def refund_deny(*, refund_id: int, staff, note: str = "") -> Refund:
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status != Refund.Status.REQUESTED:
        raise CommerceError(_("This refund was already decided."), "decided")
    refund.status = Refund.Status.DENIED
    refund.decided_by = staff
    refund.decided_at = timezone.now()
    refund.decision_note = note[:500]
    refund.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return refund


@transaction.atomic
def refund_automatic(*, order_item_id: int, reason: str) -> Refund | None:
    """Give a paid item's money back at once, without a request or staff.

    For refunds the selling app owes by its own rules (a lecture cancelled, a
    consultation declined or not confirmed in time): no refund window and no
    progress check. Idempotent: an item already refunded returns that refund,
    and a refund the buyer had asked for is approved. None when nothing was
    paid for the item. The provider refusing raises CommerceError (retry later).
    """
    order_id = OrderItem.objects.values_list("order_id", flat=True).get(
        pk=order_item_id
    )
    order = Order.objects.select_for_update().get(pk=order_id)
    item = OrderItem.objects.get(pk=order_item_id)
    if order.state not in PAID_STATES or item.price <= 0:
        return None
    refund = (
        item.refunds.filter(
            status__in=[Refund.Status.REQUESTED, Refund.Status.REFUNDED]
        )
        .order_by("pk")
        .first()
    )
    if refund is not None and refund.status == Refund.Status.REFUNDED:
        return refund
    if refund is None:
        refund = Refund.objects.create(
            order_item=item,
            user_id=order.user_id,
            amount=item.price,
            reason=reason[:2000],
        )
    return refund_approve(refund_id=refund.pk, staff=None)


# --- escrow (paid questions) -----------------------------------------------------


@transaction.atomic
def escrow_release(*, order_item_id: int) -> bool:
    """The held money of an escrow item becomes the creator's earning.

    Called by the selling app when the work was accepted (or the window to
    object passed). Idempotent: True only the first time; False when nothing
    is held (already released, refunded, or never paid).
    """
    order_id = OrderItem.objects.values_list("order_id", flat=True).get(
        pk=order_item_id
    )
    order = Order.objects.select_for_update().get(pk=order_id)
    hold = (
        EscrowHold.objects.select_for_update()
        .filter(order_item_id=order_item_id)
        .first()
    )
    if hold is None or hold.status != EscrowHold.Status.HELD:
        return False
    if order.state not in (Order.State.PAID, Order.State.PARTIALLY_REFUNDED):
        return False
    now = timezone.now()
    hold.status = EscrowHold.Status.RELEASED
    hold.settled_at = now
    hold.save(update_fields=["status", "settled_at"])
    item = OrderItem.objects.get(pk=order_item_id)
    # The refund window runs from the release: the buyer accepted the work then.
    _earnings_record(item=item, paid_at=now)
    return True


# --- earnings and payouts --------------------------------------------------------


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
    user_model = get_user_model()
    user_model.objects.select_for_update().get(pk=creator.pk)
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
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    if payout.status != Payout.Status.REQUESTED:
        raise CommerceError(_("Only a requested payout can be approved."), "state")
    payout.status = Payout.Status.APPROVED
    payout.approved_by = staff
    payout.approved_at = timezone.now()
    payout.save(update_fields=["status", "approved_by", "approved_at"])
    return payout


@transaction.atomic
def payout_mark_paid(*, payout_id: int, staff, reference: str = "") -> Payout:
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    if payout.status != Payout.Status.APPROVED:
        raise CommerceError(_("Only an approved payout can be marked paid."), "state")
    payout.status = Payout.Status.PAID
    payout.paid_at = timezone.now()
    payout.reference = reference[:120]
    payout.save(update_fields=["status", "paid_at", "reference"])
    return payout


@transaction.atomic
def payout_reject(*, payout_id: int, staff) -> Payout:
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    if payout.status != Payout.Status.REQUESTED:
        raise CommerceError(_("Only a requested payout can be rejected."), "state")
    payout.status = Payout.Status.REJECTED
    payout.approved_by = staff
    payout.approved_at = timezone.now()
    payout.save(update_fields=["status", "approved_by", "approved_at"])
    return payout


# --- memberships -------------------------------------------------------------------


@transaction.atomic
def subscription_start(
    *, user, plan: SubscriptionPlan, order_item: OrderItem | None
) -> Subscription:
    """Start (or extend) a membership; renewals start where the last period ends."""
    if order_item is not None:
        existing = Subscription.objects.filter(order_item=order_item).first()
        if existing is not None:
            return existing
    now = timezone.now()
    periods = Subscription.objects.select_for_update().filter(
        user=user, plan=plan, revoked_at__isnull=True, ends_at__gt=now
    )
    last_end = max((p.ends_at for p in periods), default=now)
    starts_at = max(now, last_end)
    return Subscription.objects.create(
        user=user,
        plan=plan,
        creator_id=plan.creator_id,
        order_item=order_item,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=plan.days),
    )


@transaction.atomic
def subscription_revoke(*, order_item: OrderItem) -> None:
    Subscription.objects.filter(order_item=order_item, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def subscriptions_expire(*, now=None) -> int:
    """Mark finished periods expired (beat task); access already ends at ends_at."""
    now = now or timezone.now()
    return Subscription.objects.filter(is_expired=False, ends_at__lte=now).update(
        is_expired=True
    )
