"""Enrolment, resuming and the player: lessons, progress, quizzes, assignments.

Every page that shows lesson content asks `access.can_open_lesson`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.markdown import LESSON_ARTICLE, render_markdown
from core.pagecache import keep_while, viewer_page
from core.params import parse_id
from courses.models import Course, Lesson, LessonAttachment
from courses.selectors import course_visible_to

from .. import selectors, services
from ..access import (
    can_manage_course,
    can_open_lesson,
    covered_by_membership,
    lesson_access_ends_at,
)
from ..forms import (
    ProgressForm,
    SubmissionForm,
)
from ..models import (
    Assignment,
    Question,
    Quiz,
)
from .common import course_buy_url, course_page_url, error_text

# --- Enrolment and resuming -----------------------------------------------------


@require_POST
def enroll(request, slug: str):
    """Enrol in a free course; a paid one goes to checkout (or says so)."""
    course = get_object_or_404(Course, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(course_page_url(course))
    if course.is_published and not course.is_free:
        if covered_by_membership(request.user, course):
            try:
                services.enrollment_join_membership(user=request.user, course=course)
            except ValidationError as error:
                messages.error(request, error_text(error))
                return redirect(course_page_url(course))
            messages.success(
                request, _("Included in your membership: enjoy the course!")
            )
            return redirect("learning:course_home", slug=course.slug)
        buy_url = course_buy_url(course)
        if buy_url:
            # commerce:buy takes a POST: hand over with a 307 to keep the method.
            return redirect_307(buy_url)
        messages.error(request, _("This course is paid: buy it to enrol."))
        return redirect(course_page_url(course))
    try:
        services.enrollment_join_free(user=request.user, course=course)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(course_page_url(course))
    messages.success(request, _("You are enrolled. Enjoy the course!"))
    return redirect("learning:course_home", slug=course.slug)


class HttpResponseTemporaryRedirect(HttpResponseRedirect):
    """307: the browser repeats the POST (with its CSRF token) at the new URL."""

    status_code = 307


def redirect_307(url: str) -> HttpResponse:
    return HttpResponseTemporaryRedirect(url)


@require_safe
def course_home(request, slug: str):
    """Continue where the learner left off (first unfinished lesson otherwise)."""
    course = get_object_or_404(Course.objects.select_related("creator"), slug=slug)
    if not course_visible_to(request.user, course):
        # An unpublished course is named to no one but its creator and staff.
        raise Http404
    sections = selectors.course_syllabus(course)
    lessons = selectors.ordered_lessons(sections)
    enrollment = selectors.enrollment_for(request.user, course)
    progress = selectors.progress_by_lesson(request.user, course)
    lesson = selectors.resume_lesson(
        enrollment=enrollment, lessons=lessons, progress=progress
    )
    if lesson is None:
        return render(
            request,
            "learning/no_lessons.html",
            {"course": course, "course_url": course_page_url(course)},
        )
    return redirect("learning:lesson", lesson_id=lesson.pk)


# --- The player -------------------------------------------------------------------


def _plans_url() -> str | None:
    try:
        return reverse("commerce:plans")
    except NoReverseMatch:
        return None


def _refuse(request, lesson: Lesson):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = lesson.section.course
    return render(
        request,
        "learning/locked.html",
        {
            "course": course,
            "lesson": lesson,
            "course_url": course_page_url(course),
            "buy_url": course_buy_url(course) if not course.is_free else None,
            "membership_ended": selectors.membership_lapsed(request.user, course),
            "plans_url": _plans_url(),
        },
        status=403,
    )


@require_safe
def lesson(request, lesson_id: int):
    """The player: video, article, quiz or assignment, with the syllabus.

    Kept per viewer (core.pagecache.viewer_page), and only a page the viewer
    was allowed to open is kept: access is decided when the page is rendered,
    and the page stays only while nothing that could take it back happened
    (an enrolment revoked or a membership cancelled bumps the viewer's
    group, a course closed or a lesson changed bumps "courses"; a
    membership that ends with time ends the kept page then). A hit reads
    nothing of the lesson, the course or the enrolment.
    """
    return viewer_page(
        request,
        # Not "learning.lesson": pages kept before access was decided here.
        name="learning.player",
        groups=LESSON_PAGE_GROUPS,
        render=lambda: _player(request, lesson_id),
        on_hit=lambda extra: services.lesson_view_record(user=request.user, **extra),
    )


def _player(request, lesson_id: int, *, submission_form=None):
    """The lesson page, or the locked page; with `submission_form`, the
    assignment form's errors (assignment_submit answers its POST with the
    page)."""
    try:
        current = selectors.lesson_for_player(lesson_id, viewer=request.user)
    except Lesson.DoesNotExist as error:
        raise Http404 from error
    if not course_visible_to(request.user, current.section.course):
        # The locked page names the course and the lesson: not for a draft.
        raise Http404
    if not can_open_lesson(request.user, current):
        return _refuse(request, current)  # a 403: never kept
    if submission_form is not None:  # a POST answered with the form's errors
        return _lesson_page(request, current, submission_form=submission_form)
    viewed = {"lesson_id": current.pk, "course_id": current.section.course_id}
    services.lesson_view_record(user=request.user, **viewed)
    if request.user.is_authenticated:
        ends = lesson_access_ends_at(request.user, current)
        if ends is not None:
            keep_while(request, "learning.access.before", ends)
    response = _lesson_page(request, current)
    response.pagecache_extra = viewed  # announced again on each hit
    return response


#: A lesson page shows the course's content and the learning app's quizzes
#: and assignments (core.pagecache groups), besides the viewer's progress.
LESSON_PAGE_GROUPS = ("courses", "learning")


def _lesson_page(request, current: Lesson, *, submission_form=None):
    course = current.section.course
    sections = selectors.course_syllabus(course)
    lessons = selectors.ordered_lessons(sections)
    progress = selectors.progress_by_lesson(request.user, course)
    enrollment = selectors.enrollment_for(request.user, course)
    ids = [lesson.pk for lesson in lessons]
    index = ids.index(current.pk) if current.pk in ids else 0
    mine = progress.get(current.pk)
    context = {
        "course": course,
        "lesson": current,
        "sections": sections,
        "progress": progress,
        "completed_ids": {
            pk for pk, entry in progress.items() if entry.completed_at is not None
        },
        "enrollment": enrollment,
        "lesson_progress": mine,
        "resume_at": mine.position_seconds if mine else 0,
        "is_completed": bool(mine and mine.completed_at),
        "previous_lesson": lessons[index - 1] if index > 0 else None,
        "next_lesson": lessons[index + 1] if index + 1 < len(lessons) else None,
        "attachments": list(LessonAttachment.objects.filter(lesson=current)),
        "course_url": course_page_url(course),
        "can_save_progress": request.user.is_authenticated,
        "can_manage": can_manage_course(request.user, course),
        # body_html is rendered when the lesson is saved; older rows may lack it.
        "body_html": current.body_html
        or render_markdown(current.body, profile=LESSON_ARTICLE),
        "is_hls": not current.video_file
        and ".m3u8" in current.video_url.split("?", 1)[0].lower(),
        # Completion rules shown to the learner (learning/services/progress.py).
        "video_needed_seconds": services.video_seconds_needed(current),
        "watched_seconds": mine.watched_seconds if mine else 0,
        "certificate_waits_for": (
            services.assignments_awaiting_pass(
                user_id=request.user.pk, course_id=course.pk
            )
            if enrollment is not None
            and enrollment.completed_at is not None
            and not getattr(enrollment, "certificate", None)
            else []
        ),
    }
    if current.kind == Lesson.Kind.QUIZ:
        context.update(
            selectors.quiz_panel(
                user=request.user,
                lesson=current,
                attempt_id=parse_id(request.GET.get("attempt")),
            )
        )
    elif current.kind == Lesson.Kind.ASSIGNMENT:
        panel = selectors.assignment_panel(user=request.user, lesson=current)
        if panel["assignment"] is not None:
            panel["submission_form"] = submission_form or SubmissionForm(
                assignment=panel["assignment"]
            )
        context.update(panel)
    status = 400 if submission_form is not None else 200
    return render(request, "learning/lesson.html", context, status=status)


def _open_or_403(request, lesson_id: int) -> Lesson:
    try:
        current = selectors.lesson_for_player(lesson_id, viewer=request.user)
    except Lesson.DoesNotExist as error:
        raise Http404 from error
    if not request.user.is_authenticated or not can_open_lesson(request.user, current):
        raise PermissionDenied
    return current


@require_POST
def lesson_progress(request, lesson_id: int):
    """The player's heartbeat: position (and completion) as JSON."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Log in to save your progress.")}, status=401)
    try:
        current = selectors.lesson_for_player(lesson_id, viewer=request.user)
    except Lesson.DoesNotExist as error:
        raise Http404 from error
    if not can_open_lesson(request.user, current):
        return JsonResponse({"error": _("You cannot open this lesson.")}, status=403)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    try:
        entry = services.progress_record(
            user=request.user,
            lesson=current,
            position_seconds=form.cleaned_data["position"],
            completed=form.cleaned_data["completed"],
        )
    except ValidationError as error:
        return JsonResponse({"error": error_text(error)}, status=400)
    enrollment = selectors.enrollment_for(request.user, current.section.course)
    return JsonResponse(
        {
            "position": entry.position_seconds,
            "completed": entry.completed_at is not None,
            "course_progress": enrollment.progress_percent if enrollment else None,
        }
    )


