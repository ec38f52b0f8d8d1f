"""Learner- and creator-facing endpoints of analytics."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.ids import parse_id
from core.redirects import safe_next

from . import selectors, study
from .admin import csv_response
from .dashboards.creator import CreatorScope, creator_dashboard, own_courses
from .forms import BeatForm, GoalForm, NudgeForm, RangeForm
from .models import Event
from .recording import event_record
from .services import goals
from .services.nudges import NudgeError, nudge_send


@require_POST
def heartbeat(request):
    """A lesson page reports study time (or a video seek); 204 when recorded."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"error": _("Log in to record your study time.")}, status=401
        )
    form = BeatForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    data = form.cleaned_data
    ticket = study.ticket_read(data["ticket"])
    if ticket is None or ticket["u"] != request.user.pk:
        return JsonResponse(
            {"error": _("This page is out of date: reload it.")}, status=403
        )
    video = {}
    if data.get("dur"):
        video = {"dur": round(data["dur"], 1)}
    if data["kind"] == "seek":
        event_record(
            kind=Event.Kind.VIDEO_SEEK,
            user_id=request.user.pk,
            course_id=ticket["c"],
            lesson_id=ticket["l"],
            value=round(data["pos"], 1),
            data={"from": round(data["start"], 1), **video},
        )
        return HttpResponse(status=204)
    seconds = study.credited_seconds(
        user_id=request.user.pk, lesson_id=ticket["l"], claimed=data.get("seconds") or 0
    )
    if seconds <= 0:
        return HttpResponse(status=204)
    if data.get("pos") is not None and video:
        video["pos"] = round(data["pos"], 1)
    event_record(
        kind=Event.Kind.STUDY,
        user_id=request.user.pk,
        course_id=ticket["c"],
        lesson_id=ticket["l"],
        value=seconds,
        data=video,
    )
    return HttpResponse(status=204)


def _back(request, fallback: str):
    return redirect(safe_next(request, fallback))


@login_required
@require_POST
def goal_set(request):
    """The learner's weekly study goal (My learning)."""
    form = GoalForm(request.POST)
    if form.is_valid():
        goals.goal_set(
            user=request.user, weekly_minutes=form.cleaned_data["weekly_minutes"]
        )
        messages.success(request, _("Your weekly goal is saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _back(request, "/learn/")


# --- Creator analytics (studio) --------------------------------------------------


def _require_creator(request) -> None:
    if not (getattr(request.user, "is_creator", False) or request.user.is_staff):
        raise PermissionDenied


def _id_param(request, name: str) -> int | None:
    return parse_id(request.GET.get(name, ""))


def _creator_board(request):
    _require_creator(request)
    courses = own_courses(request.user.pk)
    course_id = _id_param(request, "course")
    if course_id is not None and course_id not in dict(courses):
        raise Http404  # someone else's course, or none at all
    form = RangeForm(request.GET or None)
    start, end, _category = form.range()
    scope = CreatorScope(
        creator_id=request.user.pk,
        start=start,
        end=end,
        course_id=course_id,
        lesson_id=_id_param(request, "lesson"),
    )
    return form, courses, creator_dashboard(scope, courses)


@login_required
@require_GET
def studio(request):
    """A creator's numbers: every course of theirs, or one with its details."""
    form, courses, board = _creator_board(request)
    course_id = _id_param(request, "course")
    run, at_risk = selectors.risk_list(
        creator_id=request.user.pk, course_id=course_id, limit=50
    )
    query = request.GET.urlencode()
    return render(
        request,
        "analytics/studio.html",
        {
            "form": form,
            "courses": courses,
            "course_id": course_id,
            "board": board,
            "query": query,
            "charts_data": {c.key: c.payload() for c in board.charts},
            "csv_urls": {
                c.key: reverse("analytics:studio_csv", args=[c.key])
                + (f"?{query}" if query else "")
                for c in board.charts
            },
            "risk_run": run,
            "at_risk": at_risk,
            "show_course": course_id is None,
            "no_numbers": _("No numbers for this range yet."),
            "studio_tab": "analytics",
        },
    )


@login_required
@require_GET
def studio_csv(request, chart: str):
    _form, _courses, board = _creator_board(request)
    found = board.chart(chart)
    if found is None:
        raise Http404
    return csv_response(found, f"my-courses-{chart}.csv")


@login_required
@require_POST
def nudge(request, enrollment_id: int):
    """Encourage a learner at risk (the course's creator, or staff)."""
    form = NudgeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request, reverse("analytics:studio"))
    try:
        nudge_send(
            sender=request.user,
            enrollment_id=enrollment_id,
            message=form.cleaned_data["message"],
        )
    except PermissionDenied:
        raise Http404 from None
    except NudgeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your encouragement was sent."))
    return _back(request, reverse("analytics:studio"))
