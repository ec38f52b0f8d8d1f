from django.apps import AppConfig


class KpplatformConfig(AppConfig):
    """Project-level commands (seed_demo, setup_schedules, run_embedded); no models."""

    name = "kpplatform"
    verbose_name = "Platform"
