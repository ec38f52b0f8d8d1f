"""Template helpers: badges next to names, the profile and course page blocks."""

from django import template
from django.conf import settings
from django.utils.translation import get_language

from .. import selectors

register = template.Library()


@register.inclusion_tag("rewards/_user_badges.html")
def user_badges(user, limit=3):
    """Small badge icons after a name: `{% load rewards_tags %}{% user_badges user %}`.

    Cheap: uses badges attached by `selectors.attach_badges(users)` when the
    page prefetched them, otherwise the per-user cache (one query on a miss).
    """
    if user is None or not getattr(user, "pk", None):
        return {"badges": []}
    rows = getattr(user, "_rewards_badges", None)
    if rows is None:
        rows = selectors.badges_for_users([user.pk]).get(user.pk, [])
        user._rewards_badges = rows
    english = (get_language() or settings.LANGUAGE_CODE).startswith("en")
    return {
        "badges": [
            {**row, "name": row["name_en"] if english else row["name_zh"]}
            for row in rows[:limit]
        ],
        "more": max(0, len(rows) - limit),
    }


@register.simple_tag
def rewards_profile(user):
    return selectors.profile_summary(user)


@register.simple_tag
def rewards_course(course, user=None):
    info = selectors.course_rewards_info(course)
    info["can_review"] = (
        user is not None
        and getattr(user, "pk", None) != course.creator_id
        and selectors.is_certified_expert(user)
    )
    return info


@register.simple_tag
def rewards_weekly_top(limit=5):
    return selectors.weekly_top(limit=limit)


@register.inclusion_tag("rewards/_learner_level.html")
def learner_level_badge(level, with_progress=False):
    """A learner level (from `selectors.learner_levels_for`) in the reader's language."""
    if not level:
        return {"level": None}
    english = (get_language() or settings.LANGUAGE_CODE).startswith("en")
    following = level.get("next")
    return {
        "level": level,
        "name": level["name_en"] if english else level["name_zh"],
        "next_name": (following["name_en"] if english else following["name_zh"])
        if following
        else "",
        "with_progress": with_progress,
    }
