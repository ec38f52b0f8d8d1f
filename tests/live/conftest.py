import pytest
from payments import PaymentStatus

from commerce import services as commerce


@pytest.fixture
def pay():
    """Pay an order through the dummy provider's confirmed callback."""

    def _pay(order):
        payment = commerce.payment_create(order=order, user=order.user)
        commerce.payment_callback(payment_id=payment.pk, status=PaymentStatus.CONFIRMED)
        order.refresh_from_db()
        return payment

    return _pay


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English (pages pick their own language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
