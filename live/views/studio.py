"""The creator studio for live: lectures, replays, expert profile, availability."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from .. import experts, selectors, services
from ..forms import (
    WEEKDAYS,
    AvailabilityForm,
    CancelForm,
    ExpertProfileForm,
    LectureForm,
    MoveForm,
    ReplayForm,
    current_zone_name,
)
from ..models import Availability, LiveLecture, Slot, Ticket
from .common import add_errors, creator_required, flash_errors, withdrawal_messages


def _own_lecture(request, pk: int) -> LiveLecture:
    lecture = get_object_or_404(LiveLecture.objects.select_related("category"), pk=pk)
    if not (request.user.is_staff or lecture.creator_id == request.user.pk):
        raise Http404
    return lecture


@creator_required
@require_safe
def studio(request):
    now = timezone.now()
    lectures = list(
        selectors.lecture_queryset()
        .filter(creator=request.user)
        .order_by("-starts_at")[:100]
    )
    seats = selectors.seat_counts([lecture.pk for lecture in lectures])
    for lecture in lectures:
        lecture.seats_taken = seats.get(lecture.pk, 0)
    return render(
        request,
        "live/studio/index.html",
        {
            "upcoming": [x for x in lectures if x.ends_at > now][::-1],
            "past": [x for x in lectures if x.ends_at <= now],
        },
    )


@creator_required
def lecture_create(request):
    form = LectureForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        try:
            lecture = services.lecture_schedule(
                creator=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The lecture is scheduled and on sale."))
            return redirect("live:studio_lecture", pk=lecture.pk)
    return render(request, "live/studio/lecture_form.html", {"form": form})


@creator_required
def lecture_edit(request, pk: int):
    lecture = _own_lecture(request, pk)
    form = LectureForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        instance=lecture,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("cover") is None or data.get("cover") == lecture.cover:
            data.pop("cover", None)
        elif data.get("cover") is False:
            data["cover"] = ""
        try:
            services.lecture_update(lecture=lecture, actor=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("live:studio_lecture", pk=lecture.pk)
    holders = list(
        Ticket.objects.filter(lecture=lecture, status=Ticket.Status.ACTIVE)
        .select_related("user__profile")
        .order_by("activated_at", "pk")[:200]
    )
    return render(
        request,
        "live/studio/lecture_edit.html",
        {
            "lecture": lecture,
            "form": form,
            "move_form": MoveForm(
                initial={
                    "starts_at": timezone.localtime(lecture.starts_at).replace(
                        tzinfo=None
                    ),
                    "time_zone": current_zone_name(),
                    "duration_minutes": lecture.duration_minutes,
                }
            ),
            "cancel_form": CancelForm(),
            "replay_form": ReplayForm(),
            "holders": holders,
            "seats_taken": services.seats_taken(lecture.pk),
        },
    )


def _studio_post(request, lecture: LiveLecture, action, success: str):
    try:
        action(lecture)
    except ValidationError as error:
        flash_errors(request, error)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("live:studio_lecture", pk=lecture.pk)


@creator_required
@require_POST
def lecture_move(request, pk: int):
    lecture = _own_lecture(request, pk)  # a stranger's form is not read: 404
    form = MoveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("live:studio_lecture", pk=lecture.pk)
    return _studio_post(
        request,
        lecture,
        lambda lecture: services.lecture_move(
            lecture=lecture,
            actor=request.user,
            starts_at=form.cleaned_data["starts_at"],
            duration_minutes=form.cleaned_data.get("duration_minutes"),
        ),
        _("The lecture is moved; ticket holders are told."),
    )


@creator_required
@require_POST
def lecture_cancel(request, pk: int):
    lecture = _own_lecture(request, pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _studio_post(
        request,
        lecture,
        lambda lecture: services.lecture_cancel(
            lecture=lecture, actor=request.user, reason=reason
        ),
        _("The lecture is cancelled; every ticket is being refunded."),
    )


@creator_required
@require_POST
def replay_upload(request, pk: int):
    lecture = _own_lecture(request, pk)
    form = ReplayForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a recording to upload."))
        return redirect("live:studio_lecture", pk=lecture.pk)
    return _studio_post(
        request,
        lecture,
        lambda lecture: services.lecture_replay_attach(
            lecture=lecture, actor=request.user, upload=form.cleaned_data["replay_file"]
        ),
        _("The replay is attached. Ticket holders can watch it now."),
    )


@creator_required
@require_POST
def replay_remove(request, pk: int):
    return _studio_post(
        request,
        _own_lecture(request, pk),
        lambda lecture: services.lecture_replay_remove(
            lecture=lecture, actor=request.user
        ),
        _("The replay is removed."),
    )


# --- experts ----------------------------------------------------------------------------


@login_required
def expert_studio(request):
    if not experts.is_certified(request.user):
        return render(request, "live/studio/not_expert.html", status=403)
    profile = selectors.expert_profile_of(request.user)
    initial = {"time_zone": current_zone_name(), "is_listed": True}
    if profile is not None:
        initial = {
            "headline": profile.headline,
            "about": profile.about,
            "topics": list(profile.topics.all()),
            "time_zone": profile.time_zone,
            "meeting_url": profile.meeting_url,
            "is_listed": profile.is_listed,
        }
    profile_form = ExpertProfileForm(
        request.POST if request.POST.get("form") == "profile" else None,
        initial=initial,
    )
    availability_form = AvailabilityForm(
        request.POST if request.POST.get("form") == "availability" else None,
        initial={
            "time_zone": profile.time_zone if profile else current_zone_name(),
            "first_day": timezone.localdate(),
            "weekdays": [0, 1, 2, 3, 4],
        },
    )
    if request.method == "POST" and not (
        profile_form.is_bound or availability_form.is_bound
    ):
        messages.error(request, _("Nothing was sent: fill in a form and save it."))
    if request.method == "POST" and profile_form.is_bound and profile_form.is_valid():
        try:
            services.expert_profile_save(user=request.user, **profile_form.cleaned_data)
        except ValidationError as error:
            add_errors(profile_form, error)
        else:
            messages.success(request, _("Your expert profile is saved."))
            return redirect("live:expert_studio")
    if (
        request.method == "POST"
        and availability_form.is_bound
        and availability_form.is_valid()
    ):
        if profile is None:
            messages.error(request, _("Save your expert profile first."))
        else:
            try:
                availability = services.availability_publish(
                    expert=profile, actor=request.user, **availability_form.cleaned_data
                )
            except ValidationError as error:
                add_errors(availability_form, error)
            else:
                published = availability.slots.count()
                messages.success(
                    request,
                    ngettext(
                        "%(count)s slot is published.",
                        "%(count)s slots are published.",
                        published,
                    )
                    % {"count": published},
                )
                return redirect("live:expert_studio")
    upcoming_slots, availabilities = [], []
    if profile is not None:
        upcoming_slots = selectors.expert_slots_overview(profile)
        availabilities = selectors.expert_availabilities_overview(profile)
        names = dict(WEEKDAYS)
        for availability in availabilities:
            availability.weekday_names = [
                names[day] for day in sorted(availability.weekdays) if day in names
            ]
    return render(
        request,
        "live/studio/expert.html",
        {
            "profile": profile,
            "profile_form": profile_form,
            "availability_form": availability_form,
            "slots": upcoming_slots,
            "availabilities": availabilities,
            "to_confirm": list(
                selectors.expert_bookings(request.user).filter(status="requested")[:50]
            ),
        },
    )


@login_required
@require_POST
def slot_withdraw(request, pk: int):
    slot = get_object_or_404(Slot.objects.select_related("expert"), pk=pk)
    try:
        services.slot_withdraw(slot=slot, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The slot is withdrawn."))
    return redirect("live:expert_studio")


@login_required
@require_POST
def availability_withdraw(request, pk: int):
    availability = get_object_or_404(
        Availability.objects.select_related("expert"), pk=pk
    )
    try:
        result = services.availability_withdraw(
            availability=availability, actor=request.user
        )
    except PermissionDenied:
        raise Http404 from None
    for level, text in withdrawal_messages(result):
        messages.add_message(request, level, text)
    return redirect("live:expert_studio")
