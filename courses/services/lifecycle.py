"""The life of a course: created, edited, submitted for review, approved or
rejected by staff, archived, featured. Each change of status is recorded."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import events
from core.markdown import COURSE_TEXT, render_markdown
from courses.models import (
    Category,
    Course,
    CourseStatusChange,
    Lesson,
)
from notifications.services import notification_send

from ._common import _lock, _require_owner, _require_staff
from .search import _save_search

COURSE_FIELDS = (
    "title",
    "slug",
    "subtitle",
    "description",
    "category",
    "level",
    "language",
    "price",
    "cover",
)


def _clean_price(price) -> Decimal:
    try:
        value = Decimal(str(price))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"price": _("Enter a valid price.")}) from None
    if not value.is_finite():
        raise ValidationError({"price": _("Enter a valid price.")})
    if value < 0:
        raise ValidationError(
            {"price": _("The price cannot be negative (0 means free).")}
        )
    if value >= Decimal("100000000"):
        raise ValidationError({"price": _("The price is too high.")})
    return value.quantize(Decimal("0.01"))


def _unique_slug(base: str, *, exclude_pk: int | None = None) -> str:
    base = (slugify(base, allow_unicode=True) or "course")[:200]
    taken = set(
        Course.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _record_status(course: Course, *, old: str, actor, reason: str = "") -> None:
    CourseStatusChange.objects.create(
        course=course,
        from_status=old,
        to_status=course.status,
        actor=actor if actor is not None and actor.pk else None,
        reason=reason,
    )


@transaction.atomic
def course_create(
    *,
    creator,
    title: str,
    category: Category,
    slug: str = "",
    subtitle: str = "",
    description: str = "",
    level: str = Course.Level.BEGINNER,
    language: str = Course.Language.ZH,
    price: Decimal | str | int = Decimal("0.00"),
    cover: UploadedFile | None = None,
) -> Course:
    """Create a draft course for `creator`.

    An explicit slug that is taken is an error; a slug derived from the title
    gets a numeric suffix instead.
    """
    if not getattr(creator, "is_creator", False):
        raise PermissionDenied(_("Only creators can create courses."))
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("A course needs a title.")})
    price = _clean_price(price)
    slug = (slug or "").strip()
    if slug:
        slug = slugify(slug, allow_unicode=True)
        if not slug:
            raise ValidationError({"slug": _("Enter a valid slug.")})
        if Course.objects.filter(slug=slug).exists():
            raise ValidationError(
                {"slug": _("This address is already used by another course.")}
            )
    else:
        slug = _unique_slug(title)
    course = Course(
        creator=creator,
        category=category,
        title=title,
        slug=slug,
        subtitle=subtitle.strip(),
        description=description,
        description_html=render_markdown(description, profile=COURSE_TEXT),
        level=level,
        language=language,
        price=price,
        status=Course.Status.DRAFT,
    )
    if cover:
        course.cover = cover
    course.full_clean(exclude=["cover"])
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError:
        raise ValidationError(
            {"slug": _("This address is already used by another course.")}
        ) from None
    _save_search(course)
    return course


@transaction.atomic
def course_update(*, course: Course, actor, **fields) -> Course:
    """Change a course's editable fields (see COURSE_FIELDS)."""
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"course_update got unknown fields: {sorted(unknown)}")
    course = _lock(course)
    _require_owner(course, actor)
    if not course.is_editable and not actor.is_staff:
        raise ValidationError(
            _("A course in review cannot be changed until staff have decided.")
        )
    if "price" in fields:
        fields["price"] = _clean_price(fields["price"])
    if "slug" in fields:
        new_slug = slugify(fields["slug"] or "", allow_unicode=True)
        if not new_slug:
            raise ValidationError({"slug": _("Enter a valid slug.")})
        if Course.objects.filter(slug=new_slug).exclude(pk=course.pk).exists():
            raise ValidationError(
                {"slug": _("This address is already used by another course.")}
            )
        fields["slug"] = new_slug
    if "title" in fields and not (fields["title"] or "").strip():
        raise ValidationError({"title": _("A course needs a title.")})
    cover = fields.pop("cover", None)
    for name, value in fields.items():
        setattr(course, name, value)
    if cover is not None:
        course.cover = cover or ""
    course.description_html = render_markdown(course.description, profile=COURSE_TEXT)
    course.full_clean(exclude=["cover"])
    course.save()
    _save_search(course)
    return course


