"""Writes of the learning app. Other apps enrol and revoke only through these."""

import dataclasses
import os
import secrets
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import events
from core.markdown import LESSON_ARTICLE, render_markdown
from courses.models import Course, Lesson

from . import tasks
from .grading.services import rounded_score
from .models import (
    Assignment,
    Attempt,
    AttemptAnswer,
    Certificate,
    Enrollment,
    Grade,
    LessonProgress,
    Question,
    Quiz,
    ScoreSuggestion,
    Submission,
)


@transaction.atomic
def enrollment_create(*, user, course: Course, source: str) -> Enrollment:
    """Enrol `user` in `course`; calling it again returns the same enrolment.

    A revoked enrolment is reactivated (a learner who was refunded buys again).
    The unique constraint on (user, course) makes concurrent calls safe.
    """
    try:
        with transaction.atomic():
            enrollment, created = Enrollment.objects.get_or_create(
                user=user, course=course, defaults={"source": source}
            )
    except IntegrityError:
        enrollment, created = Enrollment.objects.get(user=user, course=course), False
    if not created:
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.is_active:
            return enrollment
        enrollment.is_active = True
        enrollment.source = source
        enrollment.revoked_at = None
        enrollment.revoked_reason = ""
        enrollment.save(
            update_fields=["is_active", "source", "revoked_at", "revoked_reason"]
        )
    Course.objects.filter(pk=course.pk).update(
        learner_count=Enrollment.objects.filter(course=course, is_active=True).count()
    )
    events.send_on_commit(
        events.enrollment_created,
        sender=Enrollment,
        enrollment_id=enrollment.pk,
        course_id=course.pk,
        user_id=user.pk,
        source=source,
    )
    return enrollment


@transaction.atomic
def enrollment_revoke(*, user, course: Course, reason: str) -> Enrollment | None:
    """Take access back (refund, staff decision). Progress is kept for the record."""
    enrollment = (
        Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    )
    if enrollment is None or not enrollment.is_active:
        return enrollment
    enrollment.is_active = False
    enrollment.revoked_at = timezone.now()
    enrollment.revoked_reason = reason[:200]
    enrollment.save(update_fields=["is_active", "revoked_at", "revoked_reason"])
    Course.objects.filter(pk=course.pk).update(
        learner_count=Enrollment.objects.filter(course=course, is_active=True).count()
    )
    events.send_on_commit(
        events.enrollment_revoked,
        sender=Enrollment,
        enrollment_id=enrollment.pk,
        course_id=course.pk,
        user_id=user.pk,
        reason=reason,
    )
    return enrollment


# --- Progress ----------------------------------------------------------------

#: Lessons the learner completes by watching or reading; quizzes complete when
#: passed and assignments when submitted or graded (their own services).
SELF_COMPLETED_KINDS = {Lesson.Kind.VIDEO, Lesson.Kind.ARTICLE}
MAX_POSITION_SECONDS = 24 * 3600


def _active_enrollment(user, course_id: int, *, lock: bool = False):
    qs = Enrollment.objects.filter(user=user, course_id=course_id, is_active=True)
    if lock:
        qs = qs.select_for_update()
    return qs.first()


def _lesson_mark_completed(*, user, lesson: Lesson) -> bool:
    """Set the completion time once; True only for the call that set it."""
    progress, _created = _progress_get_or_create(user=user, lesson=lesson)
    now = timezone.now()
    newly = bool(
        LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
            completed_at=now, updated_at=now
        )
    )
    if newly:
        course_id = lesson.section.course_id
        events.send_on_commit(
            events.lesson_completed,
            sender=LessonProgress,
            lesson_id=lesson.pk,
            course_id=course_id,
            user_id=user.pk,
        )
        enrollment = _active_enrollment(user, course_id)
        if enrollment is not None:
            enrollment_progress_refresh(enrollment=enrollment)
    return newly


