"""Template helpers of live: the home block's lectures, times with their zone."""

from __future__ import annotations

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.simple_tag
def home_lectures(limit: int = 4) -> list:
    """The next lectures for the home page (featured first): one query."""
    from live.selectors import upcoming_lectures

    return list(upcoming_lectures()[:limit])


@register.simple_tag
def home_experts(limit: int = 4) -> list:
    from live.selectors import attach_next_slots, experts_directory

    return attach_next_slots(list(experts_directory()[:limit]), per_expert=1)


@register.filter
def in_zone(moment, zone_name: str) -> str:
    """`moment` as a date and time in `zone_name` (the expert's or creator's)."""
    from live.timezones import zone_or_none

    zone = zone_or_none(zone_name)
    if moment is None or zone is None:
        return ""
    return formats.date_format(moment.astimezone(zone), "DATETIME_FORMAT")


@register.simple_tag
def viewer_zone() -> str:
    return timezone.get_current_timezone_name()
