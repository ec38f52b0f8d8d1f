"""Writes of automatic grading: training, suggestions, automatic grades.

Training reads the creators' grades (never the automatic ones: the scorer must
not learn from itself), fits the engine and records a `GradingRun`, the
`GradingModel` of every assignment with a reference answer, and fresh
suggestions for the answers still waiting. Slow work runs in Celery tasks
(`learning.tasks`), which take ids and call these functions.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from ..models import (
    Assignment,
    Grade,
    GradingModel,
    GradingRun,
    ScoreSuggestion,
    Submission,
)
from . import engine

logger = logging.getLogger(__name__)

#: Creator grades since the last training that trigger the next one.
RETRAIN_EVERY = 3
#: At most this many of the newest grades per assignment train the scorer.
MAX_GRADES_PER_QUESTION = 400
#: Hold-out for the quality figures: a quarter of the grades, from 8 grades on.
HOLDOUT_FROM = 8
HOLDOUT_SHARE = 0.25
#: Suggestions refreshed per assignment after a training (the waiting answers).
MAX_PENDING_REFRESH = 500
#: Below this confidence a suggestion is flagged for a careful look.
LOW_CONFIDENCE = ScoreSuggestion.LOW_CONFIDENCE

_SALT = "learning.grading.model"


# --- the trained model, signed ---------------------------------------------------


def _pack(model: engine.GlobalModel) -> bytes:
    payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    signature = salted_hmac(_SALT, payload, algorithm="sha256").hexdigest()
    return signature.encode() + payload


def _unpack(blob: bytes) -> engine.GlobalModel | None:
    blob = bytes(blob)
    signature, payload = blob[:64], blob[64:]
    expected = salted_hmac(_SALT, payload, algorithm="sha256").hexdigest().encode()
    if not constant_time_compare(signature, expected):
        logger.error("grading model blob with a bad signature ignored")
        return None
    return pickle.loads(payload)  # noqa: S301 (signed by this site's secret key)


_loaded: dict[int, engine.GlobalModel | None] = {}


def current_run() -> GradingRun | None:
    return (
        GradingRun.objects.filter(status=GradingRun.Status.DONE)
        .defer("model_blob")
        .order_by("-created_at", "-pk")
        .first()
    )


def global_model_for(run: GradingRun | None) -> engine.GlobalModel | None:
    """The regressor of a run, unpickled once per process."""
    if run is None:
        return None
    if run.pk not in _loaded:
        blob = GradingRun.objects.filter(pk=run.pk).values_list("model_blob", flat=True)
        blob = blob.first()
        _loaded.clear()  # keep one model in memory: the current one
        _loaded[run.pk] = _unpack(blob) if blob else None
    return _loaded[run.pk]


# --- reading grades ------------------------------------------------------------------


def _fraction(score, max_score: int) -> float:
    return min(1.0, max(0.0, float(score) / max(1, max_score)))


def graded_answers(assignment_ids) -> dict[int, list[tuple[int, str, float]]]:
    """(submission id, text, score as a share of the maximum) per assignment.

    Only creators' grades of written answers, the newest first.
    """
    rows = (
        Grade.objects.filter(submission__assignment_id__in=list(assignment_ids))
        .exclude(origin=Grade.Origin.AUTOMATIC)
        .exclude(submission__text="")
        .order_by("-graded_at", "-pk")
        .values_list(
            "submission__assignment_id",
            "submission_id",
            "submission__text",
            "score",
            "submission__assignment__max_score",
        )
    )
    result: dict[int, list[tuple[int, str, float]]] = defaultdict(list)
    for assignment_id, submission_id, text, score, max_score in rows.iterator():
        if len(result[assignment_id]) < MAX_GRADES_PER_QUESTION:
            result[assignment_id].append(
                (submission_id, text, _fraction(score, max_score))
            )
    return result


def question_model(
    assignment: Assignment, graded: list[tuple[int, str, float]]
) -> engine.QuestionModel:
    lesson = assignment.lesson
    return engine.QuestionModel(
        engine.QuestionData(
            key=str(assignment.pk),
            question=f"{lesson.title}\n{assignment.instructions}",
            reference=assignment.reference_answer,
            key_points=assignment.key_points,
            answers=[text for _, text, _ in graded],
            scores=[score for _, _, score in graded],
        )
    )


def _in_holdout(submission_id: int) -> bool:
    digest = hashlib.blake2b(str(submission_id).encode(), digest_size=2).digest()
    return int.from_bytes(digest, "big") / 65536 < HOLDOUT_SHARE


# --- training -------------------------------------------------------------------------


def grading_train(*, reason: str = "") -> GradingRun:
    """Train the scorer on every assignment that has a reference answer.

    Records the run (and why it failed, if it did); never raises for bad data.
    """
    run = GradingRun.objects.create(reason=reason[:200])
    started = time.perf_counter()
    try:
        assignments = {
            a.pk: a
            for a in Assignment.objects.exclude(reference_answer="").select_related(
                "lesson"
            )
        }
        graded = graded_answers(assignments)
        holdout_metrics = _holdout_metrics(assignments, graded)
        models = {}
        for pk, assignment in assignments.items():
            try:
                models[pk] = question_model(assignment, graded.get(pk, []))
            except ValueError:  # one odd question must not stop the others
                logger.exception("grading: assignment %s skipped", pk)
        fitted = engine.global_fit(list(models.values()))
    except Exception as error:
        logger.exception("grading training %s failed", run.pk)
        GradingRun.objects.filter(pk=run.pk).update(
            status=GradingRun.Status.FAILED,
            message=f"{type(error).__name__}: {error}"[:2000],
            seconds=time.perf_counter() - started,
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
        return run
    seconds = time.perf_counter() - started
    with transaction.atomic():
        run = GradingRun.objects.select_for_update().get(pk=run.pk)
        run.seconds = seconds
        run.finished_at = timezone.now()
        run.questions = fitted.questions if fitted else 0
        run.rows = fitted.rows if fitted else 0
        if fitted is None:
            run.status = GradingRun.Status.SKIPPED
            run.message = "Too few graded answers to train on."
        else:
            run.status = GradingRun.Status.DONE
            run.cv_pearson = fitted.cv_pearson
            run.cv_rmse = fitted.cv_rmse
            run.model_blob = _pack(fitted)
        run.save()
        now = timezone.now()
        for pk, model in models.items():
            trained = fitted is not None and model.n_graded >= engine.MIN_GRADED
            metrics = holdout_metrics.get(pk, (0, None, None))
            GradingModel.objects.update_or_create(
                assignment_id=pk,
                defaults={
                    "status": GradingModel.Status.TRAINED
                    if trained
                    else GradingModel.Status.REFERENCE_ONLY,
                    "run": run if trained else None,
                    "trained_at": now if trained else None,
                    "graded_count": model.n_graded,
                    "holdout_count": metrics[0],
                    "holdout_pearson": metrics[1],
                    "holdout_rmse": metrics[2],
                    "training_seconds": seconds / max(1, len(models)),
                    "retrain_requested_at": None,
                },
            )
        for pk in assignments:
            transaction.on_commit(lambda pk=pk: _refresh_task().delay(assignment_id=pk))
    return run


def _holdout_metrics(
    assignments, graded
) -> dict[int, tuple[int, float | None, float | None]]:
    """Per assignment: (n, Pearson r, RMSE in points) on held-out creator grades.

    The held-out answers are left out of every question's training, the global
    model included, so the figures are what a new answer can expect.
    """
    fit_models, held = {}, {}
    for pk, assignment in assignments.items():
        rows = graded.get(pk, [])
        if len(rows) >= HOLDOUT_FROM:
            out = [r for r in rows if _in_holdout(r[0])]
            if len(out) < 2:  # a small question: hold out the two oldest
                out = rows[-2:]
            kept = [r for r in rows if r not in out]
            held[pk] = out
        else:
            kept = rows
        fit_models[pk] = question_model(assignment, kept)
    if not held:
        return {}
    fitted = engine.global_fit(list(fit_models.values()))
    if fitted is None:
        return {}
    result = {}
    for pk, rows in held.items():
        predictions = engine.predict(fit_models[pk], [r[1] for r in rows], fitted)
        max_score = assignments[pk].max_score
        truth = np.array([r[2] for r in rows]) * max_score
        guess = np.array([p.score for p in predictions]) * max_score
        result[pk] = (
            len(rows),
            engine.pearson(truth, guess),
            engine.rmse(truth, guess),
        )
    return result


def _refresh_task():
    from ..tasks import grading_refresh_suggestions

    return grading_refresh_suggestions


def grading_model_request_retrain(*, assignment: Assignment) -> None:
    """Ask for a training now (the admin's "retrain now"); runs in the worker."""
    GradingModel.objects.update_or_create(
        assignment=assignment, defaults={"retrain_requested_at": timezone.now()}
    )
    grading_retrain_request(reason="retrain now")


def grading_retrain_request(*, reason: str) -> None:
    """Train in the worker after the current transaction commits."""
    from ..tasks import grading_train_task

    transaction.on_commit(lambda: grading_train_task.delay(reason=reason[:200]))


def retrain_due(*, assignment_id: int) -> bool:
    """Whether enough new creator grades arrived since the last training."""
    assignment = (
        Assignment.objects.filter(pk=assignment_id)
        .exclude(reference_answer="")
        .select_related("grading_model")
        .first()
    )
    if assignment is None:
        return False
    model = getattr(assignment, "grading_model", None)
    grades = Grade.objects.filter(submission__assignment=assignment).exclude(
        origin=Grade.Origin.AUTOMATIC
    )
    if model is None or model.trained_at is None:
        return grades.count() >= engine.MIN_GRADED
    return grades.filter(graded_at__gt=model.trained_at).count() >= RETRAIN_EVERY


# --- suggestions ---------------------------------------------------------------------


def _points(fraction: float, max_score: int) -> Decimal:
    return (Decimal(str(fraction)) * max_score).quantize(Decimal("0.01"))


def predictions_for(
    assignment: Assignment, texts: list[str]
) -> tuple[list[engine.Prediction], list[int], GradingRun | None]:
    """Predictions for texts, and the submission ids behind neighbour indexes."""
    graded = graded_answers([assignment.pk]).get(assignment.pk, [])
    run = current_run()
    model = question_model(assignment, graded)
    predictions = engine.predict(model, texts, global_model_for(run))
    return predictions, [r[0] for r in graded], run


def suggestion_fields(
    prediction: engine.Prediction, graded_ids: list[int], max_score: int
) -> dict:
    return {
        "score": _points(prediction.score, max_score),
        "low": _points(prediction.low, max_score),
        "high": _points(prediction.high, max_score),
        "confidence": prediction.confidence,
        "reference_only": prediction.reference_only,
        "covered": [k.text for k in prediction.key_points if k.covered],
        "missed": [k.text for k in prediction.key_points if not k.covered],
        "similar": [
            {"submission": graded_ids[i], "similarity": round(sim, 3)}
            for i, sim in prediction.neighbours
            if 0 <= i < len(graded_ids)
        ],
    }


def assignment_suggestions_refresh(*, assignment_id: int) -> int:
    """Suggest scores for the latest ungraded written answers of an assignment."""
    assignment = (
        Assignment.objects.exclude(reference_answer="")
        .select_related("lesson")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        return 0
    pending = list(
        Submission.objects.filter(
            assignment=assignment, is_latest=True, grade__isnull=True
        )
        .exclude(text="")
        .order_by("created_at", "pk")[:MAX_PENDING_REFRESH]
    )
    if not pending:
        return 0
    predictions, graded_ids, run = predictions_for(
        assignment, [s.text for s in pending]
    )
    for submission, prediction in zip(pending, predictions, strict=True):
        _suggestion_save(
            submission=submission,
            fields=suggestion_fields(prediction, graded_ids, assignment.max_score),
            run=run,
        )
    return len(pending)


def submission_suggest(*, submission_id: int) -> ScoreSuggestion | None:
    """Suggest a score for one new submission (and publish it if allowed)."""
    submission = (
        Submission.objects.select_related("assignment__lesson")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or not submission.text:
        return None
    assignment = submission.assignment
    if not assignment.reference_answer:
        return None
    predictions, graded_ids, run = predictions_for(assignment, [submission.text])
    return _suggestion_save(
        submission=submission,
        fields=suggestion_fields(predictions[0], graded_ids, assignment.max_score),
        run=run,
    )


@transaction.atomic
def _suggestion_save(*, submission: Submission, fields: dict, run) -> ScoreSuggestion:
    suggestion, _created = ScoreSuggestion.objects.update_or_create(
        submission=submission, defaults={**fields, "run": run}
    )
    grade_auto_publish(suggestion=suggestion)
    return suggestion


def may_auto_publish(*, assignment: Assignment, suggestion: ScoreSuggestion) -> bool:
    """Publishing is off by default and only for trained, confident suggestions."""
    return bool(
        assignment.auto_publish
        and not suggestion.reference_only
        and suggestion.confidence is not None
        and suggestion.confidence * 100 >= assignment.auto_publish_confidence
    )


def rounded_score(score: Decimal) -> int:
    return int(score.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@transaction.atomic
def grade_auto_publish(*, suggestion: ScoreSuggestion) -> Grade | None:
    """Publish a confident suggestion as an automatic grade, if allowed.

    Never overwrites a grade, and only grades the learner's latest submission.
    """
    from ..services import submission_grade

    submission = (
        Submission.objects.select_for_update()
        .select_related("assignment__lesson__section__course")
        .get(pk=suggestion.submission_id)
    )
    assignment = submission.assignment
    if not may_auto_publish(assignment=assignment, suggestion=suggestion):
        return None
    if not submission.is_latest or Grade.objects.filter(submission=submission).exists():
        return None
    course = assignment.lesson.section.course
    feedback = learner_feedback(
        course=course,
        covered=suggestion.covered,
        missed=suggestion.missed,
        automatic=True,
    )
    return submission_grade(
        submission=submission,
        grader=course.creator,
        score=rounded_score(suggestion.score),
        feedback=feedback,
        origin=Grade.Origin.AUTOMATIC,
        suggested_score=suggestion.score,
    )


def _course_language(course) -> str:
    return "en" if (course.language or "").startswith("en") else settings.LANGUAGE_CODE


def learner_feedback(*, course, covered, missed, automatic: bool) -> str:
    """`feedback_text` in the course's language (the learner reads it)."""
    with translation.override(_course_language(course)):
        return feedback_text(covered=covered, missed=missed, automatic=automatic)


def feedback_text(*, covered: list[str], missed: list[str], automatic: bool) -> str:
    """Feedback the learner can read: the key points covered and missed."""
    lines = []
    if automatic:
        lines.append(
            _(
                "Graded automatically from the reference answer; the course's creator may review it."
            )
        )
    if covered:
        lines.append(_("What your answer covers:"))
        lines.extend(f"✓ {point}" for point in covered)
    if missed:
        lines.append(_("What it misses:"))
        lines.extend(f"✗ {point}" for point in missed)
    return "\n".join(lines)


def suggestion_accept(*, submission: Submission, grader) -> Grade:
    """The creator's one click: the suggestion becomes the grade, with feedback."""
    from ..services import submission_grade

    suggestion = ScoreSuggestion.objects.filter(submission=submission).first()
    if suggestion is None or suggestion.reference_only:
        raise ValidationError(
            _("There is no trained suggestion to accept for this answer."),
            code="no_suggestion",
        )
    feedback = learner_feedback(
        course=submission.assignment.lesson.section.course,
        covered=suggestion.covered,
        missed=suggestion.missed,
        automatic=False,
    )
    return submission_grade(
        submission=submission,
        grader=grader,
        score=rounded_score(suggestion.score),
        feedback=feedback,
        origin=Grade.Origin.ACCEPTED,
        suggested_score=suggestion.score,
    )
