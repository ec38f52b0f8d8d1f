"""Payments: starting one, provider callbacks, capture (at most once), stray
payments given back, and the reconciliation that repairs what a crash left."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from payments import PaymentError, PaymentStatus

from commerce import locks
from commerce.models import (
    CouponRedemption,
    Order,
    OrderItem,
    Payment,
    Refund,
)

from .common import CommerceError
from .fulfilment import _order_mark_paid, orders_fulfil
from .orders import _holds_confirm, _order_close

logger = logging.getLogger(__name__)


@transaction.atomic
def payment_create(
    *, order: Order, user, variant: str | None = None, ip: str | None = None
) -> Payment:
    """Start a payment of the whole order through the configured provider."""
    order = locks.order_lock(order.pk)
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
    _order, payment = locks.order_lock_for_payment(payment_id)
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
    order, payment = locks.order_lock_for_payment(payment_id)
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
    order, payment = locks.order_lock_for_payment(payment_id)
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
