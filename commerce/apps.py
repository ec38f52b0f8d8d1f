from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    name = "commerce"
    verbose_name = _("Commerce")

    def ready(self) -> None:
        from payments.signals import status_changed

        from . import checks, registry  # noqa: F401 (checks register themselves)
        from .signals import on_payment_status_changed

        registry.autodiscover()
        from core.pagecache import invalidate_on_change, invalidate_viewer_on_change

        from .models import Coupon, Order, Subscription

        # A member's cached course pages say "Included in your membership".
        invalidate_viewer_on_change(Subscription)
        # The buyer's kept order list (API): every state change saves the
        # order; its items are written in the same transaction as the order.
        invalidate_viewer_on_change(Order)
        invalidate_on_change(Coupon, groups=["coupons"])
        status_changed.connect(
            on_payment_status_changed, dispatch_uid="commerce_payment_status"
        )
