"""What every commerce service shares: the refusal, paid states, pro-rata split."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from commerce.models import (
    Order,
)
from core.money import ZERO, money

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
