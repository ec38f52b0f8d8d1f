"""Small presentation helpers for course templates."""

from decimal import Decimal

from django import template

register = template.Library()

KIND_ICONS = {
    "video": "bi-play-circle",
    "article": "bi-file-earmark-text",
    "quiz": "bi-patch-question",
    "assignment": "bi-pencil-square",
    "audio": "bi-headphones",
}


@register.filter
def star_icons(value) -> list[str]:
    """Five Bootstrap icon names for a 0–5 rating, rounded to half stars."""
    halves = round(Decimal(str(value or 0)) * 2)
    icons = []
    for star in range(1, 6):
        if halves >= star * 2:
            icons.append("bi-star-fill")
        elif halves == star * 2 - 1:
            icons.append("bi-star-half")
        else:
            icons.append("bi-star")
    return icons


@register.filter
def kind_icon(kind: str) -> str:
    return KIND_ICONS.get(kind, "bi-circle")


@register.filter
def duration(seconds) -> str:
    """mm:ss or h:mm:ss."""
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.simple_tag
def featured_courses(limit: int = 8) -> list:
    """Featured published courses first, then the most popular (one query)."""
    from courses.selectors import catalogue_queryset

    return list(
        catalogue_queryset().order_by("-is_featured", "-learner_count", "-id")[:limit]
    )
