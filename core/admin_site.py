"""The admin as the operations console: the platform's name, models grouped by
the work people do, and today's queues and numbers on the index.

Installed through ``core.apps.PlatformAdminConfig`` (in place of
``django.contrib.admin``), so every ``admin.site.register`` and
``@admin.register`` lands here.
"""

from django.conf import settings
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .admin_console import console_headlines, console_queues

# The groups of the index and the sidebar, in order. A model goes to the group
# named for it in MODEL_GROUPS, else to its app's group in APP_GROUPS, else to
# "other": no registered model is ever left out.
GROUPS = [
    ("moderation", _("Moderation")),
    ("sales", _("Sales")),
    ("people", _("People")),
    ("content", _("Courses and content")),
    ("learning", _("Learning")),
    ("community", _("Community")),
    ("rewards", _("Points and badges")),
    ("recommendations", _("Recommendations and models")),
    ("schedules", _("Schedules and background tasks")),
    ("security", _("Security and site")),
    ("other", _("Other")),
]
APP_GROUPS = {
    "accounts": "people",
    "account": "people",
    "auth": "people",
    "notifications": "people",
    "commerce": "sales",
    "courses": "content",
    "live": "content",
    "learning": "learning",
    "community": "community",
    "rewards": "rewards",
    "recommendations": "recommendations",
    "analytics": "recommendations",
    "django_celery_beat": "schedules",
    "django_celery_results": "schedules",
    "core": "schedules",
    "axes": "security",
    "sites": "security",
}
MODEL_GROUPS = {
    "accounts.creatorapplication": "moderation",
    "rewards.expertapplication": "moderation",
    "rewards.qualityreview": "moderation",
    "rewards.suspension": "moderation",
    "rewards.antigamingpolicy": "moderation",
    "community.report": "moderation",
    "community.moderationaction": "moderation",
    "community.suspension": "moderation",
    "live.ticket": "sales",
    "live.replaypass": "sales",
    "rewards.redemption": "sales",
    "rewards.redemptionrate": "sales",
    "learning.gradingmodel": "recommendations",
    "learning.gradingrun": "recommendations",
    "learning.scoresuggestion": "recommendations",
    "notifications.outboxemail": "schedules",
    "live.expertprofile": "people",
}
# Apps whose own name says nothing (or clashes with another) in the admin.
APP_NAMES = {
    "axes": _("Login protection"),
    "account": _("Email addresses"),
    "django_celery_results": _("Task results"),
}


class PlatformAdminSite(admin.AdminSite):
    site_header = format_lazy("{} · {}", settings.PLATFORM_NAME, _("Administration"))
    site_title = format_lazy("{} · {}", settings.PLATFORM_NAME, _("Administration"))
    index_title = _("Operations console")
    index_template = "admin/platform_index.html"

    def _build_app_dict(self, request, label=None):
        app_dict = super()._build_app_dict(request, label)
        for app_label, app in app_dict.items():
            if app_label in APP_NAMES:
                app["name"] = APP_NAMES[app_label]
        return app_dict

    def get_app_list(self, request, app_label=None):
        """The models grouped by the work (on an app's own page: that app)."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        app_dict = self._build_app_dict(request)
        names = dict(GROUPS)
        groups = {key: [] for key, _name in GROUPS}
        for label, app in app_dict.items():
            for model in app["models"]:
                key = f"{label}.{model['object_name'].lower()}"
                group = MODEL_GROUPS.get(key) or APP_GROUPS.get(label, "other")
                model["app_name"] = app["name"]
                groups[group].append(model)
        return [
            {
                "name": names[key],
                "app_label": key,
                # A group is not an app: it has no page of its own.
                "app_url": "",
                "has_module_perms": True,
                "models": sorted(models, key=lambda m: str(m["name"])),
            }
            for key, models in groups.items()
            if models
        ]

    def index(self, request, extra_context=None):
        extra_context = {
            "queues": console_queues(),
            "headlines": console_headlines(),
            **(extra_context or {}),
        }
        return super().index(request, extra_context)
