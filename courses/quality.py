"""The course quality score, as computed by the app that rates courses (rewards).

courses does not import rewards (rewards reads the domain apps, not the other
way round). Rewards registers, in its `AppConfig.ready()`, a function giving a
subquery of a course's quality score (0-5) for `OuterRef("pk")`; the
catalogue's "best" sort orders by it in the database. With nothing
registered, every course scores 0 and "best" falls back to ratings.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db.models import DecimalField, Expression, Value
from django.db.models.functions import Coalesce

QualityScore = Callable[[], Expression]
_source: list[QualityScore] = []


def register_quality_score(source: QualityScore) -> QualityScore:
    """Set the function giving a course's quality score as a subquery."""
    _source[:] = [source]
    return source


def quality_score() -> Expression:
    """An expression for the course's quality score (0 when none is known)."""
    field = DecimalField(max_digits=4, decimal_places=3)
    if not _source:
        return Value(Decimal(0), output_field=field)
    return Coalesce(_source[0](), Value(Decimal(0)), output_field=field)