def _progress_get_or_create(*, user, lesson: Lesson) -> tuple[LessonProgress, bool]:
    try:
        with transaction.atomic():
            return LessonProgress.objects.get_or_create(user=user, lesson=lesson)
    except IntegrityError:  # a concurrent save of the same lesson won the race
        return LessonProgress.objects.get(user=user, lesson=lesson), False


@transaction.atomic
def progress_record(
    *,
    user,
    lesson: Lesson,
    position_seconds: int | None = None,
    completed: bool = False,
) -> LessonProgress:
    """Save where the learner is in a lesson and, if asked, that it is done.

    The caller has checked `can_open_lesson`. Quizzes and assignments cannot be
    marked completed here: passing or submitting them does that.
    """
    if completed and lesson.kind not in SELF_COMPLETED_KINDS:
        raise ValidationError(
            _("This lesson is completed by passing its quiz or submitting its work."),
            code="not_self_completed",
        )
    progress, created = _progress_get_or_create(user=user, lesson=lesson)
    if created:
        events.send_on_commit(
            events.lesson_started,
            sender=LessonProgress,
            lesson_id=lesson.pk,
            course_id=lesson.section.course_id,
            user_id=user.pk,
        )
    now = timezone.now()
    if position_seconds is not None:
        position = max(0, min(int(position_seconds), MAX_POSITION_SECONDS))
        LessonProgress.objects.filter(pk=progress.pk).update(
            position_seconds=position, updated_at=now
        )
    Enrollment.objects.filter(
        user=user, course_id=lesson.section.course_id, is_active=True
    ).update(last_lesson=lesson, last_activity_at=now)
    if completed:
        _lesson_mark_completed(user=user, lesson=lesson)
    progress.refresh_from_db()
    return progress


def lesson_view_record(*, lesson: Lesson, user) -> None:
    """Announce that the player opened a lesson (analytics)."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    events.send_on_commit(
        events.lesson_viewed,
        sender=Lesson,
        lesson_id=lesson.pk,
        course_id=lesson.section.course_id,
        user_id=user_id,
    )


def course_progress_percent(*, user, course_id: int) -> int:
    """Completed lessons / lessons, rounded down (100 only when all are done)."""
    total = Lesson.objects.filter(section__course_id=course_id).count()
    if not total:
        return 0
    done = LessonProgress.objects.filter(
        user=user, lesson__section__course_id=course_id, completed_at__isnull=False
    ).count()
    return min(100, done * 100 // total)


@transaction.atomic
def enrollment_progress_refresh(*, enrollment: Enrollment) -> Enrollment:
    """Recount the course progress; completing the course issues the certificate."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    percent = course_progress_percent(
        user=enrollment.user, course_id=enrollment.course_id
    )
    fields = []
    if percent != enrollment.progress_percent:
        events.send_on_commit(
            events.enrollment_progressed,
            sender=Enrollment,
            enrollment_id=enrollment.pk,
            course_id=enrollment.course_id,
            user_id=enrollment.user_id,
            percent=percent,
            previous_percent=enrollment.progress_percent,
        )
        enrollment.progress_percent = percent
        fields.append("progress_percent")
    if percent >= 100 and enrollment.completed_at is None:
        enrollment.completed_at = timezone.now()
        fields.append("completed_at")
    if fields:
        enrollment.save(update_fields=fields)
    if enrollment.completed_at is not None and enrollment.is_active:
        certificate_issue(enrollment=enrollment)
    return enrollment


# --- Certificates -------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def certificate_code() -> str:
    return "KP" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(14))


@transaction.atomic
def certificate_issue(*, enrollment: Enrollment) -> Certificate:
    """The course certificate, issued exactly once per enrolment."""
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing
    course = Course.objects.select_related("creator").get(pk=enrollment.course_id)
    user = enrollment.user
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                enrollment=enrollment,
                user=user,
                course=course,
                code=certificate_code(),
                learner_name=user.display_name[:150],
                course_title=course.title[:200],
                creator_name=course.creator.display_name[:150],
            )
    except IntegrityError:
        return Certificate.objects.get(enrollment=enrollment)
    events.send_on_commit(
        events.course_completed,
        sender=Enrollment,
        enrollment_id=enrollment.pk,
        course_id=course.pk,
        user_id=user.pk,
        certificate_id=certificate.pk,
    )
    return certificate


