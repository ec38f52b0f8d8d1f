"""Reads of automatic grading: suggestions as pages show them, quality figures.

Nothing here writes: a submission whose suggestion the worker has not stored
yet gets one computed in memory.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from ..models import Assignment, Grade, ScoreSuggestion, Submission
from . import SuggestedScore, engine
from . import services as grading

#: Assignments listed on the quality page.
MAX_QUALITY_ROWS = 100


@dataclasses.dataclass
class SimilarAnswer:
    submission: Submission
    similarity: float


@dataclasses.dataclass
class SuggestionDetails:
    score: Decimal
    low: Decimal
    high: Decimal
    max_score: int
    confidence: float | None
    reference_only: bool
    covered: list[str]
    missed: list[str]
    similar: list[SimilarAnswer]

    @property
    def low_confidence(self) -> bool:
        return self.confidence is None or self.confidence < grading.LOW_CONFIDENCE

    @property
    def confidence_percent(self) -> int | None:
        return None if self.confidence is None else round(self.confidence * 100)

    @property
    def rounded(self) -> int:
        return grading.rounded_score(self.score)

    @property
    def coverage_total(self) -> int:
        return len(self.covered) + len(self.missed)


def suggestion_details(submission: Submission) -> SuggestionDetails | None:
    """The suggestion for a written answer to an assignment with a reference."""
    assignment = submission.assignment
    if not submission.text or not assignment.reference_answer:
        return None
    stored = ScoreSuggestion.objects.filter(submission=submission).first()
    if stored is not None:
        fields = {
            name: getattr(stored, name)
            for name in (
                "score",
                "low",
                "high",
                "confidence",
                "reference_only",
                "covered",
                "missed",
                "similar",
            )
        }
    else:
        predictions, graded_ids, _run = grading.predictions_for(
            assignment, [submission.text]
        )
        fields = grading.suggestion_fields(
            predictions[0], graded_ids, assignment.max_score
        )
    items = fields.pop("similar") or []
    found = Submission.objects.select_related("grade", "user").in_bulk(
        [item["submission"] for item in items]
    )
    similar = [
        SimilarAnswer(found[item["submission"]], item["similarity"])
        for item in items
        if item["submission"] in found and hasattr(found[item["submission"]], "grade")
    ]
    return SuggestionDetails(max_score=assignment.max_score, similar=similar, **fields)


def grading_suggester(submission) -> SuggestedScore | None:
    """The platform's grader, registered with `learning.grading`."""
    details = suggestion_details(submission)
    if details is None:
        return None
    if details.reference_only:
        rationale = _(
            "Reference only: no grades to learn from yet, so this compares the "
            "answer with the reference answer and its key points."
        )
    else:
        rationale = _("Learned from your grades of this assignment.")
    return SuggestedScore(
        score=details.score,
        max_score=details.max_score,
        rationale=rationale,
        source=_("Automatic grading"),
        details=details,
    )


@dataclasses.dataclass
class QuestionQuality:
    assignment: Assignment
    grades: int
    with_suggestion: int
    corrected: int
    automatic: int

    @property
    def model(self):
        return getattr(self.assignment, "grading_model", None)

    @property
    def correction_rate(self) -> float | None:
        if not self.with_suggestion:
            return None
        return self.corrected / self.with_suggestion


def grading_quality(user) -> list[QuestionQuality]:
    """Per assignment with a reference answer: how far to trust suggestions."""
    assignments = Assignment.objects.exclude(reference_answer="").select_related(
        "lesson__section__course", "grading_model"
    )
    if not user.is_staff:
        assignments = assignments.filter(lesson__section__course__creator=user)
    assignments = assignments.annotate(
        n_grades=Count(
            "submissions__grade",
            filter=~Q(submissions__grade__origin=Grade.Origin.AUTOMATIC),
        ),
        n_suggested=Count(
            "submissions__grade",
            filter=Q(
                submissions__grade__origin__in=[
                    Grade.Origin.ACCEPTED,
                    Grade.Origin.CORRECTED,
                ]
            ),
        ),
        n_corrected=Count(
            "submissions__grade",
            filter=Q(submissions__grade__origin=Grade.Origin.CORRECTED),
        ),
        n_automatic=Count(
            "submissions__grade",
            filter=Q(submissions__grade__origin=Grade.Origin.AUTOMATIC),
        ),
    ).order_by("-lesson__section__course__created_at", "lesson__position", "pk")
    return [
        QuestionQuality(
            assignment=a,
            grades=a.n_grades,
            with_suggestion=a.n_suggested,
            corrected=a.n_corrected,
            automatic=a.n_automatic,
        )
        for a in assignments[:MAX_QUALITY_ROWS]
    ]


def min_graded() -> int:
    return engine.MIN_GRADED
