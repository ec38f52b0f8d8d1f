from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for every app (`manage.py seed_demo`); no models of its own."""

    name = "demo"
    verbose_name = "Demo data"
