"""My schedule (learners and experts), its calendar file, the time zone picker."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.middleware import COOKIE

from .. import calendar, selectors
from ..forms import TimezoneForm, current_zone_name


@login_required
@require_GET
def my_schedule(request):
    entries = selectors.my_schedule(request.user)
    return render(
        request,
        "live/my_schedule.html",
        {
            "entries": entries,
            "expert_profile": selectors.expert_profile_of(request.user),
            "timezone_form": TimezoneForm(initial={"time_zone": current_zone_name()}),
        },
    )


@login_required
@require_GET
def my_schedule_ics(request):
    body = calendar.schedule_ics(
        request, selectors.my_schedule(request.user, limit=200)
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-schedule.ics"'
    return response


@require_POST
def set_timezone(request):
    form = TimezoneForm(request.POST)
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if form.is_valid():
        response.set_cookie(
            COOKIE,
            form.cleaned_data["time_zone"],
            max_age=365 * 24 * 3600,
            samesite="Lax",
        )
        messages.success(
            request,
            _("Times are now shown in %(zone)s.")
            % {"zone": form.cleaned_data["time_zone"]},
        )
    else:
        for error in form.errors.get("time_zone", []):
            messages.error(request, error)
    return response
