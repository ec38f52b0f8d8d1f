"""Writes of the commerce app: the only place where orders, payments, coupons,
refunds, memberships, earnings and payouts change.

One module per domain (coupons, orders, payments, fulfilment, refunds, payouts,
escrow, subscriptions); this package re-exports their public names, so callers write
`from commerce import services` and `services.order_create(...)`. Rows are
locked through `commerce.locks`, always in the same order. Side effects
(fulfilment after capture, events) run after commit.
"""

from core.money import money  # re-exported: callers price with the same rounding

from .columns import column_plans_set
from .common import PAID_STATES, CommerceError, split_pro_rata
from .coupons import coupon_issue
from .escrow import escrow_release
from .fulfilment import FulfilmentReport, order_fulfil, orders_fulfil
from .orders import order_cancel, order_coupon_apply, order_create, orders_expire
from .payments import (
    order_capture,
    payment_callback,
    payment_create,
    payment_refund_stray,
    reconcile_orders,
)
from .payouts import (
    creator_balance,
    earnings_release,
    payout_approve,
    payout_mark_paid,
    payout_reject,
    payout_request,
)
from .refunds import (
    refund_approve,
    refund_automatic,
    refund_check,
    refund_deny,
    refund_request,
)
from .subscriptions import (
    subscription_revoke,
    subscription_start,
    subscriptions_expire,
    subscriptions_expiry_notify,
)

__all__ = [
    "column_plans_set",
    "PAID_STATES",
    "CommerceError",
    "FulfilmentReport",
    "coupon_issue",
    "creator_balance",
    "earnings_release",
    "escrow_release",
    "money",
    "order_cancel",
    "order_capture",
    "order_coupon_apply",
    "order_create",
    "order_fulfil",
    "orders_expire",
    "orders_fulfil",
    "payment_callback",
    "payment_create",
    "payment_refund_stray",
    "payout_approve",
    "payout_mark_paid",
    "payout_reject",
    "payout_request",
    "reconcile_orders",
    "refund_approve",
    "refund_automatic",
    "refund_check",
    "refund_deny",
    "refund_request",
    "split_pro_rata",
    "subscription_revoke",
    "subscription_start",
    "subscriptions_expire",
    "subscriptions_expiry_notify",
]
