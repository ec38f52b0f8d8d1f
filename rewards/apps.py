from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = _("Rewards")

    def ready(self) -> None:
        from commerce.registry import register_commission_provider

        from . import receivers, selectors

        receivers.connect()
        # Consultations (live) ask rewards who is a certified expert.
        from live.experts import register_certified_experts

        register_certified_experts(selectors.certified_experts_queryset)
        # Creator-level perk: commerce asks for a commission rate per creator.
        register_commission_provider(selectors.commission_rate_for)
