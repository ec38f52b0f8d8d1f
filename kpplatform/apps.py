from django.apps import AppConfig


class KpplatformConfig(AppConfig):
    """Project-level commands (seed_demo, setup_schedules, run_embedded); no models."""

    name = "kpplatform"
    verbose_name = "Platform"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the production checks)
