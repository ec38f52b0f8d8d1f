"""Checks every courses service shares: who may change a course, and its lock."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from courses.models import (
    Course,
)


def _require_owner(course: Course, actor) -> None:
    if actor is None or not (actor.is_staff or course.creator_id == actor.pk):
        raise PermissionDenied(_("Only the course's creator can change it."))


def _require_staff(actor) -> None:
    if actor is None or not actor.is_staff:
        raise PermissionDenied(_("Only staff can moderate courses."))


def _require_editable(course: Course, actor) -> None:
    """Creators change content, but not while staff are reviewing it."""
    _require_owner(course, actor)
    if not course.is_editable and not actor.is_staff:
        raise ValidationError(
            _("A course in review cannot be changed until staff have decided.")
        )


def _lock(course: Course) -> Course:
    return (
        Course.objects.select_for_update().select_related("creator").get(pk=course.pk)
    )