def _has_content(course: Course) -> bool:
    return Lesson.objects.filter(section__course=course).exists()


@transaction.atomic
def course_submit_for_review(*, course: Course, actor) -> Course:
    """Draft or rejected → in review. A course needs at least one lesson."""
    course = _lock(course)
    _require_owner(course, actor)
    if course.status not in (Course.Status.DRAFT, Course.Status.REJECTED):
        raise ValidationError(
            _("Only a draft or a rejected course can be submitted for review.")
        )
    if not _has_content(course):
        raise ValidationError(
            _("Add at least one section with a lesson before submitting.")
        )
    old = course.status
    course.status = Course.Status.IN_REVIEW
    course.submitted_at = timezone.now()
    course.save(update_fields=["status", "submitted_at", "updated_at"])
    _record_status(course, old=old, actor=actor)
    return course


@transaction.atomic
def course_approve(*, course: Course, actor) -> Course:
    """In review → published (staff). The first publication sets published_at."""
    _require_staff(actor)
    course = _lock(course)
    if course.status != Course.Status.IN_REVIEW:
        raise ValidationError(_("Only a course in review can be approved."))
    old = course.status
    now = timezone.now()
    course.status = Course.Status.PUBLISHED
    course.published_at = course.published_at or now
    course.rejection_reason = ""
    course.reviewed_by = actor
    course.reviewed_at = now
    course.save(
        update_fields=[
            "status",
            "published_at",
            "rejection_reason",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    _record_status(course, old=old, actor=actor)
    notification_send(
        recipient=course.creator,
        kind="course_approved",
        target=course,
        params={"course": course.title},
        actor=actor,
    )
    events.send_on_commit(
        events.course_published,
        sender=Course,
        course_id=course.pk,
        creator_id=course.creator_id,
    )
    return course


@transaction.atomic
def course_reject(*, course: Course, actor, reason: str) -> Course:
    """In review → rejected with a reason (staff); the creator is told (and emailed)."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the creator a reason.")})
    course = _lock(course)
    if course.status != Course.Status.IN_REVIEW:
        raise ValidationError(_("Only a course in review can be rejected."))
    old = course.status
    course.status = Course.Status.REJECTED
    course.rejection_reason = reason
    course.reviewed_by = actor
    course.reviewed_at = timezone.now()
    course.save(
        update_fields=[
            "status",
            "rejection_reason",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    _record_status(course, old=old, actor=actor, reason=reason)
    course_id, creator_id = course.pk, course.creator_id
    notification_send(
        recipient=course.creator,
        kind="course_rejected",
        target=course,
        params={"course": course.title, "reason": reason},
        actor=actor,
    )
    events.send_on_commit(
        events.course_rejected,
        sender=Course,
        course_id=course_id,
        creator_id=creator_id,
        reason=reason,
    )
    return course


@transaction.atomic
def course_archive(*, course: Course, actor) -> Course:
    """Published → archived: off the catalogue, enrolled learners keep access."""
    course = _lock(course)
    _require_owner(course, actor)
    if course.status != Course.Status.PUBLISHED:
        raise ValidationError(_("Only a published course can be archived."))
    old = course.status
    course.status = Course.Status.ARCHIVED
    course.save(update_fields=["status", "updated_at"])
    _record_status(course, old=old, actor=actor)
    return course


@transaction.atomic
def course_feature(*, course: Course, actor, featured: bool) -> Course:
    _require_staff(actor)
    Course.objects.filter(pk=course.pk).update(is_featured=featured)
    course.is_featured = featured
    return course
