"""Money arithmetic never loses or invents a cent (hypothesis)."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commerce.services import money, split_pro_rata

cents = st.integers(min_value=0, max_value=10_000_000).map(lambda c: Decimal(c) / 100)
weights = st.lists(
    st.integers(min_value=0, max_value=100_000).map(lambda c: Decimal(c) / 100),
    min_size=1,
    max_size=12,
)


# The machine is shared: generation speed is not what is under test.
relaxed = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@relaxed
@given(amount=cents, parts=weights)
def test_split_sums_exactly_and_never_goes_negative(amount, parts):
    split = split_pro_rata(amount, parts)
    assert len(split) == len(parts)
    assert sum(split, Decimal("0.00")) == amount
    assert all(part >= 0 for part in split)
    assert all(part == money(part) for part in split)


@relaxed
@given(amount=cents, rate=st.integers(min_value=0, max_value=10_000))
def test_commission_plus_net_is_gross(amount, rate):
    rate = Decimal(rate) / 10_000
    commission = money(amount * rate)
    net = amount - commission
    assert commission + net == amount
    assert 0 <= commission <= amount
