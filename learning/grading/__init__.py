"""The one place where automatic grading plugs in.

The platform's own grader (`learning.grading.selectors.grading_suggester`,
registered by the app) suggests scores for written answers to assignments with a
reference answer; its engine is `learning.grading.engine`. Another grader
registers a *suggester*: a callable
`(submission) -> SuggestedScore | None`. The grading page shows the first
suggestion it gets next to the score field; the creator still decides, and
nothing here writes a grade. Suggesters must be quick (the grading page calls
them while rendering) or read a suggestion precomputed by a Celery task.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from decimal import Decimal

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class SuggestedScore:
    """A proposed score for a submission, with the reason shown to the grader."""

    score: Decimal
    max_score: int
    rationale: str = ""
    source: str = ""
    #: Anything richer the grading page can show (our grader's feedback).
    details: object | None = None


Suggester = Callable[[object], SuggestedScore | None]
_suggesters: list[Suggester] = []


def register_suggester(suggester: Suggester) -> Suggester:
    """Add an automatic grader (usable as a decorator)."""
    if suggester not in _suggesters:
        _suggesters.append(suggester)
    return suggester


def unregister_suggester(suggester: Suggester) -> None:
    if suggester in _suggesters:
        _suggesters.remove(suggester)


def suggest_score(submission) -> SuggestedScore | None:
    """The first suggestion a registered grader makes, or None.

    A failing grader is logged and skipped: grading by hand must keep working.
    """
    for suggester in list(_suggesters):
        try:
            suggestion = suggester(submission)
        except Exception:
            logger.exception("score suggester %r failed", suggester)
            continue
        if suggestion is not None:
            return suggestion
    return None
