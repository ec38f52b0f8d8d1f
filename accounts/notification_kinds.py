"""What accounts tells people (registered with the notifications app).

The decision on a creator application is also emailed with its own template
(accounts/email/creator_decision_*.txt) through the notifications outbox, so
this topic is in-app only: one email, not two.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.registry import IN_APP, Kind, Topic, register

register(
    Topic(
        "creator_application",
        _("My creator application"),
        channels={IN_APP},
        locked={IN_APP},
        order=64,
    ),
    Kind(
        "creator_application_approved",
        topic="creator_application",
        title=_("You are a creator now: your application was approved"),
        url=lambda target, params: reverse("courses:studio"),
    ),
    Kind(
        "creator_application_rejected",
        topic="creator_application",
        title=_("Your creator application was not approved: %(reason)s"),
        url=lambda target, params: reverse("accounts:creator_apply"),
    ),
)
