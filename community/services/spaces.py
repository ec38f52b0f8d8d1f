"""Spaces: one per top category and one per course, and who may see them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import selectors
from ..models import (
    Space,
)
from ._common import (
    _schedule_index_rebuild,
)


@transaction.atomic
def space_ensure_for_category(*, category) -> Space:
    """The site-wide space of a top category (created once)."""
    space, _created = Space.objects.get_or_create(
        category=category,
        defaults={
            "kind": Space.Kind.CATEGORY,
            "slug": f"topic-{category.slug}"[:240],
            "name_zh": category.name_zh,
            "name_en": category.name_en,
            "position": category.position,
        },
    )
    return space


def _course_space_defaults(course, visibility: str | None = None) -> dict:
    if visibility is None:
        visibility = (
            Space.Visibility.PUBLIC if course.is_free else Space.Visibility.ENROLLED
        )
    return {
        "kind": Space.Kind.COURSE,
        "slug": f"course-{course.pk}",
        "name_zh": course.title[:200],
        "name_en": course.title[:200],
        "visibility": visibility,
    }


@transaction.atomic
def space_ensure_for_course(*, course, visibility: str | None = None) -> Space:
    """The space of a course (created once, when it is published).

    Free courses start public, paid ones visible to enrolled learners only;
    the creator may change this later (``space_set_visibility``).
    """
    space, _created = Space.objects.get_or_create(
        course=course, defaults=_course_space_defaults(course, visibility)
    )
    return space


@transaction.atomic
def spaces_ensure_for_courses(*, courses) -> list[Space]:
    """`space_ensure_for_course` for many courses in a few statements (bulk
    loads such as the demo data); the spaces in the order of `courses`."""
    courses = list(courses)
    have = set(
        Space.objects.filter(course__in=courses).values_list("course_id", flat=True)
    )
    Space.objects.bulk_create(
        [
            Space(course=course, **_course_space_defaults(course))
            for course in courses
            if course.pk not in have
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    by_course = {
        space.course_id: space for space in Space.objects.filter(course__in=courses)
    }
    return [by_course[course.pk] for course in courses]


@transaction.atomic
def space_set_visibility(*, space: Space, user, visibility: str) -> Space:
    if visibility not in Space.Visibility.values:
        raise ValidationError(_("Unknown visibility."))
    if space.kind != Space.Kind.COURSE:
        raise ValidationError(_("Only course spaces can be made private."))
    if not selectors.can_manage_space(user, space):
        raise PermissionDenied(_("Only the course creator may change this."))
    space.visibility = visibility
    space.save(update_fields=["visibility"])
    _schedule_index_rebuild()
    return space


def course_published_handle(*, course_id: int) -> Space | None:
    from courses.selectors import course_get

    course = course_get(course_id=course_id)
    if course is None:
        return None
    top = course.category.parent or course.category
    space_ensure_for_category(category=top)
    return space_ensure_for_course(course=course)
