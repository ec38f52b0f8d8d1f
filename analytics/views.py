"""Learner- and creator-facing endpoints of analytics."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import study
from .forms import BeatForm, GoalForm
from .models import Event
from .recording import event_record
from .services import goals


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
    target = request.POST.get("next") or fallback
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return redirect(target)


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
