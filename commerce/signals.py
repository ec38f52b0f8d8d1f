"""Receivers: django-payments tells us a payment's status changed."""

from payments import PaymentStatus


def on_payment_status_changed(sender, instance, **kwargs) -> None:
    """A confirmed payment (from any provider's verified callback) is captured."""
    from .models import Payment
    from .services import order_capture

    if not isinstance(instance, Payment):
        return
    if instance.status == PaymentStatus.CONFIRMED:
        order_capture(payment_id=instance.pk)
