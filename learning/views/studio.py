"""Creator pages: grading, learners, and authoring quizzes and assignments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from courses.models import Course, Lesson

from .. import selectors, services
from ..access import can_manage_course
from ..forms import (
    AssignmentForm,
    ChoiceFormSet,
    GradeForm,
    QuestionForm,
    QuizSettingsForm,
)
from ..grading import suggest_score
from ..grading.services import learner_feedback
from ..models import (
    Assignment,
    Grade,
    Question,
    Submission,
)
from .common import error_text

# --- Creator pages: grading and learners ---------------------------------------------


@login_required
@require_safe
def studio_grading(request):
    if not (request.user.is_staff or request.user.is_creator):
        raise PermissionDenied
    queue = selectors.grading_queue(request.user)
    only = request.GET.get("show", "ungraded")
    if only == "ungraded":
        queue = queue.filter(grade__isnull=True)
    elif only == "automatic":
        queue = queue.filter(grade__origin=Grade.Origin.AUTOMATIC)
    page = Paginator(queue, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/studio/grading.html",
        {
            "page": page,
            "show": only,
            "courses": selectors.creator_course_stats(request.user)[:50],
        },
    )


@login_required
def studio_grade(request, submission_id: int):
    submission = get_object_or_404(
        Submission.objects.select_related(
            "user__profile", "assignment__lesson__section__course", "grade"
        ),
        pk=submission_id,
    )
    assignment = submission.assignment
    course = assignment.lesson.section.course
    if not can_manage_course(request.user, course):
        raise PermissionDenied
    existing = getattr(submission, "grade", None)
    if request.method == "POST":
        form = GradeForm(request.POST, max_score=assignment.max_score)
        if form.is_valid():
            try:
                services.submission_grade(
                    submission=submission,
                    grader=request.user,
                    score=form.cleaned_data["score"],
                    feedback=form.cleaned_data["feedback"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Grade saved."))
                return redirect("learning:studio_grading")
    suggestion = suggest_score(submission)
    if request.method != "POST":
        initial = {}
        if existing is not None:
            initial = {"score": existing.score, "feedback": existing.feedback}
        elif suggestion is not None and suggestion.details is not None:
            initial = {
                "feedback": learner_feedback(
                    course=course,
                    covered=suggestion.details.covered,
                    missed=suggestion.details.missed,
                    automatic=False,
                )
            }
        form = GradeForm(initial=initial, max_score=assignment.max_score)
    history = list(
        Submission.objects.filter(assignment=assignment, user=submission.user)
        .select_related("grade")
        .order_by("-number")
    )
    return render(
        request,
        "learning/studio/grade.html",
        {
            "submission": submission,
            "assignment": assignment,
            "course": course,
            "form": form,
            "suggestion": suggestion,
            "history": history,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_safe
def studio_learners(request, slug: str):
    course = get_object_or_404(Course, slug=slug)
    if not can_manage_course(request.user, course):
        raise PermissionDenied
    data = selectors.course_learners(course, page_number=request.GET.get("page"))
    return render(request, "learning/studio/learners.html", {"course": course, **data})


# --- Creator pages: authoring quizzes and assignments --------------------------------


def _managed_lesson(request, lesson_id: int, kind: str) -> Lesson:
    try:
        current = selectors.lesson_for_player(lesson_id)
    except Lesson.DoesNotExist as error:
        raise Http404 from error
    if not can_manage_course(request.user, current.section.course):
        raise PermissionDenied
    if current.kind != kind:
        raise Http404("wrong kind of lesson")
    return current


@login_required
def studio_quiz(request, lesson_id: int):
    """Quiz settings and its questions, for the course's creator."""
    current = _managed_lesson(request, lesson_id, Lesson.Kind.QUIZ)
    quiz, questions, attempt_count = selectors.quiz_for_editor(current)
    form = QuizSettingsForm(
        request.POST if request.method == "POST" else None, instance=quiz
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.quiz_settings_update(lesson=current, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Quiz settings saved."))
            return redirect("learning:studio_quiz", lesson_id=current.pk)
    return render(
        request,
        "learning/studio/quiz.html",
        {
            "lesson": current,
            "course": current.section.course,
            "quiz": quiz,
            "form": form,
            "questions": questions,
            "attempt_count": attempt_count,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def studio_question(request, lesson_id: int, question_id: int | None = None):
    current = _managed_lesson(request, lesson_id, Lesson.Kind.QUIZ)
    quiz, _questions, _attempts = selectors.quiz_for_editor(current)
    question = (
        get_object_or_404(Question, pk=question_id, quiz__lesson=current)
        if question_id
        else Question(quiz=quiz)
    )
    form = QuestionForm(
        request.POST if request.method == "POST" else None, instance=question
    )
    choices = ChoiceFormSet(
        request.POST if request.method == "POST" else None,
        instance=question,
        prefix="choices",
    )
    if request.method == "POST":
        choices.kind = request.POST.get("kind")
        if form.is_valid() and choices.is_valid():
            try:
                services.question_save(
                    lesson=current,
                    question=question if question_id else None,
                    choices=choices.rows(),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Question saved."))
                return redirect("learning:studio_quiz", lesson_id=current.pk)
    return render(
        request,
        "learning/studio/question.html",
        {
            "lesson": current,
            "course": current.section.course,
            "quiz": quiz,
            "question": question,
            "form": form,
            "choices": choices,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def studio_question_delete(request, lesson_id: int, question_id: int):
    current = _managed_lesson(request, lesson_id, Lesson.Kind.QUIZ)
    try:
        services.question_delete(lesson=current, question_id=question_id)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Question deleted."))
    return redirect("learning:studio_quiz", lesson_id=current.pk)


@login_required
def studio_assignment(request, lesson_id: int):
    current = _managed_lesson(request, lesson_id, Lesson.Kind.ASSIGNMENT)
    assignment = Assignment.objects.filter(lesson=current).first() or Assignment(
        lesson=current
    )
    form = AssignmentForm(
        request.POST if request.method == "POST" else None, instance=assignment
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_save(lesson=current, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Assignment saved."))
            return redirect("learning:studio_assignment", lesson_id=current.pk)
    return render(
        request,
        "learning/studio/assignment.html",
        {"lesson": current, "course": current.section.course, "form": form},
        status=400 if request.method == "POST" else 200,
    )
