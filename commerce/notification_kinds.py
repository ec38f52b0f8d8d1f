"""What commerce tells people (registered with the notifications app)."""

from django.utils.translation import gettext_lazy as _

from notifications.registry import EMAIL, IN_APP, Kind, Topic, register

register(
    Topic(
        "membership",
        _("My memberships and columns"),
        channels={IN_APP, EMAIL},
        order=72,
    ),
    Kind(
        "membership_expiring",
        topic="membership",
        title=_("Your membership “%(plan)s” ends on %(date)s: renew to keep learning"),
    ),
    Kind(
        "membership_ended",
        topic="membership",
        title=_(
            "Your membership “%(plan)s” has ended. Your progress is kept: "
            "renew to pick up where you left off"
        ),
    ),
)
