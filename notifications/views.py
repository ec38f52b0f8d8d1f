"""Pages of notifications: the list, the bell fragment, mark read, settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .forms import MarkReadForm, PreferencesForm

PAGE_SIZE = 20


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    only_unread = bool(request.GET.get("unread"))
    items = selectors.notification_list(user=request.user, unread_only=only_unread)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page, "only_unread": only_unread},
    )


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """htmx fragment for the navbar: a bell with the unread count."""
    if not request.user.is_authenticated:
        return HttpResponse("")
    return render(
        request,
        "notifications/partials/bell.html",
        {"unread": selectors.unread_count(request.user)},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect("notifications:list")
    count = services.notifications_mark_read(
        user=request.user, ids=form.cleaned_data["ids"]
    )
    target = form.cleaned_data.get("go")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("No unread notifications."))
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    matrix = selectors.preference_matrix(user=request.user)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, matrix=matrix
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_update(user=request.user, choices=form.choices())
        messages.success(request, _("Saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})
