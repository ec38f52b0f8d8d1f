"""The operations console for money: orders, payments, refunds, coupons,
memberships, the earnings ledger and payouts. Every action calls a service.

One module a domain; importing them registers their pages when Django's admin
autodiscovers `commerce.admin`.
"""

from . import offers, orders, payouts, refunds  # noqa: F401 (registers their pages)
