from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from core.pagecache import invalidate_viewer_on_change

        from . import signals  # noqa: F401
        from .models import Profile, User

        # A signed-in viewer's cached pages show their name and role.
        invalidate_viewer_on_change(User, user_of="pk")
        invalidate_viewer_on_change(Profile)
