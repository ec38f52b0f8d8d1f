"""System checks: refuse to start with a payment setup that cannot be trusted."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=False)
def payment_provider_check(app_configs=None, **kwargs):
    errors = []
    variant = settings.PAYMENT_PROVIDER
    variants = getattr(settings, "PAYMENT_VARIANTS", {})
    if variant not in variants:
        errors.append(
            checks.Error(
                f"PAYMENT_PROVIDER={variant!r} is not a key of PAYMENT_VARIANTS.",
                id="commerce.E001",
            )
        )
        return errors
    path, options = variants[variant]
    if "stripe" in path.lower():
        if not options.get("api_key"):
            errors.append(
                checks.Error("Stripe needs STRIPE_API_KEY.", id="commerce.E002")
            )
        if (
            not options.get("endpoint_secret")
            or options.get("secure_endpoint") is False
        ):
            errors.append(
                checks.Error(
                    "Stripe webhooks must be verified: set STRIPE_ENDPOINT_SECRET.",
                    hint="Without it a forged webhook could mark an order paid.",
                    id="commerce.E003",
                )
            )
    if variant == "dummy" and not settings.DEBUG:
        errors.append(
            checks.Warning(
                "The dummy payment gateway is active with DEBUG off: no real money "
                "is taken. Set PAYMENT_PROVIDER=stripe in production.",
                id="commerce.W001",
            )
        )
    return errors
