"""Reads of the learning app used by pages and the API (constant query counts)."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet

from courses.models import Course, Lesson, Section

from . import access
from .models import (
    Assignment,
    Attempt,
    Choice,
    Enrollment,
    LessonProgress,
    Question,
    Quiz,
    Submission,
)


def lesson_for_player(lesson_id: int, *, viewer=None) -> Lesson:
    """A lesson with its course and creator (one query).

    With a signed-in `viewer`, the same query reads their enrolment in the
    course for `access.can_open_lesson` (which then asks nothing more).
    """
    lessons = Lesson.objects.select_related(
        "section__course__creator", "section__course__category"
    )
    signed_in = viewer is not None and viewer.is_authenticated
    if signed_in:
        lessons = lessons.annotate(
            viewer_enrolment_source=access.enrolment_source(
                viewer, OuterRef("section__course_id")
            )
        )
    lesson = lessons.get(pk=lesson_id)
    if signed_in:
        access.remember_enrolment_source(
            lesson.section.course, viewer, lesson.viewer_enrolment_source
        )
    return lesson


def course_syllabus(course: Course) -> list[Section]:
    """Sections in order with their lessons (two queries)."""
    lessons = Lesson.objects.only(
        "id",
        "section_id",
        "title",
        "kind",
        "position",
        "is_free_preview",
        "duration_seconds",
    ).order_by("position", "id")
    return list(
        Section.objects.filter(course=course)
        .order_by("position", "id")
        .prefetch_related(Prefetch("lessons", queryset=lessons))
    )


def ordered_lessons(sections: list[Section]) -> list[Lesson]:
    return [lesson for section in sections for lesson in section.lessons.all()]


def progress_by_lesson(user, course: Course) -> dict[int, LessonProgress]:
    if not user.is_authenticated:
        return {}
    return {
        p.lesson_id: p
        for p in LessonProgress.objects.filter(
            user=user, lesson__section__course=course
        )
    }


def enrollment_for(user, course: Course) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return (
        Enrollment.objects.filter(user=user, course=course, is_active=True)
        .select_related("certificate")
        .first()
    )


def resume_lesson(
    *, enrollment: Enrollment | None, lessons: list[Lesson], progress: dict
) -> Lesson | None:
    """Where to continue: the last lesson opened unless done, else the next one."""
    if not lessons:
        return None
    by_id = {lesson.pk: lesson for lesson in lessons}
    last_id = enrollment.last_lesson_id if enrollment else None
    if last_id in by_id:
        last = by_id[last_id]
        done = progress.get(last_id) and progress[last_id].completed_at
        if not done:
            return last
        index = lessons.index(last)
        for lesson in lessons[index + 1 :] + lessons[:index]:
            entry = progress.get(lesson.pk)
            if not (entry and entry.completed_at):
                return lesson
        return last
    for lesson in lessons:
        entry = progress.get(lesson.pk)
        if not (entry and entry.completed_at):
            return lesson
    return lessons[0]


def my_enrollments(user) -> QuerySet[Enrollment]:
    """The learner's active enrolments, most recently active first (one query)."""
    return (
        Enrollment.objects.filter(user=user, is_active=True)
        .select_related(
            "course__creator__profile", "course__category", "last_lesson", "certificate"
        )
        .order_by("-last_activity_at", "-created_at")
    )


def my_enrollments_brief(user) -> QuerySet[Enrollment]:
    """`my_enrollments` with only what the API list shows (one query): the
    course's id, slug and title and the certificate's code, not the creator,
    category and last lesson the My learning page draws."""
    return (
        Enrollment.objects.filter(user=user, is_active=True)
        .select_related("course", "certificate")
        .only(
            "id",
            "source",
            "progress_percent",
            "completed_at",
            "created_at",
            "last_lesson",
            "last_activity_at",
            "course",
            "course__id",
            "course__slug",
            "course__title",
            "certificate__id",
            "certificate__code",
        )
        .order_by("-last_activity_at", "-created_at")
    )


