"""How the home feed words what it shows: when a lecture starts, the reasons
of a card joined into one line (pure functions of their arguments)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def starts_in_words(starts_at, now=None) -> str | None:
    """ "Starts today", "Starts tomorrow", "Starts in 3 days" (the viewer's calendar)."""
    now = timezone.localtime(now or timezone.now())
    days = (timezone.localtime(starts_at).date() - now.date()).days
    if days <= 0:
        return _("Starts today")
    if days == 1:
        return _("Starts tomorrow")
    if days <= 6:
        return ngettext("Starts in %(n)d day", "Starts in %(n)d days", days) % {
            "n": days
        }
    return None


def join_reasons(*parts) -> str:
    """The non-empty parts, separated by a middle dot."""
    return " · ".join(p for p in parts if p)
