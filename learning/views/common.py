"""Helpers shared by the learning pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse

from courses.models import Course


def course_page_url(course: Course) -> str:
    try:
        return reverse("courses:detail", kwargs={"slug": course.slug})
    except NoReverseMatch:
        return reverse("learning:course_home", kwargs={"slug": course.slug})


def course_buy_url(course: Course) -> str | None:
    try:
        return reverse(
            "commerce:buy", kwargs={"offer_type": "course", "offer_id": course.pk}
        )
    except NoReverseMatch:
        return None


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)
