from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared code every app uses: events, schedules, template tags, health, base views.

    One model only: the task outbox (core/tasks.py), shared infrastructure.
    """

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the production checks)
