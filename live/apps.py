from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Live")

    def ready(self) -> None:
        from core.pagecache import invalidate_on_change

        from .models import ExpertProfile, LiveLecture

        # Anonymous pages cached by core.pagecache (home) show these.
        for model in (LiveLecture, ExpertProfile):
            invalidate_on_change(model, groups=["live"])
