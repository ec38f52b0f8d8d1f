"""What rewards tells people (registered with the notifications app)."""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from notifications.registry import DIGEST, EMAIL, IN_APP, Kind, Topic, register

from .models import Level


def _level(params) -> dict:
    try:
        return {"level": Level(params["level"]).label}
    except ValueError:
        return {}


def _badge(params) -> dict:
    english = (get_language() or "").startswith("en")
    name = params.get("badge_en") if english else params.get("badge_zh")
    return {"badge": name or params.get("badge_zh") or params.get("badge_en") or ""}


register(
    Topic(
        "level_up",
        _("My creator level"),
        channels={IN_APP, EMAIL},
        order=70,
    ),
    Topic("badge", _("Badges I earn"), channels={IN_APP, DIGEST}, order=80),
    Topic(
        "expert_application",
        _("My expert application"),
        channels={IN_APP, EMAIL},
        order=90,
    ),
    Kind(
        "level_up",
        topic="level_up",
        title=_("Congratulations, your creator level is now %(level)s"),
        display=_level,
    ),
    Kind(
        "badge",
        topic="badge",
        title=_("You earned the badge “%(badge)s”"),
        display=_badge,
    ),
    Kind(
        "expert_rejected",
        topic="expert_application",
        title=_("Your expert application was not approved: %(reason)s"),
        url=lambda application, params: reverse("rewards:expert_apply"),
    ),
)
