"""Helpers shared by the courses pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def flash_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)
