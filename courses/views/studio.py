"""The creator studio of the courses app: courses, sections, lessons, attachments."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.redirects import safe_next

from .. import selectors, services
from ..forms import (
    AttachmentForm,
    CourseForm,
    LessonForm,
    SectionForm,
)
from ..models import Course, Lesson, LessonAttachment, Section
from .common import add_errors, flash_errors

# --- creator studio ----------------------------------------------------------------


def creator_required(view):
    """Signed-in creators (or staff) only; others get a 403 page that says why."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_creator:
            return render(request, "courses/studio/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


@creator_required
@require_safe
def studio(request):
    courses = list(selectors.studio_courses(request.user))
    return render(request, "courses/studio/index.html", {"courses": courses})


@creator_required
def studio_course_create(request):
    form = CourseForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = services.course_create(creator=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Course created. Now add sections and lessons.")
            )
            return redirect("courses:studio_course", pk=course.pk)
    return render(request, "courses/studio/course_form.html", {"form": form})


@creator_required
def studio_course(request, pk: int):
    course = selectors.course_for_studio(pk=pk, user=request.user)
    form = CourseForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        instance=course,
        prefix="course",
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("cover") is None or data.get("cover") == course.cover:
            data.pop("cover", None)
        elif data.get("cover") is False:
            data["cover"] = ""
        if not data.get("slug"):
            data.pop("slug", None)
        try:
            services.course_update(course=course, actor=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Course saved."))
            return redirect("courses:studio_course", pk=course.pk)
    sections = selectors.course_syllabus(course)
    return render(
        request,
        "courses/studio/course_edit.html",
        {
            "course": course,
            "form": form,
            "sections": sections,
            # "Submit for review" is disabled, with the reason, until then.
            "has_lessons": any(section.lessons.all() for section in sections),
            "section_form": SectionForm(),
            "history": course.status_changes.select_related("actor")[:10],
        },
    )


def studio_action(view):
    """Studio POSTs: a refused change becomes a message, never a 500."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ValidationError as error:
            flash_errors(request, error)
            target = safe_next(request, reverse("courses:studio"), use_referer=True)
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)

    return wrapper


def _syllabus_response(request, course: Course):
    if request.htmx:
        return render(
            request,
            "courses/studio/_syllabus.html",
            {"course": course, "sections": selectors.course_syllabus(course)},
        )
    return redirect(
        reverse("courses:studio_course", kwargs={"pk": course.pk}) + "#syllabus"
    )


@creator_required
@require_POST
@studio_action
def studio_section_create(request, pk: int):
    course = selectors.course_for_studio(pk=pk, user=request.user)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.section_create(
                course=course, actor=request.user, title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            flash_errors(request, error)
    else:
        messages.error(request, _("A section needs a title."))
    return _syllabus_response(request, course)


def _section_for(request, pk: int) -> Section:
    section = get_object_or_404(Section.objects.select_related("course"), pk=pk)
    selectors.course_for_studio(pk=section.course_id, user=request.user)
    return section


def _lesson_for(request, pk: int) -> Lesson:
    lesson = get_object_or_404(Lesson.objects.select_related("section__course"), pk=pk)
    selectors.course_for_studio(pk=lesson.section.course_id, user=request.user)
    return lesson


@creator_required
@require_POST
@studio_action
def studio_section_update(request, pk: int):
    section = _section_for(request, pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        services.section_update(
            section=section, actor=request.user, title=form.cleaned_data["title"]
        )
        messages.success(request, _("Section renamed."))
    else:
        messages.error(request, _("A section needs a title."))
    return _syllabus_response(request, section.course)


@creator_required
@require_POST
@studio_action
def studio_section_delete(request, pk: int):
    section = _section_for(request, pk)
    course = section.course
    services.section_delete(section=section, actor=request.user)
    messages.success(request, _("Section deleted."))
    return _syllabus_response(request, course)


@creator_required
@require_POST
@studio_action
def studio_section_move(request, pk: int, direction: str):
    section = _section_for(request, pk)
    services.section_move(section=section, actor=request.user, direction=direction)
    messages.success(request, _("Section moved."))
    return _syllabus_response(request, section.course)


@creator_required
@require_POST
@studio_action
def studio_lesson_move(request, pk: int, direction: str):
    lesson = _lesson_for(request, pk)
    services.lesson_move(lesson=lesson, actor=request.user, direction=direction)
    messages.success(request, _("Lesson moved."))
    return _syllabus_response(request, lesson.section.course)


@creator_required
@require_POST
@studio_action
def studio_lesson_delete(request, pk: int):
    lesson = _lesson_for(request, pk)
    course = lesson.section.course
    services.lesson_delete(lesson=lesson, actor=request.user)
    messages.success(request, _("Lesson deleted."))
    return _syllabus_response(request, course)


@creator_required
def studio_lesson_create(request, section_pk: int):
    section = _section_for(request, section_pk)
    form = LessonForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            lesson = services.lesson_create(section=section, actor=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            # A quiz or an assignment is not done until its questions or its
            # task are written: go straight to that editor (learning's page).
            if lesson.kind == Lesson.Kind.QUIZ:
                messages.success(request, _("Lesson added. Now write its questions."))
                return redirect("learning:studio_quiz", lesson.pk)
            if lesson.kind == Lesson.Kind.ASSIGNMENT:
                messages.success(request, _("Lesson added. Now describe the task."))
                return redirect("learning:studio_assignment", lesson.pk)
            messages.success(request, _("Lesson added."))
            return redirect("courses:studio_lesson", pk=lesson.pk)
    return render(
        request,
        "courses/studio/lesson_form.html",
        {
            "form": form,
            "section": section,
            "course": section.course,
            "video_max_bytes": settings.VIDEO_MAX_BYTES,
        },
        status=400 if form.errors else 200,
    )


@creator_required
def studio_lesson(request, pk: int):
    lesson = _lesson_for(request, pk)
    posted = request.method == "POST"  # even with no field at all: errors shown
    form = LessonForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=lesson,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        video_file = data.pop("video_file", None)
        try:
            services.lesson_update(
                lesson=lesson, actor=request.user, video_file=video_file, **data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Lesson saved."))
            return redirect("courses:studio_lesson", pk=lesson.pk)
    return render(
        request,
        "courses/studio/lesson_form.html",
        {
            "form": form,
            "lesson": lesson,
            "section": lesson.section,
            "course": lesson.section.course,
            "attachments": lesson.attachments.all(),
            "attachment_form": AttachmentForm(),
            "video_max_bytes": settings.VIDEO_MAX_BYTES,
        },
        status=400 if form.errors else 200,
    )


@creator_required
@require_POST
@studio_action
def studio_attachment_create(request, pk: int):
    lesson = _lesson_for(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.attachment_create(
            lesson=lesson,
            actor=request.user,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )
        messages.success(request, _("Attachment added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("courses:studio_lesson", pk=lesson.pk)


@creator_required
@require_POST
@studio_action
def studio_attachment_delete(request, pk: int):
    attachment = get_object_or_404(
        LessonAttachment.objects.select_related("lesson__section__course"), pk=pk
    )
    selectors.course_for_studio(
        pk=attachment.lesson.section.course_id, user=request.user
    )
    lesson_pk = attachment.lesson_id
    services.attachment_delete(attachment=attachment, actor=request.user)
    messages.success(request, _("Attachment deleted."))
    return redirect("courses:studio_lesson", pk=lesson_pk)


@creator_required
@require_POST
def studio_course_submit(request, pk: int):
    course = selectors.course_for_studio(pk=pk, user=request.user)
    try:
        services.course_submit_for_review(course=course, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("Submitted for review. Staff will look at it soon.")
        )
    return redirect("courses:studio_course", pk=course.pk)


@creator_required
@require_POST
def studio_course_archive(request, pk: int):
    course = selectors.course_for_studio(pk=pk, user=request.user)
    try:
        services.course_archive(course=course, actor=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Course archived."))
    return redirect("courses:studio_course", pk=course.pk)


@creator_required
@require_safe
def studio_learners(request, pk: int):
    course = selectors.course_for_studio(pk=pk, user=request.user)
    enrollments = course.enrollments.select_related("user__profile").order_by(
        "-created_at"
    )
    paginator = Paginator(enrollments, 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "courses/studio/learners.html",
        {"course": course, "page_obj": page, "enrollments": list(page.object_list)},
    )
