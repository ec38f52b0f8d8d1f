from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401 (registers the system checks)
            receivers,
        )
        from .grading import register_suggester
        from .grading.selectors import grading_suggester

        register_suggester(grading_suggester)
        receivers.connect()
