from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self) -> None:
        from core.pagecache import invalidate_on_change

        from .models import ActiveRun, RelatedCourse

        # A new model run changes the related courses on cached course pages.
        for model in (ActiveRun, RelatedCourse):
            invalidate_on_change(model, groups=["recommendations"])
        from . import receivers

        receivers.connect()