# --- Quizzes ------------------------------------------------------------------


class AttemptLimitReached(ValidationError):
    """The learner has used every attempt the quiz allows."""


def normalise_text_answer(text: str) -> str:
    """Case and spaces do not matter: "  Hello World " equals "helloworld"."""
    return "".join((text or "").split()).casefold()


@dataclasses.dataclass
class QuestionResult:
    question: Question
    is_correct: bool
    selected_ids: set[int]
    text_answer: str
    correct_ids: set[int]


def _grade_question(question: Question, given) -> QuestionResult:
    choices = list(question.choices.all())
    correct_ids = {c.pk for c in choices if c.is_correct}
    if question.kind == Question.Kind.TEXT:
        text = str(given or "")[:500]
        accepted = {
            normalise_text_answer(line)
            for line in question.accepted_answers.splitlines()
            if line.strip()
        }
        is_correct = bool(text.strip()) and normalise_text_answer(text) in accepted
        return QuestionResult(question, is_correct, set(), text, correct_ids)
    valid_ids = {c.pk for c in choices}
    if given is None:
        given = []
    elif isinstance(given, int | str):
        given = [given]
    selected = set()
    for value in given:
        try:
            choice_id = int(value)
        except (TypeError, ValueError):
            continue
        if choice_id in valid_ids:
            selected.add(choice_id)
    if question.kind == Question.Kind.SINGLE and len(selected) > 1:
        selected = set()
    is_correct = bool(correct_ids) and selected == correct_ids
    return QuestionResult(question, is_correct, selected, "", correct_ids)


@transaction.atomic
def quiz_attempt_submit(*, user, quiz: Quiz, answers: Mapping[int, object]) -> Attempt:
    """Grade the answers at once and record the attempt.

    `answers` maps a question id to a list of choice ids (choice questions) or
    a string (short text). The learner's enrolment row is locked while the
    attempts are counted, so that two simultaneous submits cannot exceed the
    limit; beyond it, `AttemptLimitReached` is raised and nothing is saved.
    """
    lesson = quiz.lesson
    course_id = lesson.section.course_id
    if _active_enrollment(user, course_id, lock=True) is None:
        # Creators, staff and free-preview takers have no enrolment to lock.
        User.objects.select_for_update().filter(pk=user.pk).first()
    used = Attempt.objects.filter(quiz=quiz, user=user).count()
    if quiz.max_attempts and used >= quiz.max_attempts:
        raise AttemptLimitReached(
            _("You have used all %(count)d attempts of this quiz.")
            % {"count": quiz.max_attempts},
            code="attempt_limit",
        )
    questions = list(quiz.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("This quiz has no questions yet."), code="empty")
    results = [_grade_question(q, answers.get(q.pk)) for q in questions]
    max_points = sum(r.question.points for r in results)
    points = sum(r.question.points for r in results if r.is_correct)
    score = round(points * 100 / max_points) if max_points else 0
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=used + 1,
        points=points,
        max_points=max_points,
        score_percent=score,
        passed=score >= quiz.pass_mark_percent,
    )
    answer_rows = AttemptAnswer.objects.bulk_create(
        [
            AttemptAnswer(
                attempt=attempt,
                question=r.question,
                text_answer=r.text_answer,
                is_correct=r.is_correct,
            )
            for r in results
        ]
    )
    through = AttemptAnswer.selected_choices.through
    through.objects.bulk_create(
        [
            through(attemptanswer_id=row.pk, choice_id=choice_id)
            for row, r in zip(answer_rows, results, strict=True)
            for choice_id in sorted(r.selected_ids)
        ]
    )
    Enrollment.objects.filter(user=user, course_id=course_id, is_active=True).update(
        last_lesson=lesson, last_activity_at=timezone.now()
    )
    if attempt.passed:
        _lesson_mark_completed(user=user, lesson=lesson)
    events.send_on_commit(
        events.quiz_attempted,
        sender=Attempt,
        attempt_id=attempt.pk,
        quiz_id=quiz.pk,
        lesson_id=lesson.pk,
        course_id=course_id,
        user_id=user.pk,
        score=score,
        passed=attempt.passed,
    )
    return attempt


