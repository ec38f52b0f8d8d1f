"""Columns (专栏) and their posts: written by their creator (staff may help).

Selling a column is commerce's (subscription plans that name the column);
reading a post is decided by learning.access.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from core import events
from core.markdown import LESSON_ARTICLE, render_markdown
from courses.models import Column, ColumnPost
from courses.validators import validate_audio_file

PREVIEW_CHARS = 180


def can_edit_column(user, column: Column | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    return bool(user.is_creator) and (column is None or column.creator_id == user.pk)


def _unique_slug(title: str, *, exclude_pk: int | None) -> str:
    base = (slugify(title, allow_unicode=True) or "column")[:200]
    taken = set(
        Column.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _title(value: str) -> str:
    title = (value or "").strip()
    if not title:
        raise ValidationError({"title": _("Give it a title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("The title is too long.")})
    return title


@transaction.atomic
def column_save(
    *,
    actor,
    column: Column | None = None,
    title: str,
    summary: str = "",
    description: str = "",
    is_published: bool = False,
) -> Column:
    """Open a column or change one."""
    if not can_edit_column(actor, column):
        raise PermissionDenied
    title = _title(title)
    if column is None:
        column = Column(creator=actor)
    if not column.slug or column.title != title:
        column.slug = _unique_slug(title, exclude_pk=column.pk)
    column.title = title
    column.summary = (summary or "").strip()[:300]
    column.description = (description or "").strip()[:20000]
    column.description_html = render_markdown(
        column.description, profile=LESSON_ARTICLE
    )
    column.is_published = bool(is_published)
    column.save()
    return column


def _preview_from(body_html: str) -> str:
    return Truncator(" ".join(strip_tags(body_html).split())).chars(PREVIEW_CHARS)


@transaction.atomic
def column_post_save(
    *,
    actor,
    column: Column,
    post: ColumnPost | None = None,
    title: str,
    kind: str = ColumnPost.Kind.ARTICLE,
    body: str = "",
    preview: str = "",
    is_free: bool = False,
    publish: bool = False,
    audio_file=None,
    duration_seconds: int | None = None,
) -> ColumnPost:
    """Write or change a post; `publish` puts it live (subscribers are told once)."""
    if not can_edit_column(actor, column):
        raise PermissionDenied
    if post is not None and post.column_id != column.pk:
        raise PermissionDenied
    if kind not in ColumnPost.Kind.values:
        raise ValidationError({"kind": _("Choose article or audio.")})
    title = _title(title)
    if audio_file:
        validate_audio_file(audio_file)
    post = post or ColumnPost(column=column)
    post.title = title
    post.kind = kind
    post.body = (body or "").strip()[:100000]
    post.body_html = render_markdown(post.body, profile=LESSON_ARTICLE)
    post.preview = (preview or "").strip()[:1000] or _preview_from(post.body_html)
    post.is_free = bool(is_free)
    if audio_file:
        post.audio_file = audio_file
    if duration_seconds is not None:
        post.duration_seconds = max(0, int(duration_seconds))
    if post.kind == ColumnPost.Kind.AUDIO and not post.audio_file:
        raise ValidationError({"audio_file": _("An audio post needs its audio file.")})
    if post.kind == ColumnPost.Kind.ARTICLE and not post.body:
        raise ValidationError({"body": _("Write the article.")})
    first_publication = publish and post.published_at is None
    post.is_published = bool(publish)
    if first_publication:
        post.published_at = timezone.now()
    post.save()
    if first_publication and column.is_published:
        events.send_on_commit(
            events.column_post_published,
            sender=ColumnPost,
            post_id=post.pk,
            column_id=column.pk,
            creator_id=column.creator_id,
        )
    return post