def recent_courses_of(user, *, limit: int = 50) -> list[Course]:
    """The courses the learner took, most recent first (one query, `limit` rows).

    Titles, categories and creators only: what a recommendation's reason
    names ("because you took X") and matches on.
    """
    if user is None or not user.is_authenticated:
        return []
    rows = (
        Enrollment.objects.filter(user=user, is_active=True)
        .select_related("course")
        .only(
            "course",
            "course__id",
            "course__title",
            "course__slug",
            "course__category_id",
            "course__creator_id",
        )
        .order_by(F("last_activity_at").desc(nulls_last=True), "-created_at", "-pk")[
            :limit
        ]
    )
    return [row.course for row in rows]


def first_lesson_ids(course_ids: list[int]) -> dict[int, int]:
    """The first lesson of each course (one query)."""
    result: dict[int, int] = {}
    rows = (
        Lesson.objects.filter(section__course_id__in=course_ids)
        .order_by("section__course_id", "section__position", "section_id", "position")
        .values_list("section__course_id", "id")
    )
    for course_id, lesson_id in rows.iterator():
        result.setdefault(course_id, lesson_id)
    return result


def grading_queue(user) -> QuerySet[Submission]:
    """Latest submissions of the creator's courses (staff: all), ungraded first."""
    qs = Submission.objects.filter(is_latest=True).select_related(
        "user__profile",
        "assignment__lesson__section__course",
        "grade",
        "score_suggestion",
    )
    if not user.is_staff:
        qs = qs.filter(assignment__lesson__section__course__creator=user)
    return qs.order_by("grade", "created_at")


def ungraded_count(user) -> int:
    qs = Submission.objects.filter(is_latest=True, grade__isnull=True)
    if not user.is_staff:
        qs = qs.filter(assignment__lesson__section__course__creator=user)
    return qs.count()


@dataclasses.dataclass
class LearnerRow:
    enrollment: Enrollment
    quiz_scores: list[int | None]
    assignment_grades: list[Submission | None]


LEARNERS_PER_PAGE = 50


def course_learners(course: Course, *, page_number=None) -> dict:
    """One page of enrolments with progress, best quiz scores and assignment grades.

    Seven queries whatever the number of learners, quizzes and assignments.
    """
    enrollments = (
        Enrollment.objects.filter(course=course)
        .select_related("user__profile", "certificate")
        .order_by("-is_active", F("last_activity_at").desc(nulls_last=True), "-pk")
    )
    page = Paginator(enrollments, LEARNERS_PER_PAGE).get_page(page_number)
    rows_on_page = list(page.object_list)
    user_ids = [e.user_id for e in rows_on_page]
    quizzes = list(
        Quiz.objects.filter(lesson__section__course=course)
        .select_related("lesson")
        .order_by("lesson__section__position", "lesson__position")
    )
    assignments = list(
        Assignment.objects.filter(lesson__section__course=course)
        .select_related("lesson")
        .order_by("lesson__section__position", "lesson__position")
    )
    best: dict[tuple[int, int], int] = {
        (row["user_id"], row["quiz_id"]): row["best"]
        for row in Attempt.objects.filter(quiz__in=quizzes, user_id__in=user_ids)
        .values("user_id", "quiz_id")
        .annotate(best=Max("score_percent"))
    }
    latest: dict[tuple[int, int], Submission] = {
        (s.user_id, s.assignment_id): s
        for s in Submission.objects.filter(
            assignment__in=assignments, is_latest=True, user_id__in=user_ids
        ).select_related("grade")
    }
    rows = [
        LearnerRow(
            enrollment=enrollment,
            quiz_scores=[best.get((enrollment.user_id, q.pk)) for q in quizzes],
            assignment_grades=[
                latest.get((enrollment.user_id, a.pk)) for a in assignments
            ],
        )
        for enrollment in rows_on_page
    ]
    return {"rows": rows, "quizzes": quizzes, "assignments": assignments, "page": page}


