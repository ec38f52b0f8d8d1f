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
        from core.cards import card_template_register
        from core.pagecache import invalidate_on_change

        from .models import LearningPath, LearningPathCourse

        # Anonymous pages cached by core.pagecache (home) show these.
        for model in (LearningPath, LearningPathCourse):
            invalidate_on_change(model, groups=["learning"])
        # Mixed lists (the home feed) draw columns and paths with these.
        card_template_register(
            kind="column", template="learning/_column_card.html", name="column"
        )
        card_template_register(
            kind="path", template="learning/_path_card.html", name="path"
        )
