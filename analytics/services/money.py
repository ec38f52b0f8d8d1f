"""Money in the rollups: integer cents in the tables, Decimal everywhere else."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount) -> int:
    """Exact conversion of a Decimal (or a string of one) to cents."""
    return int((Decimal(str(amount)) / CENT).quantize(Decimal(1), ROUND_HALF_UP))


def from_cents(cents) -> Decimal:
    return (Decimal(int(cents or 0)) * CENT).quantize(CENT)
