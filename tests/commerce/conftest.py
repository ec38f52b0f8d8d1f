import pytest

from commerce.payment_providers import signed_callback_url


@pytest.fixture
def pay():
    """Pay an order through the dummy gateway's signed callback, as a browser would."""

    def _pay(client, order, status="confirmed"):
        from commerce import services

        payment = services.payment_create(order=order, user=order.user)
        response = client.get(signed_callback_url(payment, status))
        assert response.status_code == 302, response.content
        payment.refresh_from_db()
        order.refresh_from_db()
        return payment

    return _pay
