"""Learning paths (bundles of courses in order): built in the studio by creators
from their own courses, by staff from anyone's."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.money import money
from courses.models import Course

from ..models import LearningPath, LearningPathCourse

MAX_COURSES = 30


def can_manage_path(user, path: LearningPath | None) -> bool:
    """Creators manage their own paths, staff every path."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    if not user.is_creator:
        return False
    return path is None or path.creator_id == user.pk


def _unique_slug(title: str, *, exclude_pk: int | None) -> str:
    base = (slugify(title, allow_unicode=True) or "path")[:200]
    taken = set(
        LearningPath.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _clean_price(value) -> Decimal:
    try:
        price = Decimal(str(value).strip() or "0")
    except (InvalidOperation, ValueError):
        raise ValidationError({"price": _("Enter a price such as 99.00.")}) from None
    if not price.is_finite() or price < 0:
        raise ValidationError({"price": _("The price cannot be negative.")})
    if price >= Decimal("100000000"):
        raise ValidationError({"price": _("The price is too high.")})
    return money(price)


def _clean_courses(*, actor, creator_id: int, course_ids: list[int]) -> list[Course]:
    ids: list[int] = []
    for raw in course_ids:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            continue
        if value not in ids:
            ids.append(value)
    if len(ids) < 2:
        raise ValidationError({"courses": _("A path needs at least two courses.")})
    if len(ids) > MAX_COURSES:
        raise ValidationError(
            {"courses": _("A path holds at most %(n)d courses.") % {"n": MAX_COURSES}}
        )
    found = {c.pk: c for c in Course.objects.filter(pk__in=ids)}
    if len(found) != len(ids):
        raise ValidationError({"courses": _("One of the courses does not exist.")})
    if not actor.is_staff and any(c.creator_id != creator_id for c in found.values()):
        # Cross-creator bundles share another creator's revenue: staff only.
        raise ValidationError(
            {"courses": _("You can only put your own courses in a path.")}
        )
    return [found[i] for i in ids]


@transaction.atomic
def path_save(
    *,
    actor,
    path: LearningPath | None = None,
    title: str,
    description: str = "",
    price,
    course_ids: list,
    is_published: bool = False,
) -> LearningPath:
    """Create or update a path with its courses in the given order."""
    if not can_manage_path(actor, path):
        raise ValidationError(_("You cannot edit this learning path."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the path a title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("The title is too long.")})
    clean_price = _clean_price(price)
    creator_id = path.creator_id if path is not None else actor.pk
    courses = _clean_courses(actor=actor, creator_id=creator_id, course_ids=course_ids)
    if is_published and any(c.status != Course.Status.PUBLISHED for c in courses):
        raise ValidationError(
            {"courses": _("Publish every course of the path before the path.")}
        )
    if path is None:
        path = LearningPath(creator=actor)
    else:
        path = LearningPath.objects.select_for_update().get(pk=path.pk)
    if not path.slug or path.title != title:
        path.slug = _unique_slug(title, exclude_pk=path.pk)
    path.title = title
    path.description = (description or "").strip()[:5000]
    path.price = clean_price
    path.is_published = bool(is_published)
    path.save()
    LearningPathCourse.objects.filter(path=path).delete()
    LearningPathCourse.objects.bulk_create(
        LearningPathCourse(path=path, course=course, position=index)
        for index, course in enumerate(courses, start=1)
    )
    return path