@require_POST
def lesson_opened(request, lesson_id: int):
    """The player tells that the learner opened this lesson: it becomes "Continue"."""
    current = _open_or_403(request, lesson_id)
    services.enrollment_resume_set(user=request.user, lesson=current)
    return HttpResponse(status=204)


@require_POST
def lesson_complete(request, lesson_id: int):
    """ "Mark as read" for articles (and "done" for videos)."""
    current = _open_or_403(request, lesson_id)
    try:
        entry = services.progress_record(
            user=request.user, lesson=current, completed=True
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("learning:lesson", lesson_id=current.pk)
    if entry.completed_at is None:
        messages.error(
            request,
            _("Watch at least %(percent)d%% of the video to complete it.")
            % {"percent": round(services.VIDEO_WATCHED_SHARE * 100)},
        )
        return redirect("learning:lesson", lesson_id=current.pk)
    messages.success(request, _("Marked as completed."))
    following = parse_id(request.POST.get("next_lesson"))
    if following is not None:
        return redirect("learning:lesson", lesson_id=following)
    return redirect("learning:lesson", lesson_id=current.pk)


@require_POST
def quiz_submit(request, lesson_id: int):
    current = _open_or_403(request, lesson_id)
    quiz = get_object_or_404(Quiz, lesson=current)
    answers = {}
    for question in quiz.questions.all():
        key = f"q{question.pk}"
        if question.kind == Question.Kind.TEXT:
            answers[question.pk] = request.POST.get(key, "")
        else:
            answers[question.pk] = request.POST.getlist(key)
    try:
        attempt = services.quiz_attempt_submit(
            user=request.user, quiz=quiz, answers=answers
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("learning:lesson", lesson_id=current.pk)
    if attempt.passed:
        messages.success(
            request,
            _("Passed with %(score)d%%!") % {"score": attempt.score_percent},
        )
    else:
        messages.warning(
            request,
            _("Score %(score)d%%: %(mark)d%% is needed to pass.")
            % {"score": attempt.score_percent, "mark": quiz.pass_mark_percent},
        )
    url = reverse("learning:lesson", kwargs={"lesson_id": current.pk})
    return redirect(f"{url}?attempt={attempt.pk}#quiz-result")


@require_POST
def assignment_submit(request, lesson_id: int):
    current = _open_or_403(request, lesson_id)
    assignment = get_object_or_404(Assignment, lesson=current)
    form = SubmissionForm(request.POST, request.FILES, assignment=assignment)
    if form.is_valid():
        try:
            services.submission_create(
                user=request.user,
                assignment=assignment,
                text=form.cleaned_data["text"],
                file=form.cleaned_data.get("file"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your work has been submitted."))
            return redirect("learning:lesson", lesson_id=current.pk)
    return _player(request, lesson_id, submission_form=form)
