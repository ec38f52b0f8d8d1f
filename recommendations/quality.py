"""Course quality (rewards' score, 0–5) as a ranking signal, weighted in the admin.

Used at serve time on the stored lists (`selectors.recommendations_for`) and
on the feed's popular list; the weight is `FeedMix.quality_weight`.
"""

from __future__ import annotations

#: Used when the admin's feed mix has no row (tests that flush the tables).
DEFAULT_QUALITY_WEIGHT = 0.3


def quality_weight() -> float:
    """The admin's course quality weight (one query)."""
    from .models import FeedMix

    value = (
        FeedMix.objects.order_by("pk").values_list("quality_weight", flat=True).first()
    )
    return DEFAULT_QUALITY_WEIGHT if value is None else max(float(value), 0.0)


def rerank_by_quality(suggestions: list, *, weight: float, limit: int) -> list:
    """Blend the course quality score (rewards, 0–5) into a list's order.

    Each course scores its share of the list's best model score (or, in a
    list without scores, 1 − position / length) plus weight × quality / 5;
    ties keep the list's order. Weight 0 returns the list as it is. One
    query for the quality scores.
    """
    if weight <= 0 or len(suggestions) < 2:
        return suggestions[:limit]
    from rewards.selectors import course_quality_scores

    quality = course_quality_scores([s.course.pk for s in suggestions])
    best = max(s.score for s in suggestions)
    n = len(suggestions)

    def blended(position: int, item) -> float:
        base = max(item.score, 0.0) / best if best > 0 else 1 - position / n
        return base + weight * float(quality.get(item.course.pk, 0)) / 5

    order = sorted(range(n), key=lambda i: (-blended(i, suggestions[i]), i))
    return [suggestions[i] for i in order[:limit]]
