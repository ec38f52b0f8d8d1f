"""What analytics tells people (registered with the notifications app)."""

from django.utils.translation import gettext_lazy as _

from notifications.registry import Kind, Topic, register

register(
    Topic("study_nudge", _("Encouragement from my courses' creators"), order=80),
    Kind(
        "analytics_nudge",
        topic="study_nudge",
        title=_("%(actor)s is looking forward to seeing you back in “%(course)s”"),
    ),
)
