"""The drop-out reasons (stored as codes with numbers) in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def reason_text(reason: dict) -> str:
    code = reason.get("code")
    if code == "never_started":
        return ngettext(
            "has not started in %(days)d day since enrolling",
            "has not started in %(days)d days since enrolling",
            reason.get("days", 0),
        ) % {"days": reason.get("days", 0)}
    if code == "inactive":
        return ngettext(
            "no study for %(days)d day",
            "no study for %(days)d days",
            reason.get("days", 0),
        ) % {"days": reason.get("days", 0)}
    if code == "slowing_down":
        return _(
            "studies less: %(recent)d days in the last two weeks, %(before)d before"
        ) % {"recent": reason.get("recent", 0), "before": reason.get("before", 0)}
    if code == "missed_assignments":
        return ngettext(
            "missed %(count)d assignment",
            "missed %(count)d assignments",
            reason.get("count", 0),
        ) % {"count": reason.get("count", 0)}
    if code == "quiz_scores_falling":
        return _("quiz scores falling (from %(before)d to %(now)d)") % {
            "before": reason.get("before", 0),
            "now": reason.get("now", 0),
        }
    if code == "low_quiz_scores":
        return _("low quiz scores (average %(score)d)") % {
            "score": reason.get("score", 0)
        }
    if code == "low_assignment_scores":
        return _("low assignment scores (average %(score)d)") % {
            "score": reason.get("score", 0)
        }
    if code == "behind_peers":
        return _("behind the learners who started at the same time")
    return str(code or "")
