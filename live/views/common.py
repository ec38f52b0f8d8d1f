"""Helpers shared by live's views."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import ngettext


def flash_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def creator_required(view):
    """Signed-in creators (or staff); others get a page that says why."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_creator:
            return render(request, "live/studio/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def withdrawal_messages(result) -> list[tuple[int, str]]:
    """What withdrawing an availability did (the studio and the admin say it)."""
    said = [
        (
            messages.SUCCESS,
            ngettext(
                "%(count)s slot is withdrawn.",
                "%(count)s slots are withdrawn.",
                result.withdrawn,
            )
            % {"count": result.withdrawn},
        )
    ]
    if result.booked:
        said.append(
            (
                messages.WARNING,
                ngettext(
                    "%(count)s booked slot stays: cancel its booking (the learner "
                    "is refunded) to free it.",
                    "%(count)s booked slots stay: cancel their bookings (the "
                    "learners are refunded) to free them.",
                    result.booked,
                )
                % {"count": result.booked},
            )
        )
    return said
