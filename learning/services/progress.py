"""Progress through a course: positions, completed lessons, the course percentage."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events
from core.pagecache import bump_viewer
from courses.models import Lesson

from ..models import (
    Assignment,
    Enrollment,
    LessonProgress,
    Submission,
)
from .certificates import certificate_issue

# --- Progress ----------------------------------------------------------------

#: Lessons the learner completes by watching or reading; quizzes complete when
#: passed and assignments when submitted or graded (their own services).
SELF_COMPLETED_KINDS = {Lesson.Kind.VIDEO, Lesson.Kind.AUDIO, Lesson.Kind.ARTICLE}
MAX_POSITION_SECONDS = 24 * 3600
#: Share of a video's length that must be played before it counts as completed.
VIDEO_WATCHED_SHARE = 0.8
#: Played time credited per heartbeat: at most this times the elapsed time (a
#: learner may watch at double speed; a seek plays nothing).
MAX_PLAYBACK_RATE = 2


def video_seconds_needed(lesson: Lesson) -> int:
    """Seconds to play before a video completes (0: its length is unknown)."""
    if lesson.kind != Lesson.Kind.VIDEO or not lesson.duration_seconds:
        return 0
    return int(lesson.duration_seconds * VIDEO_WATCHED_SHARE)


def active_enrollment(user, course_id: int, *, lock: bool = False):
    qs = Enrollment.objects.filter(user=user, course_id=course_id, is_active=True)
    if lock:
        qs = qs.select_for_update()
    return qs.first()


def lesson_mark_completed(*, user, lesson: Lesson) -> bool:
    """Set the completion time once; True only for the call that set it."""
    progress, _created = _progress_get_or_create(user=user, lesson=lesson)
    now = timezone.now()
    newly = bool(
        LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
            completed_at=now, updated_at=now
        )
    )
    if newly:
        bump_viewer(user.pk)  # an UPDATE: no post_save for the page cache
        course_id = lesson.section.course_id
        events.send_on_commit(
            events.lesson_completed,
            sender=LessonProgress,
            lesson_id=lesson.pk,
            course_id=course_id,
            user_id=user.pk,
        )
        enrollment = active_enrollment(user, course_id)
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
        progress = LessonProgress.objects.select_for_update().get(pk=progress.pk)
        watched = progress.watched_seconds
        if progress.position_at is not None and position > progress.position_seconds:
            elapsed = (now - progress.position_at).total_seconds()
            played = min(
                position - progress.position_seconds, elapsed * MAX_PLAYBACK_RATE
            )
            watched = min(MAX_POSITION_SECONDS, watched + int(played))
        LessonProgress.objects.filter(pk=progress.pk).update(
            position_seconds=position,
            watched_seconds=watched,
            position_at=now,
            updated_at=now,
        )
    Enrollment.objects.filter(
        user=user, course_id=lesson.section.course_id, is_active=True
    ).update(last_lesson=lesson, last_activity_at=now)
    bump_viewer(user.pk)  # position and "Continue" are on the learner's pages
    progress.refresh_from_db()
    # A video counts once most of it was played; "ended" after a seek to the
    # end does not complete it (the page says how much is left).
    if completed and progress.watched_seconds >= video_seconds_needed(lesson):
        lesson_mark_completed(user=user, lesson=lesson)
        progress.refresh_from_db()
    return progress


def lesson_view_record(*, lesson_id: int, course_id: int, user) -> None:
    """Announce that the player opened a lesson (analytics)."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    events.send_on_commit(
        events.lesson_viewed,
        sender=Lesson,
        lesson_id=lesson_id,
        course_id=course_id,
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
    if (
        enrollment.completed_at is not None
        and enrollment.is_active
        and not assignments_awaiting_pass(
            user_id=enrollment.user_id, course_id=enrollment.course_id
        )
    ):
        certificate_issue(enrollment=enrollment)
    return enrollment


def assignments_awaiting_pass(*, user_id: int, course_id: int) -> list[Assignment]:
    """The course's assignments without a passing grade for this learner's latest
    work (not handed in, waiting for the grade, or graded below the pass mark):
    the certificate waits for them."""
    latest_score = Submission.objects.filter(
        assignment=OuterRef("pk"), user_id=user_id, is_latest=True
    ).values("grade__score")[:1]
    assignments = (
        Assignment.objects.filter(lesson__section__course_id=course_id)
        .select_related("lesson")
        .annotate(latest_score=Subquery(latest_score))
        .order_by("lesson__section__position", "lesson__position")
    )
    return [
        assignment
        for assignment in assignments
        if assignment.latest_score is None
        or assignment.latest_score * 100
        < assignment.pass_mark_percent * assignment.max_score
    ]
