"""Lecture pages: the list, a lecture, the join panel, the replay, tickets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.media import serve_protected

from .. import calendar, selectors, services
from ..access import lecture_access
from ..forms import LectureFilterForm
from ..models import LiveLecture, Ticket
from .common import flash_errors

PAGE_SIZE = 12


@require_GET
def lecture_list(request):
    form = LectureFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Some filters were not understood and are ignored."))
    lectures = selectors.upcoming_lectures(
        category=filters.get("category"),
        day_from=filters.get("day_from"),
        day_to=filters.get("day_to"),
        price=filters.get("price") or "",
    )
    page = Paginator(lectures, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "live/lecture_list.html",
        {
            "form": form,
            "page_obj": page,
            "lectures": list(page.object_list),
            "past": selectors.past_lectures(limit=6),
            "querystring": query.urlencode(),
        },
    )


def _lecture(pk: int) -> LiveLecture:
    try:
        return selectors.lecture_for_page(pk)
    except LiveLecture.DoesNotExist:
        raise Http404 from None


def _join_context(request, lecture: LiveLecture) -> dict:
    ticket = selectors.user_ticket(request.user, lecture)
    active = ticket if ticket and ticket.status == Ticket.Status.ACTIVE else None
    access = lecture_access(request.user, lecture, ticket=active)
    return {"lecture": lecture, "ticket": ticket, "access": access}


@require_GET
def lecture_detail(request, pk: int):
    lecture = _lecture(pk)
    context = _join_context(request, lecture)
    access = context["access"]
    ticket = context["ticket"]
    context.update(
        {
            "seats_left": max(lecture.capacity - lecture.seats_taken, 0),
            "can_refund_after_move": bool(
                ticket
                and ticket.status == Ticket.Status.ACTIVE
                and lecture.moved_at
                and ticket.activated_at
                and ticket.activated_at < lecture.moved_at
                and not lecture.has_started
            ),
            "replay_buyable": bool(
                lecture.replay_for_sale
                and lecture.has_replay
                and lecture.replay_price > 0
                and not lecture.is_cancelled
                and not access.can_watch_replay
            ),
        }
    )
    return render(request, "live/lecture_detail.html", context)


@require_GET
def join_panel(request, pk: int):
    """The join block, polled by the lecture page until the link opens."""
    lecture = _lecture(pk)
    return render(request, "live/_join_panel.html", _join_context(request, lecture))


@login_required
@require_POST
def ticket_claim(request, pk: int):
    lecture = get_object_or_404(LiveLecture, pk=pk)
    try:
        services.ticket_claim(user=request.user, lecture=lecture)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Your seat is booked. See you there!"))
    return redirect(lecture)


@login_required
@require_POST
def ticket_refund(request, pk: int):
    ticket = get_object_or_404(Ticket.objects.select_related("lecture"), pk=pk)
    try:
        services.ticket_refund_after_move(user=request.user, ticket=ticket)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Your ticket is cancelled and refunded."))
    return redirect(ticket.lecture)


@require_GET
def replay_media(request, pk: int):
    """The replay file, for whoever the access rule lets in (ranges supported)."""
    lecture = get_object_or_404(LiveLecture, pk=pk)
    if not lecture_access(request.user, lecture).can_watch_replay:
        raise Http404
    return serve_protected(request, lecture.replay_file)


@require_GET
def lecture_ics(request, pk: int):
    lecture = get_object_or_404(LiveLecture.objects.select_related("creator"), pk=pk)
    body = calendar.lectures_ics(request, [lecture])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lecture-{lecture.pk}.ics"'
    return response
