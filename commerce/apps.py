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
        status_changed.connect(
            on_payment_status_changed, dispatch_uid="commerce_payment_status"
        )
