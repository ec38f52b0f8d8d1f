"""Writes of the courses app: the only place that changes catalogue state.

Every function is keyword-only, runs in one transaction and announces what it
did through `core.events` after commit. Bad input raises
`django.core.exceptions.ValidationError` with a message for the user;
acting on someone else's course raises `PermissionDenied`.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count, Max, Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import events
from core.markdown import COURSE_TEXT, LESSON_ARTICLE, render_markdown
from notifications.services import notification_send

from .models import (
    Category,
    Course,
    CourseStatusChange,
    Lesson,
    LessonAttachment,
    Review,
    Section,
    Wishlist,
)

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
LESSON_FIELDS = (
    "title",
    "kind",
    "is_free_preview",
    "duration_seconds",
    "video_url",
    "body",
)
VIDEO_EXTENSIONS = {".mp4", ".m4v", ".webm", ".mov", ".ogv"}
ATTACHMENT_EXTENSIONS = {
    ".pdf",
    ".zip",
    ".txt",
    ".md",
    ".csv",
    ".docx",
    ".xlsx",
    ".pptx",
    ".png",
    ".jpg",
    ".jpeg",
    ".ipynb",
    ".py",
}


# --- helpers -----------------------------------------------------------------


def _require_owner(course: Course, actor) -> None:
    if actor is None or not (actor.is_staff or course.creator_id == actor.pk):
        raise PermissionDenied(_("Only the course's creator can change it."))


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


def _plain(markdown_html: str) -> str:
    return " ".join(strip_tags(markdown_html).split())


def course_search_document(course: Course) -> str:
    """The lower-cased text that catalogue search matches substrings in."""
    # The creator's public name (never derived from their email address).
    name = course.creator.display_name
    parts = [
        course.title,
        course.subtitle,
        _plain(
            course.description_html
            or render_markdown(course.description, profile=COURSE_TEXT)
        ),
        name,
    ]
    return " ".join(p for p in parts if p).lower()


def course_search_vectors_refresh(*, queryset=None) -> int:
    """Recompute the weighted tsvector (PostgreSQL only) from stored columns.

    One UPDATE whatever the number of rows, so the bench seed can call it once
    for 10,000 courses. On other databases it does nothing and returns 0.
    """
    if connection.vendor != "postgresql":
        return 0
    queryset = Course.objects.all() if queryset is None else queryset
    return queryset.update(
        search_vector=SearchVector("title", weight="A", config="english")
        + SearchVector("subtitle", weight="B", config="english")
        + SearchVector("search_document", weight="D", config="english")
    )


def _save_search(course: Course) -> None:
    course.search_document = course_search_document(course)
    Course.objects.filter(pk=course.pk).update(search_document=course.search_document)
    course_search_vectors_refresh(queryset=Course.objects.filter(pk=course.pk))


def _record_status(course: Course, *, old: str, actor, reason: str = "") -> None:
    CourseStatusChange.objects.create(
        course=course,
        from_status=old,
        to_status=course.status,
        actor=actor if actor is not None and actor.pk else None,
        reason=reason,
    )


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


# --- courses -----------------------------------------------------------------


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


def _require_staff(actor) -> None:
    if actor is None or not actor.is_staff:
        raise PermissionDenied(_("Only staff can moderate courses."))


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


# --- sections and lessons ------------------------------------------------------


@transaction.atomic
def section_create(*, course: Course, actor, title: str) -> Section:
    course = _lock(course)
    _require_editable(course, actor)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("A section needs a title.")})
    last = course.sections.aggregate(m=Max("position"))["m"]
    return Section.objects.create(
        course=course, title=title, position=0 if last is None else last + 1
    )


@transaction.atomic
def section_update(*, section: Section, actor, title: str) -> Section:
    _require_editable(_lock(section.course), actor)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("A section needs a title.")})
    section.title = title
    section.save(update_fields=["title"])
    return section


@transaction.atomic
def section_delete(*, section: Section, actor) -> None:
    _require_editable(_lock(section.course), actor)
    section.delete()


def _renumber(queryset, ordered_ids: list[int]) -> None:
    rows = list(queryset)
    by_id = {row.pk: row for row in rows}
    if sorted(ordered_ids) != sorted(by_id):
        raise ValidationError(_("The new order must list every item exactly once."))
    for position, pk in enumerate(ordered_ids):
        by_id[pk].position = position
    queryset.model.objects.bulk_update(rows, ["position"])


@transaction.atomic
def section_reorder(*, course: Course, actor, ordered_ids: list[int]) -> None:
    course = _lock(course)
    _require_editable(course, actor)
    _renumber(course.sections.select_for_update().order_by("pk"), ordered_ids)


def _move(items: list, item, direction: str) -> list[int]:
    ids = [i.pk for i in items]
    index = ids.index(item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(ids):
        ids[index], ids[target] = ids[target], ids[index]
    return ids


@transaction.atomic
def section_move(*, section: Section, actor, direction: str) -> None:
    """Move a section one place up or down."""
    course = _lock(section.course)
    _require_editable(course, actor)
    sections = list(course.sections.select_for_update().order_by("position", "id"))
    _renumber(
        course.sections.select_for_update().order_by("pk"),
        _move(sections, section, direction),
    )


def validate_video_file(upload: UploadedFile) -> None:
    """Refuse anything that is not a video, or that exceeds VIDEO_MAX_BYTES."""
    ext = os.path.splitext(upload.name or "")[1].lower()
    if upload.size > settings.VIDEO_MAX_BYTES:
        raise ValidationError(
            {
                "video_file": _("The video is too large (limit %(mb)d MB).")
                % {"mb": settings.VIDEO_MAX_BYTES // (1024 * 1024)}
            }
        )
    content_type = (getattr(upload, "content_type", "") or "").lower()
    head = upload.read(16)
    upload.seek(0)
    # MP4/MOV: an "ftyp" box at offset 4. WebM/Matroska: the EBML magic. Ogg: OggS.
    looks_like_video = (
        head[4:8] == b"ftyp" or head[:4] == b"\x1a\x45\xdf\xa3" or head[:4] == b"OggS"
    )
    if (
        ext not in VIDEO_EXTENSIONS
        or not looks_like_video
        or (content_type and not content_type.startswith(("video/", "application/")))
    ):
        raise ValidationError(
            {
                "video_file": _(
                    "This file is not a video. Upload an MP4, WebM or MOV file."
                )
            }
        )


def validate_attachment_file(upload: UploadedFile) -> None:
    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            {
                "file": _("This file type is not allowed. Allowed: %(types)s.")
                % {"types": ", ".join(sorted(ATTACHMENT_EXTENSIONS))}
            }
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is too large (limit %(mb)d MB).")
                % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            }
        )


def _clean_lesson(lesson: Lesson) -> None:
    if lesson.kind == Lesson.Kind.VIDEO and not (lesson.video_file or lesson.video_url):
        raise ValidationError(
            {"video_url": _("A video lesson needs an uploaded video or a video URL.")}
        )
    if lesson.kind == Lesson.Kind.ARTICLE and not lesson.body.strip():
        raise ValidationError({"body": _("An article lesson needs some text.")})
    if lesson.video_url and not lesson.video_url.lower().startswith(
        ("https://", "http://")
    ):
        raise ValidationError({"video_url": _("Enter an http(s) URL.")})


@transaction.atomic
def lesson_create(
    *,
    section: Section,
    actor,
    title: str,
    kind: str,
    is_free_preview: bool = False,
    duration_seconds: int = 0,
    video_url: str = "",
    body: str = "",
    video_file: UploadedFile | None = None,
) -> Lesson:
    course = _lock(section.course)
    _require_editable(course, actor)
    if video_file:
        validate_video_file(video_file)
    last = section.lessons.aggregate(m=Max("position"))["m"]
    lesson = Lesson(
        section=section,
        title=(title or "").strip(),
        kind=kind,
        is_free_preview=is_free_preview,
        duration_seconds=duration_seconds or 0,
        video_url=video_url or "",
        body=body or "",
        body_html=render_markdown(body or "", profile=LESSON_ARTICLE),
        position=0 if last is None else last + 1,
    )
    if video_file:
        lesson.video_file = video_file
    if not lesson.title:
        raise ValidationError({"title": _("A lesson needs a title.")})
    _clean_lesson(lesson)
    lesson.full_clean(exclude=["video_file"])
    lesson.save()
    return lesson


@transaction.atomic
def lesson_update(
    *, lesson: Lesson, actor, video_file: UploadedFile | None = None, **fields
) -> Lesson:
    unknown = set(fields) - set(LESSON_FIELDS)
    if unknown:
        raise TypeError(f"lesson_update got unknown fields: {sorted(unknown)}")
    course = _lock(lesson.section.course)
    _require_editable(course, actor)
    if video_file:
        validate_video_file(video_file)
        lesson.video_file = video_file
    for name, value in fields.items():
        setattr(lesson, name, value)
    lesson.title = (lesson.title or "").strip()
    if not lesson.title:
        raise ValidationError({"title": _("A lesson needs a title.")})
    lesson.body_html = render_markdown(lesson.body, profile=LESSON_ARTICLE)
    _clean_lesson(lesson)
    lesson.full_clean(exclude=["video_file"])
    lesson.save()
    return lesson


@transaction.atomic
def lesson_delete(*, lesson: Lesson, actor) -> None:
    _require_editable(_lock(lesson.section.course), actor)
    lesson.delete()


@transaction.atomic
def lesson_reorder(*, section: Section, actor, ordered_ids: list[int]) -> None:
    _require_editable(_lock(section.course), actor)
    _renumber(section.lessons.select_for_update().order_by("pk"), ordered_ids)


@transaction.atomic
def lesson_move(*, lesson: Lesson, actor, direction: str) -> None:
    """Move a lesson one place up or down inside its section."""
    section = lesson.section
    _require_editable(_lock(section.course), actor)
    lessons = list(section.lessons.order_by("position", "id"))
    _renumber(
        section.lessons.select_for_update().order_by("pk"),
        _move(lessons, lesson, direction),
    )


@transaction.atomic
def attachment_create(
    *, lesson: Lesson, actor, title: str, file: UploadedFile
) -> LessonAttachment:
    _require_editable(_lock(lesson.section.course), actor)
    validate_attachment_file(file)
    return LessonAttachment.objects.create(
        lesson=lesson,
        title=(title or "").strip() or os.path.basename(file.name),
        file=file,
        size_bytes=file.size,
    )


@transaction.atomic
def attachment_delete(*, attachment: LessonAttachment, actor) -> None:
    _require_editable(_lock(attachment.lesson.section.course), actor)
    attachment.file.delete(save=False)
    attachment.delete()


# --- reviews, wishlist, counters ----------------------------------------------


def course_counters_refresh(*, course_id: int) -> None:
    """Recompute the denormalised learner and rating counters from the rows."""
    visible = Review.objects.filter(course_id=course_id, is_hidden=False).aggregate(
        n=Count("id"), avg=Avg("rating")
    )
    learners = Course.objects.get(pk=course_id).enrollments.filter(is_active=True)
    Course.objects.filter(pk=course_id).update(
        rating_count=visible["n"] or 0,
        rating_average=Decimal(str(visible["avg"] or 0)).quantize(Decimal("0.01")),
        learner_count=learners.count(),
    )


def is_enrolled(*, user, course: Course) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return course.enrollments.filter(user=user, is_active=True).exists()


@transaction.atomic
def review_create(*, course: Course, user, rating: int, text: str = "") -> Review:
    """One review per enrolled learner and course."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise ValidationError({"rating": _("Choose 1 to 5 stars.")}) from None
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose 1 to 5 stars.")})
    if not is_enrolled(user=user, course=course):
        raise ValidationError(_("Only learners enrolled in this course can review it."))
    text = (text or "").strip()
    if len(text) > 5000:
        raise ValidationError({"text": _("The review is too long.")})
    try:
        with transaction.atomic():
            review = Review.objects.create(
                course=course, user=user, rating=rating, text=text
            )
    except IntegrityError:
        raise ValidationError(_("You have already reviewed this course.")) from None
    Course.objects.select_for_update().filter(pk=course.pk).first()
    course_counters_refresh(course_id=course.pk)
    events.send_on_commit(
        events.review_created,
        sender=Review,
        review_id=review.pk,
        course_id=course.pk,
        user_id=user.pk,
        rating=rating,
    )
    return review