def creator_course_stats(user) -> QuerySet[Course]:
    """The creator's courses with learner and completion counts (one query)."""
    qs = Course.objects.all() if user.is_staff else Course.objects.filter(creator=user)
    return qs.annotate(
        active_learners=Count("enrollments", filter=Q(enrollments__is_active=True)),
        completions=Count(
            "enrollments", filter=Q(enrollments__completed_at__isnull=False)
        ),
    ).order_by("-created_at")


# --- Plain facts for analytics (ids and numbers, read in bulk) ----------------


def question_answers_by_day(*, start, end) -> list[dict]:
    """Quiz answers given in [start, end) per local day and question, with how
    many were wrong."""
    from django.db.models.functions import TruncDate
    from django.utils import timezone

    from .models import AttemptAnswer

    return list(
        AttemptAnswer.objects.filter(
            attempt__created_at__gte=start, attempt__created_at__lt=end
        )
        .annotate(
            day=TruncDate("attempt__created_at", tzinfo=timezone.get_current_timezone())
        )
        .values(
            "day",
            "question_id",
            "question__quiz__lesson_id",
            "question__quiz__lesson__section__course_id",
        )
        .annotate(answers=Count("pk"), wrong=Count("pk", filter=Q(is_correct=False)))
        .order_by()
    )


def question_prompts(question_ids) -> dict[int, dict]:
    """Prompt and lesson title per quiz question id (one query)."""
    from .models import Question

    return {
        row["pk"]: row
        for row in Question.objects.filter(pk__in=list(question_ids)).values(
            "pk", "prompt", "quiz__lesson__title"
        )
    }


def enrolled_pairs(*, user_ids, course_ids) -> set[tuple[int, int]]:
    """(user id, course id) pairs among the given ids that have an enrolment."""
    return set(
        Enrollment.objects.filter(
            user_id__in=list(user_ids), course_id__in=list(course_ids)
        ).values_list("user_id", "course_id")
    )


ENROLLMENT_FACT_FIELDS = (
    "pk",
    "user_id",
    "course_id",
    "course__creator_id",
    "created_at",
    "completed_at",
    "revoked_at",
    "is_active",
    "progress_percent",
    "last_activity_at",
)


def enrollment_facts(*, since=None, course_ids=None, only_active: bool = False):
    """Enrolments as plain dicts (streamed), for models trained on history."""
    rows = Enrollment.objects.all()
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if course_ids is not None:
        rows = rows.filter(course_id__in=list(course_ids))
    if only_active:
        rows = rows.filter(is_active=True, completed_at__isnull=True)
    return rows.order_by("pk").values(*ENROLLMENT_FACT_FIELDS).iterator(chunk_size=5000)


# --- Player panels ---------------------------------------------------------------


def quiz_panel(*, user, lesson: Lesson, attempt_id: int | None = None) -> dict:
    """What the player shows under a quiz lesson: questions, attempts, feedback.

    `attempt_id` picks one of the learner's attempts to show answer by answer;
    the right answers are revealed once passed or when no attempt is left.
    """
    quiz = (
        Quiz.objects.filter(lesson=lesson)
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.prefetch_related(
                    Prefetch("choices", queryset=Choice.objects.order_by("position"))
                ),
            )
        )
        .first()
    )
    if quiz is None:
        return {"quiz": None}
    attempts = []
    if user.is_authenticated:
        attempts = list(
            Attempt.objects.filter(quiz=quiz, user=user).order_by("-number")
        )
    shown = next((a for a in attempts if a.pk == attempt_id), None)
    feedback = []
    if shown is not None:
        answers = {
            a.question_id: a for a in shown.answers.prefetch_related("selected_choices")
        }
        reveal = shown.passed or (
            quiz.max_attempts and len(attempts) >= quiz.max_attempts
        )
        for question in quiz.questions.all():
            answer = answers.get(question.pk)
            feedback.append(
                {
                    "question": question,
                    "answer": answer,
                    "selected": {c.pk for c in answer.selected_choices.all()}
                    if answer
                    else set(),
                    "reveal": reveal,
                }
            )
    left = None
    if quiz.max_attempts:
        left = max(0, quiz.max_attempts - len(attempts))
    return {
        "quiz": quiz,
        "attempts": attempts,
        "shown_attempt": shown,
        "feedback": feedback,
        "attempts_left": left,
        "best_score": max((a.score_percent for a in attempts), default=None),
        "has_passed": any(a.passed for a in attempts),
    }


