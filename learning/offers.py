"""What learning sells through commerce: single courses and bundles (learning
paths), and the membership access provider.

Written by the commerce engineer against `commerce.registry`; the rest of
`learning/` belongs to the learning app. Fulfilment enrols through
`learning.services` only.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.db.models import Q
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy

from commerce import registry
from commerce.selectors import (
    live_items_covering,
    membership_changes_at,
    membership_course_filters,
    membership_covers,
)
from courses.models import Course

from .access import register_access_provider
from .models import Enrollment, LearningPath, LearningPathCourse
from .services import enrollment_create, enrollment_revoke

SELLABLE = (Course.Status.PUBLISHED,)


def _covered_elsewhere(*, user, course_id: int, order_item) -> bool:
    """Whether another live purchase of `user` still gives `course_id`."""
    return any(
        item.pk != order_item.pk
        for item in live_items_covering(user_id=user.pk, course_id=course_id)
    )


# --- single course ------------------------------------------------------------


def _course_url(course: Course) -> str:
    try:
        return course.get_absolute_url()
    except NoReverseMatch:  # the course pages have not landed
        return ""


def resolve_course(offer_id: int) -> registry.Offer | None:
    course = Course.objects.filter(pk=offer_id).first()
    if course is None:
        return None
    return registry.Offer(
        offer_type="course",
        offer_id=course.pk,
        title=course.title,
        price=course.price,
        creator_id=course.creator_id,
        category_id=course.category_id,
        course_ids=(course.pk,),
        revenue_lines=(
            registry.RevenueLine(
                course.creator_id, Decimal(1), course.title, course.pk
            ),
        ),
        url=_course_url(course),
        is_available=course.status in SELLABLE,
    )


def fulfil_course(*, user, offer_id: int, order_item) -> None:
    course = Course.objects.get(pk=offer_id)
    enrollment_create(user=user, course=course, source=Enrollment.Source.PURCHASE)


def revoke_course(*, user, offer_id: int, order_item) -> None:
    if _covered_elsewhere(user=user, course_id=offer_id, order_item=order_item):
        return
    course = Course.objects.get(pk=offer_id)
    enrollment_revoke(user=user, course=course, reason="refund")


def course_owned(*, user, offer_id: int) -> bool:
    if Course.objects.filter(pk=offer_id, creator_id=user.pk).exists():
        return True
    return Enrollment.objects.filter(
        user=user, course_id=offer_id, is_active=True
    ).exists()


def course_progress(*, user, offer_id: int) -> int | None:
    return (
        Enrollment.objects.filter(user=user, course_id=offer_id)
        .values_list("progress_percent", flat=True)
        .first()
    )


# --- bundle (learning path) -----------------------------------------------------


def _path_courses(path_id: int) -> list[Course]:
    return [
        item.course
        for item in LearningPathCourse.objects.filter(path_id=path_id)
        .select_related("course")
        .order_by("position", "id")
    ]


def resolve_bundle(offer_id: int) -> registry.Offer | None:
    path = LearningPath.objects.filter(pk=offer_id).first()
    if path is None:
        return None
    courses = _path_courses(path.pk)
    # The bundle's revenue is split among the course creators pro rata to the
    # courses' list prices.
    lines = tuple(
        registry.RevenueLine(c.creator_id, c.price, c.title, c.pk) for c in courses
    )
    return registry.Offer(
        offer_type="bundle",
        offer_id=path.pk,
        title=path.title,
        price=path.price,
        creator_id=path.creator_id,
        category_id=courses[0].category_id if courses else None,
        course_ids=tuple(c.pk for c in courses),
        revenue_lines=lines,
        is_available=bool(
            path.is_published and courses and all(c.status in SELLABLE for c in courses)
        ),
    )


def bundle_for_buyer(*, user, offer: registry.Offer) -> registry.Offer:
    """The bundle less the courses the buyer owns (see selectors.path_quote).

    With the owned-course credit on, the revenue goes to the creators of the
    courses the buyer gets now; the owned ones were paid for already.
    """
    from .selectors import owned_course_ids, path_quote

    path = LearningPath.objects.get(pk=offer.offer_id)
    courses = _path_courses(path.pk)
    owned = owned_course_ids(user=user, course_ids=[c.pk for c in courses])
    quote = path_quote(path=path, courses=courses, owned_ids=owned)
    if quote.price == offer.price:
        return offer
    lines = tuple(
        line for line in offer.revenue_lines if line.course_id not in quote.owned_ids
    )
    if not lines or sum(line.weight for line in lines) <= 0:
        lines = offer.revenue_lines
    return dataclasses.replace(offer, price=quote.price, revenue_lines=lines)


def fulfil_bundle(*, user, offer_id: int, order_item) -> None:
    for course in _path_courses(offer_id):
        enrollment_create(user=user, course=course, source=Enrollment.Source.PURCHASE)


def revoke_bundle(*, user, offer_id: int, order_item) -> None:
    for course in _path_courses(offer_id):
        if _covered_elsewhere(user=user, course_id=course.pk, order_item=order_item):
            continue
        enrollment_revoke(user=user, course=course, reason="refund")


def bundle_owned(*, user, offer_id: int) -> bool:
    course_ids = {c.pk for c in _path_courses(offer_id)}
    if not course_ids:
        return False
    owned = set(
        Enrollment.objects.filter(
            user=user, course_id__in=course_ids, is_active=True
        ).values_list("course_id", flat=True)
    )
    return owned >= course_ids


def bundle_progress(*, user, offer_id: int) -> int | None:
    course_ids = [c.pk for c in _path_courses(offer_id)]
    values = Enrollment.objects.filter(user=user, course_id__in=course_ids).values_list(
        "progress_percent", flat=True
    )
    return max(values, default=None)


registry.register_offer_type(
    "course",
    resolve=resolve_course,
    fulfil=fulfil_course,
    revoke=revoke_course,
    is_owned=course_owned,
    progress=course_progress,
    label=gettext_lazy("Course"),
    bought_at=("learning:my_learning", gettext_lazy("Go to my learning")),
)
registry.register_offer_type(
    "bundle",
    resolve=resolve_bundle,
    fulfil=fulfil_bundle,
    revoke=revoke_bundle,
    is_owned=bundle_owned,
    progress=bundle_progress,
    label=gettext_lazy("Learning path"),
    bought_at=("learning:my_learning", gettext_lazy("Go to my learning")),
    for_buyer=bundle_for_buyer,
)


# --- memberships --------------------------------------------------------------------


def membership_courses(user) -> list[Q]:
    """The courses an active membership opens to `user` (the list form)."""
    return membership_course_filters(user_id=user.pk)


def membership_changes(user):
    """When a membership period of `user` ends or starts (lists kept per viewer)."""
    return membership_changes_at(user_id=user.pk)


@register_access_provider(courses=membership_courses, changes_at=membership_changes)
def membership_access(user, course: Course) -> bool:
    """An active membership period covers the course (site-wide or the creator's)."""
    return membership_covers(user_id=user.pk, creator_id=course.creator_id)