@transaction.atomic
def review_reply(*, review: Review, actor, text: str) -> Review:
    """The course's creator answers a review, once."""
    review = (
        Review.objects.select_for_update().select_related("course").get(pk=review.pk)
    )
    if actor is None or review.course.creator_id != actor.pk:
        raise PermissionDenied(_("Only the course's creator can reply."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a reply.")})
    if review.replied_at is not None:
        raise ValidationError(_("You have already replied to this review."))
    review.reply = text[:5000]
    review.replied_at = timezone.now()
    review.save(update_fields=["reply", "replied_at", "updated_at"])
    return review


@transaction.atomic
def review_hide(*, review: Review, actor, hidden: bool = True) -> Review:
    """Staff hide (or show again) a review; the counters follow."""
    _require_staff(actor)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.is_hidden == hidden:
        return review
    review.is_hidden = hidden
    review.save(update_fields=["is_hidden", "updated_at"])
    course_counters_refresh(course_id=review.course_id)
    if hidden:
        events.send_on_commit(
            events.review_removed,
            sender=Review,
            review_id=review.pk,
            course_id=review.course_id,
            user_id=review.user_id,
        )
    return review


@transaction.atomic
def wishlist_toggle(*, user, course: Course) -> bool:
    """Add the course to the user's wishlist or take it off; True when added."""
    deleted, _unused = Wishlist.objects.filter(user=user, course=course).delete()
    if deleted:
        events.send_on_commit(
            events.course_unwishlisted,
            sender=Wishlist,
            course_id=course.pk,
            user_id=user.pk,
        )
        return False
    try:
        with transaction.atomic():
            Wishlist.objects.create(user=user, course=course)
    except IntegrityError:  # a concurrent double click added it already
        return True
    events.send_on_commit(
        events.course_wishlisted, sender=Wishlist, course_id=course.pk, user_id=user.pk
    )
    return True


def search_record(*, query: str, results: int, user) -> None:
    """Announce a catalogue search and how many courses matched (analytics)."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    events.send_on_commit(
        events.search_performed,
        sender=Course,
        query=query[:200],
        results=results,
        scope="courses",
        user_id=user_id,
    )


def course_view_record(*, course_id: int, user) -> None:
    """Announce a course page view (analytics, recommendations).

    Takes the id: a page served from the cache records its view too.
    """
    user_id = user.pk if user is not None and user.is_authenticated else None
    events.send_on_commit(
        events.course_viewed, sender=Course, course_id=course_id, user_id=user_id
    )


def published_filter() -> Q:
    return Q(status=Course.Status.PUBLISHED)
