"""The learner segments: what each one means, in words (translated).

A clustering run names its clusters by matching their centres (in standard
units of the features) to these profiles, one profile per cluster, so that a
segment keeps its name from one run to the next and movement between runs
can be shown.
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext_lazy as _

FEATURES = (
    "study_minutes",
    "active_days",
    "active_weeks",
    "lessons_completed",
    "quiz_score",
    "community_actions",
    "purchases",
    "days_since_active",
)

FEATURE_LABELS = {
    "study_minutes": _("Study minutes (4 weeks)"),
    "active_days": _("Days with study (4 weeks)"),
    "active_weeks": _("Weeks with study (of 4)"),
    "lessons_completed": _("Lessons completed (4 weeks)"),
    "quiz_score": _("Average quiz score"),
    "community_actions": _("Community posts, answers and votes (4 weeks)"),
    "purchases": _("Purchases (90 days)"),
    "days_since_active": _("Days since last active"),
}


@dataclasses.dataclass(frozen=True)
class Profile:
    key: str
    name: str
    description: str
    #: The profile's centre in standard units, in the order of FEATURES.
    centre: tuple[float, ...]
    colour: str


PROFILES = (
    Profile(
        "steady",
        _("Steady learners"),
        _("Study most days, week after week, and complete lessons."),
        (1.0, 1.3, 0.9, 0.9, 0.3, 0.0, 0.0, -0.8),
        "#198754",
    ),
    Profile(
        "sprinters",
        _("Sprinters"),
        _("Study a lot in a few long sessions, then pause."),
        (1.0, -0.2, -0.5, 0.8, 0.0, -0.2, 0.0, 0.0),
        "#0d6efd",
    ),
    Profile(
        "social",
        _("Community voices"),
        _("Ask, answer and vote in the community more than they study."),
        (0.0, 0.2, 0.2, 0.0, 0.0, 2.0, 0.0, -0.3),
        "#6f42c1",
    ),
    Profile(
        "collectors",
        _("Course collectors"),
        _("Buy courses but rarely study them."),
        (-0.5, -0.5, -0.4, -0.5, -0.2, -0.2, 1.8, 0.2),
        "#fd7e14",
    ),
    Profile(
        "drifting",
        _("Drifting away"),
        _("Were active before but have not been back for weeks."),
        (-0.7, -0.9, -0.9, -0.6, -0.2, -0.3, -0.2, 1.6),
        "#dc3545",
    ),
    Profile(
        "casual",
        _("Casual learners"),
        _("Drop in now and then for a little study."),
        (-0.4, -0.3, 0.0, -0.3, 0.0, -0.2, -0.2, -0.3),
        "#6c757d",
    ),
)

BY_KEY = {profile.key: profile for profile in PROFILES}