def assignment_panel(*, user, lesson: Lesson) -> dict:
    """What the player shows under an assignment: the learner's submissions and
    whether the resubmission policy lets them hand in (again)."""
    from .services import submission_policy_check

    assignment = Assignment.objects.filter(lesson=lesson).first()
    if assignment is None:
        return {"assignment": None}
    submissions = []
    if user.is_authenticated:
        submissions = list(
            Submission.objects.filter(assignment=assignment, user=user)
            .select_related("grade")
            .order_by("-number")
        )
    latest = submissions[0] if submissions else None
    try:
        submission_policy_check(assignment=assignment, latest=latest)
    except ValidationError:
        can_submit = False
    else:
        can_submit = True
    return {
        "assignment": assignment,
        "submissions": submissions,
        "latest_submission": latest,
        "can_submit": can_submit,
    }


def quiz_for_editor(lesson: Lesson) -> tuple[Quiz, list[Question], int]:
    """A quiz lesson's quiz for its editor, with questions and the attempt count.

    Before the first save the quiz is an unsaved default: opening the editor
    creates nothing.
    """
    quiz = Quiz.objects.filter(lesson=lesson).first()
    if quiz is None:
        return Quiz(lesson=lesson), [], 0
    questions = list(quiz.questions.prefetch_related("choices"))
    return quiz, questions, quiz.attempts.count()


# --- Statistics for other apps (rewards: quality scores and creator levels) ----


def completion_counts(course_id: int) -> dict:
    """Enrolments of a course (revoked included) and how many were completed."""
    return Enrollment.objects.filter(course_id=course_id).aggregate(
        n=Count("id"), done=Count("id", filter=Q(completed_at__isnull=False))
    )


def completion_counts_by_course(course_ids) -> dict[int, dict]:
    """`completion_counts` of each course (one grouped query); courses without
    an enrolment are absent."""
    return {
        row["course_id"]: row
        for row in Enrollment.objects.filter(course_id__in=list(course_ids))
        .values("course_id")
        .annotate(n=Count("id"), done=Count("id", filter=Q(completed_at__isnull=False)))
        .order_by()
    }


def active_learner_count(course_ids) -> int:
    """Distinct learners with an active enrolment in any of the courses."""
    return (
        Enrollment.objects.filter(course_id__in=list(course_ids), is_active=True)
        .values("user_id")
        .distinct()
        .count()
    )


def active_learner_ids_by_course(course_ids) -> dict[int, set[int]]:
    """The learners with an active enrolment, per course (one query): what
    `active_learner_count` counts, for many groups of courses at once."""
    result: dict[int, set[int]] = {}
    for course_id, user_id in Enrollment.objects.filter(
        course_id__in=list(course_ids), is_active=True
    ).values_list("course_id", "user_id"):
        result.setdefault(course_id, set()).add(user_id)
    return result


def enrolments_since_count(*, since) -> int:
    """Enrolments made since ``since`` (the admin console's number of the day)."""
    return Enrollment.objects.filter(created_at__gte=since).count()


# Paths, columns and membership enrolments (a module of their own, same app).
from .paid_selectors import (  # noqa: E402, F401 (re-exported)
    PathQuote,
    column_for_page,
    column_post_for_page,
    column_posts,
    columns_to_suggest,
    feed_posts,
    membership_lapsed,
    owned_course_ids,
    path_course_choices,
    path_for_page,
    path_progress,
    path_quote,
    paths_matching,
    paths_to_suggest,
    paths_with_course,
    published_columns,
    published_paths,
    studio_columns,
    studio_paths,
)
