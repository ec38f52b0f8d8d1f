"""Consultation pages: the expert directory, an expert, booking, a booking."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from commerce.services import CommerceError
from courses.models import Category

from .. import selectors, services
from ..access import booking_access
from ..forms import BookingForm, DeclineForm, RatingForm
from ..models import Booking, ExpertProfile, QuestionPolicy, Slot
from .common import flash_errors

PAGE_SIZE = 12


@require_GET
def expert_list(request):
    topic = None
    slug = request.GET.get("topic", "")
    if slug:
        topic = Category.objects.filter(slug=slug).first()
        if topic is None:
            messages.error(
                request, _("This topic does not exist; showing every expert.")
            )
    page = Paginator(selectors.experts_directory(topic=topic), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    experts = selectors.attach_next_slots(list(page.object_list))
    return render(
        request,
        "live/expert_list.html",
        {
            "page_obj": page,
            "experts": experts,
            "topics": Category.objects.filter(parent__isnull=True),
            "topic": topic,
            "querystring": f"topic={slug}" if topic else "",
        },
    )


def _days(slots):
    """Free slots grouped by day in the viewer's zone."""
    return [
        (day, list(items))
        for day, items in groupby(
            slots, key=lambda s: timezone.localtime(s.starts_at).date()
        )
    ]


@require_GET
def expert_detail(request, pk: int):
    try:
        expert = selectors.expert_for_page(pk)
    except ExpertProfile.DoesNotExist:
        raise Http404 from None
    is_self = request.user.is_authenticated and expert.user_id == request.user.pk
    if not expert.is_listed and not (is_self or request.user.is_staff):
        raise Http404
    slots = selectors.free_slots(expert, limit=120)
    public = list(selectors.public_questions(expert=expert)[:10])
    return render(
        request,
        "live/expert_detail.html",
        {
            "expert": expert,
            "days": _days(slots),
            "is_self": is_self,
            "question_stats": selectors.expert_question_stats(expert),
            "public": public,
            "bought": selectors.bought_answers(request.user, [q.pk for q in public]),
            "policy": QuestionPolicy.current(),
        },
    )


@login_required
def slot_book(request, pk: int):
    slot = get_object_or_404(
        Slot.objects.select_related("expert__user__profile"), pk=pk
    )
    form = BookingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.booking_start(
                learner=request.user, slot=slot, note=form.cleaned_data["note"]
            )
        except CommerceError as error:
            # Said on this page, with the note still in the form to copy or keep.
            messages.error(request, error.message)
        else:
            return _booked(request, order)
    return render(
        request,
        "live/slot_book.html",
        {"slot": slot, "expert": slot.expert, "form": form},
    )


def _booked(request, order):
    if order.is_paid:
        booking = Booking.objects.filter(
            order_item_id__in=order.items.values("pk")
        ).first()
        messages.success(request, _("Booked. The expert will confirm soon."))
        return redirect(booking or "live:my_schedule")
    return redirect(order)


def _booking_for(request, pk: int) -> Booking:
    try:
        booking = selectors.booking_for_page(pk)
    except Booking.DoesNotExist:
        raise Http404 from None
    access = booking_access(request.user, booking)
    if not (access.is_learner or access.is_expert or request.user.is_staff):
        raise Http404
    return booking


@login_required
@require_safe
def booking_detail(request, pk: int):
    booking = _booking_for(request, pk)
    access = booking_access(request.user, booking)
    now = timezone.now()
    can_rate = (
        access.is_learner
        and booking.status == Booking.Status.CONFIRMED
        and booking.slot.ends_at <= now
        and booking.rated_at is None
    )
    return render(
        request,
        "live/booking_detail.html",
        {
            "booking": booking,
            "now": now,
            "slot": booking.slot,
            "expert": booking.slot.expert,
            "access": access,
            "decline_form": DeclineForm(),
            "rating_form": RatingForm() if can_rate else None,
            "note_form": BookingForm(initial={"note": booking.note})
            if access.is_learner and booking.is_live
            else None,
            "can_cancel": booking.status
            in (Booking.Status.REQUESTED, Booking.Status.CONFIRMED)
            and booking.slot.starts_at > now,
        },
    )


def _booking_action(request, booking: Booking, action, success: str):
    try:
        action(booking)
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, success)
    return redirect(booking)


@login_required
@require_POST
def booking_confirm(request, pk: int):
    return _booking_action(
        request,
        _booking_for(request, pk),
        lambda b: services.booking_confirm(booking=b, expert_user=request.user),
        _("Confirmed. The learner can see the meeting link in their schedule."),
    )


@login_required
@require_POST
def booking_decline(request, pk: int):
    booking = _booking_for(request, pk)
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _booking_action(
        request,
        booking,
        lambda b: services.booking_decline(
            booking=b, expert_user=request.user, reason=reason
        ),
        _("Declined. The learner is refunded."),
    )


@login_required
@require_POST
def booking_cancel(request, pk: int):
    return _booking_action(
        request,
        _booking_for(request, pk),
        lambda b: services.booking_cancel(booking=b, actor=request.user),
        _("The booking is cancelled and refunded."),
    )


@login_required
@require_POST
def booking_note(request, pk: int):
    booking = _booking_for(request, pk)  # a stranger's form is not read: 404
    form = BookingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what you would like to discuss."))
        return redirect(booking)
    return _booking_action(
        request,
        booking,
        lambda b: services.booking_note_update(
            booking=b, learner=request.user, note=form.cleaned_data["note"]
        ),
        _("Saved."),
    )


@login_required
@require_POST
def booking_rate(request, pk: int):
    booking = _booking_for(request, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose 1 to 5 stars."))
        return redirect(booking)
    return _booking_action(
        request,
        booking,
        lambda b: services.booking_rate(
            booking=b,
            learner=request.user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        ),
        _("Thank you for your rating."),
    )
