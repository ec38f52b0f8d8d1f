from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared code every app uses: events, schedules, template tags, health, base views.

    No models: core owns no data of its own.
    """

    name = "core"
    verbose_name = "Core"