# --- Assignments --------------------------------------------------------------

# What the first bytes of a file must be for its extension (others: any).
MAGIC_BYTES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
}


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
    signatures = MAGIC_BYTES.get(extension)
    if signatures:
        file.seek(0)
        head = file.read(16)
        file.seek(0)
        if not any(head.startswith(sig) for sig in signatures):
            raise ValidationError(
                _("The file's content does not match its type “%(ext)s”.")
                % {"ext": extension},
                code="file_content",
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
    if _active_enrollment(user, course_id, lock=True) is None:
        User.objects.select_for_update().filter(pk=user.pk).first()
    latest = (
        Submission.objects.select_related("grade")
        .filter(assignment=assignment, user=user, is_latest=True)
        .first()
    )
    if latest is not None:
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
            _lesson_mark_completed(user=user, lesson=lesson)
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
    if assignment.counts_when == Assignment.CountsWhen.GRADED:
        _lesson_mark_completed(user=submission.user, lesson=assignment.lesson)
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


def enrollment_join_free(*, user, course: Course) -> Enrollment:
    """A learner enrols in a free published course (the "enrol for free" button)."""
    if course.status != Course.Status.PUBLISHED:
        raise ValidationError(
            _("This course is not open for enrolment."), code="not_published"
        )
    if not course.is_free:
        raise ValidationError(
            _("This course is paid: buy it to enrol."), code="paid_course"
        )
    return enrollment_create(user=user, course=course, source=Enrollment.Source.FREE)


# --- Authoring quizzes and assignments (the course's creator, staff) ----------


@transaction.atomic
def quiz_for_lesson(*, lesson: Lesson) -> Quiz:
    """The quiz behind a quiz lesson, created empty on first use."""
    if lesson.kind != Lesson.Kind.QUIZ:
        raise ValidationError(_("This lesson is not a quiz."), code="not_quiz")
    quiz, _created = Quiz.objects.get_or_create(lesson=lesson)
    return quiz


@transaction.atomic
def question_save(*, quiz: Quiz, form, choices) -> Question:
    """Save a question form and its choice formset together (both validated)."""
    question = form.save(commit=False)
    question.quiz = quiz
    if question.pk is None:
        last = quiz.questions.order_by("-position").values_list("position", flat=True)
        question.position = (last.first() or 0) + 1
    question.save()
    choices.instance = question
    if question.kind == Question.Kind.TEXT:
        question.choices.all().delete()
    else:
        for choice in choices.save(commit=False):
            choice.question = question
            choice.save()
        for choice in choices.deleted_objects:
            choice.delete()
    return question


@transaction.atomic
def assignment_save(*, lesson: Lesson, form) -> Assignment:
    """Save an assignment's settings; the instructions are rendered and sanitized."""
    if lesson.kind != Lesson.Kind.ASSIGNMENT:
        raise ValidationError(
            _("This lesson is not an assignment."), code="not_assignment"
        )
    assignment = form.save(commit=False)
    assignment.lesson = lesson
    assignment.instructions_html = render_markdown(
        assignment.instructions, profile=LESSON_ARTICLE
    )
    assignment.save()
    if {"reference_answer", "key_points"} & set(form.changed_data):
        # New reference: features change, so train again (and refresh).
        transaction.on_commit(
            lambda: tasks.grading_train_task.delay(reason="reference answer changed")
        )
    return assignment
