from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    """django.contrib.admin with the operations console as its site."""

    default_site = "core.admin_site.PlatformAdminSite"
