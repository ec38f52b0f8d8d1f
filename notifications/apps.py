from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Each sending app registers its kinds in <app>/notification_kinds.py.
        autodiscover_modules("notification_kinds")
        from core.pagecache import invalidate_viewer_on_change

        from .models import Notification

        # The recipient's kept list (API); marking read (an UPDATE) bumps in
        # services.notifications_mark_read.
        invalidate_viewer_on_change(Notification, user_of="recipient_id")
