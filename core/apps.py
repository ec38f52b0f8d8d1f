from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared code every app uses: events, schedules, template tags, health, base views.

    One model only: the task outbox (core/tasks.py), shared infrastructure.
    """

    name = "core"
    verbose_name = _("Background tasks")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the production checks)
