"""The curriculum of a course: sections, lessons and their attachments,
created, edited, reordered and deleted by the course's creator."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.markdown import LESSON_ARTICLE, render_markdown
from core.uploads import safe_upload_name
from courses.models import (
    Course,
    Lesson,
    LessonAttachment,
    Section,
)
from courses.validators import validate_attachment_file, validate_lesson_media

from ._common import _lock, _require_editable

LESSON_FIELDS = (
    "title",
    "kind",
    "is_free_preview",
    "duration_seconds",
    "video_url",
    "body",
)


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


def _clean_lesson(lesson: Lesson) -> None:
    if lesson.kind == Lesson.Kind.AUDIO and not lesson.video_file:
        raise ValidationError(
            {"video_file": _("An audio lesson needs an uploaded audio file.")}
        )
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
        validate_lesson_media(video_file, kind=kind)
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
        validate_lesson_media(video_file, kind=fields.get("kind", lesson.kind))
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
        title=(title or "").strip()[:200] or safe_upload_name(file.name),
        file=file,
        size_bytes=file.size,
    )


@transaction.atomic
def attachment_delete(*, attachment: LessonAttachment, actor) -> None:
    _require_editable(_lock(attachment.lesson.section.course), actor)
    attachment.file.delete(save=False)
    attachment.delete()
