from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from core.pagecache import invalidate_viewer_on_change

        from . import receivers
        from .models import LearningGoal, UserDay

        # My learning (kept per viewer) shows the week's study time and goal.
        invalidate_viewer_on_change(LearningGoal)
        invalidate_viewer_on_change(UserDay)

        receivers.connect()
