"""Assignments: submissions, grades, and their authoring by the course's creator."""

import os
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import events
from core.markdown import LESSON_ARTICLE, render_markdown
from core.uploads import content_matches
from courses.models import Lesson

from .. import tasks
from ..grading.services import rounded_score
from ..models import (
    Assignment,
    Enrollment,
    Grade,
    ScoreSuggestion,
    Submission,
)
from .progress import (
    active_enrollment,
    enrollment_progress_refresh,
    lesson_mark_completed,
)

# --- Assignments --------------------------------------------------------------

# What the first bytes of a file must be for its extension (others: any).


def submission_file_check(*, assignment: Assignment, file) -> None:
    """Refuse a file of a type or size the assignment does not accept."""
    name = getattr(file, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = assignment.extensions
    if not allowed:
        raise ValidationError(
            _("This assignment does not accept files."), code="no_files"
        )
    if extension not in allowed:
        raise ValidationError(
            _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.")
            % {"ext": extension or "?", "allowed": ", ".join(allowed)},
            code="file_type",
        )
    limit = assignment.max_file_mb * 1024 * 1024
    if file.size > limit:
        raise ValidationError(
            _("The file is too large: at most %(mb)d MB.")
            % {"mb": assignment.max_file_mb},
            code="file_size",
        )
    if not content_matches(file, extension):
        raise ValidationError(
            _("The file's content does not match its type “%(ext)s”.")
            % {"ext": extension},
            code="file_content",
        )


def submission_policy_check(
    *, assignment: Assignment, latest: Submission | None
) -> None:
    """The resubmission policy: raise when the learner may not hand in (again).

    `latest` is the learner's latest submission (its grade loaded), or None.
    """
    if latest is None:
        return
    policy = assignment.resubmission
    if policy == Assignment.Resubmission.NONE:
        raise ValidationError(
            _("This assignment accepts one submission only."), code="resubmit"
        )
    if policy == Assignment.Resubmission.UNTIL_GRADED and hasattr(latest, "grade"):
        raise ValidationError(
            _("Your work has been graded; it can no longer be resubmitted."),
            code="resubmit",
        )


@transaction.atomic
def submission_create(*, user, assignment: Assignment, text: str, file=None):
    """Hand in work for an assignment, following its resubmission policy."""
    text = (text or "").strip()
    if not text and file is None:
        raise ValidationError(
            _("Write an answer or attach a file."), code="empty_submission"
        )
    if file is not None:
        submission_file_check(assignment=assignment, file=file)
    lesson = assignment.lesson
    course_id = lesson.section.course_id
    if active_enrollment(user, course_id, lock=True) is None:
        User.objects.select_for_update().filter(pk=user.pk).first()
    latest = (
        Submission.objects.select_related("grade")
        .filter(assignment=assignment, user=user, is_latest=True)
        .first()
    )
    submission_policy_check(assignment=assignment, latest=latest)
    if latest is not None:
        Submission.objects.filter(pk=latest.pk).update(is_latest=False)
    submission = Submission(
        assignment=assignment,
        user=user,
        number=(latest.number + 1) if latest else 1,
        is_latest=True,
        text=text,
    )
    if file is not None:
        submission.file_name = os.path.basename(file.name)[:200]
        submission.file_size = file.size
        submission.file = file
    submission.save()
    try:
        Enrollment.objects.filter(
            user=user, course_id=course_id, is_active=True
        ).update(last_lesson=lesson, last_activity_at=timezone.now())
        if assignment.counts_when == Assignment.CountsWhen.SUBMITTED:
            lesson_mark_completed(user=user, lesson=lesson)
        if text and assignment.reference_answer:
            transaction.on_commit(
                lambda: tasks.grading_suggest.delay(submission_id=submission.pk)
            )
    except Exception:
        # The transaction rolls back: leave no orphan file in the storage.
        if submission.file:
            submission.file.storage.delete(submission.file.name)
        raise
    events.send_on_commit(
        events.submission_created,
        sender=Submission,
        submission_id=submission.pk,
        assignment_id=assignment.pk,
        lesson_id=lesson.pk,
        course_id=course_id,
        user_id=user.pk,
        number=submission.number,
    )
    return submission


@transaction.atomic
def submission_grade(
    *,
    submission: Submission,
    grader,
    score: int,
    feedback: str = "",
    origin: str | None = None,
    suggested_score: Decimal | None = None,
) -> Grade:
    """Grade (or regrade) a submission; the creator's decision, with feedback.

    `origin` None means a creator's grade: it counts as accepting the trained
    suggestion shown if the score is the same, else as correcting it. Every
    creator grade of a written answer can trigger the next training.
    """
    submission = (
        Submission.objects.select_for_update()
        .select_related("assignment__lesson__section")
        .get(pk=submission.pk)
    )
    assignment = submission.assignment
    if score is None or score < 0 or score > assignment.max_score:
        raise ValidationError(
            _("The score must be between 0 and %(max)d.")
            % {"max": assignment.max_score},
            code="score_range",
        )
    if origin is None:
        origin, suggested_score = _grade_origin(submission, score)
    grade, _created = Grade.objects.update_or_create(
        submission=submission,
        defaults={
            "score": score,
            "feedback": (feedback or "").strip(),
            "grader": grader,
            "origin": origin,
            "suggested_score": suggested_score,
        },
    )
    if assignment.reference_answer and origin != Grade.Origin.AUTOMATIC:
        transaction.on_commit(
            lambda: tasks.grading_maybe_retrain.delay(assignment_id=assignment.pk)
        )
    passed = score * 100 >= assignment.pass_mark_percent * assignment.max_score
    if assignment.counts_when == Assignment.CountsWhen.GRADED and passed:
        lesson_mark_completed(user=submission.user, lesson=assignment.lesson)
    # The certificate may have waited for this grade.
    enrollment = active_enrollment(submission.user, assignment.lesson.section.course_id)
    if enrollment is not None:
        enrollment_progress_refresh(enrollment=enrollment)
    events.send_on_commit(
        events.submission_graded,
        sender=Submission,
        submission_id=submission.pk,
        assignment_id=assignment.pk,
        course_id=assignment.lesson.section.course_id,
        user_id=submission.user_id,
        grader_id=grader.pk,
        score=score,
        max_score=assignment.max_score,
    )
    return grade


def _grade_origin(submission: Submission, score: int) -> tuple[str, Decimal | None]:
    suggestion = ScoreSuggestion.objects.filter(
        submission=submission, reference_only=False
    ).first()
    if suggestion is None:
        return Grade.Origin.MANUAL, None
    if rounded_score(suggestion.score) == score:
        return Grade.Origin.ACCEPTED, suggestion.score
    return Grade.Origin.CORRECTED, suggestion.score


@transaction.atomic
def assignment_save(
    *,
    lesson: Lesson,
    instructions: str,
    max_score: int,
    allowed_extensions: str,
    max_file_mb: int,
    resubmission: str,
    counts_when: str,
    pass_mark_percent: int | None = None,
    reference_answer: str = "",
    key_points: str = "",
    auto_publish: bool = False,
    auto_publish_confidence: int = 90,
) -> Assignment:
    """Save an assignment's settings; the instructions are rendered and sanitized."""
    if lesson.kind != Lesson.Kind.ASSIGNMENT:
        raise ValidationError(
            _("This lesson is not an assignment."), code="not_assignment"
        )
    assignment = Assignment.objects.select_for_update().filter(
        lesson=lesson
    ).first() or Assignment(lesson=lesson)
    previous_reference = (assignment.reference_answer, assignment.key_points)
    assignment.instructions = instructions
    assignment.instructions_html = render_markdown(instructions, profile=LESSON_ARTICLE)
    assignment.max_score = max_score
    assignment.allowed_extensions = allowed_extensions
    assignment.max_file_mb = max_file_mb
    assignment.resubmission = resubmission
    if pass_mark_percent is not None:
        assignment.pass_mark_percent = max(0, min(100, int(pass_mark_percent)))
    assignment.counts_when = counts_when
    assignment.reference_answer = reference_answer
    assignment.key_points = key_points
    assignment.auto_publish = auto_publish
    assignment.auto_publish_confidence = auto_publish_confidence
    assignment.full_clean(exclude=["lesson"])
    assignment.save()
    if previous_reference != (reference_answer, key_points):
        # New reference: features change, so train again (and refresh).
        transaction.on_commit(
            lambda: tasks.grading_train_task.delay(reason="reference answer changed")
        )
    return assignment
