"""Posting: threads, replies, answers and comments; editing and deleting them.

Posting rules (limits, holds for review, tags) are checked here; a post that
goes live is announced after commit (events, notification fan-out, the
similar-question index).
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import events
from core.markdown import COMMUNITY_POST, render_markdown

from .. import selectors
from ..mentions import mention_links
from ..models import (
    Follow,
    ModerationAction,
    Post,
    PostRevision,
    Space,
    Tag,
    Thread,
    Visibility,
)
from ._common import (
    LINK_RE,
    MAX_BODY_CHARS,
    MAX_TAGS,
    MAX_TITLE_CHARS,
    User,
    _adjust_tag_counts,
    _schedule_fanout,
    _schedule_index_rebuild,
    _setting,
)
from .reactions import _unaccept


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write something before posting."), code="empty")
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError(
            _("Posts are limited to %(max)d characters (this one has %(count)d).")
            % {"max": MAX_BODY_CHARS, "count": len(body)},
            code="too_long",
        )
    return body


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) < 4:
        raise ValidationError(_("Give the thread a title of at least 4 characters."))
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationError(
            _("Titles are limited to %(max)d characters.") % {"max": MAX_TITLE_CHARS}
        )
    return title


def _ensure_may_post(author) -> None:
    if not author.is_authenticated or not author.is_active:
        raise PermissionDenied(_("Log in to post."))
    suspension = selectors.active_suspension(author)
    if suspension is not None:
        raise PermissionDenied(
            _("Your account is suspended from posting until %(until)s.")
            % {"until": timezone.localtime(suspension.until).strftime("%Y-%m-%d %H:%M")}
        )
    if author.is_staff:
        return
    # Serialise one author's posts (two tabs, a script) so that the counts
    # below cannot be read by two requests at once: lock the user's row.
    User.objects.select_for_update().filter(pk=author.pk).first()
    now = timezone.now()
    per_minute = _setting("COMMUNITY_POSTS_PER_MINUTE", 6)
    recent = Post.objects.filter(
        author=author, created_at__gte=now - datetime.timedelta(minutes=1)
    ).count()
    if recent >= per_minute:
        raise ValidationError(
            _("You are posting too fast. Wait a minute and try again."),
            code="rate_limited",
        )
    per_day = _setting("COMMUNITY_POSTS_PER_DAY", 200)
    today = Post.objects.filter(
        author=author, created_at__gte=now - datetime.timedelta(days=1)
    ).count()
    if today >= per_day:
        raise ValidationError(
            _("You reached today's posting limit. Try again tomorrow."),
            code="rate_limited",
        )


def _hold_reason(author, body: str) -> str:
    """Why a new post should wait for a moderator ("" when it may go live)."""
    if author.is_staff:
        return ""
    max_links = _setting("COMMUNITY_MAX_LINKS", 5)
    if len(LINK_RE.findall(body)) > max_links:
        return _("too many links")
    new_days = _setting("COMMUNITY_NEW_ACCOUNT_DAYS", 2)
    if author.date_joined >= timezone.now() - datetime.timedelta(days=new_days):
        burst = _setting("COMMUNITY_NEW_ACCOUNT_BURST", 3)
        window = timezone.now() - datetime.timedelta(minutes=10)
        if Post.objects.filter(author=author, created_at__gte=window).count() >= burst:
            return _("new account posting fast")
    return ""


def _record_hold(post: Post) -> None:
    ModerationAction.objects.create(
        moderator=None,
        action=ModerationAction.Action.HOLD,
        target_user=post.author,
        thread=post.thread,
        post=post,
        reason=post.hold_reason,
    )


def _tags_from_names(names: list[str]) -> list[Tag]:
    tags = []
    for raw in names[:MAX_TAGS]:
        name = raw.strip().lstrip("#")[:50]
        slug = slugify(name, allow_unicode=True)[:50]
        if not slug:
            continue
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        tags.append(tag)
    return tags


def _thread_tags_set(thread: Thread, names: list[str]) -> None:
    """Replace a thread's tags, keeping the tags' thread counters right."""
    new_tags = _tags_from_names(names)
    live = thread.status == Visibility.VISIBLE and not thread.is_deleted
    if live:
        _adjust_tag_counts(thread, -1)
    thread.tags.set(new_tags)
    if live:
        _adjust_tag_counts(thread, +1)


def parse_tags(text: str) -> list[str]:
    return [t for t in re.split(r"[,，\s]+", text or "") if t.strip()]


@transaction.atomic
def thread_create(
    *,
    author,
    space: Space,
    kind: str,
    title: str,
    body: str,
    tags: list[str] | None = None,
) -> Thread:
    if kind not in Thread.Kind.values:
        raise ValidationError(_("Choose discussion or question."))
    if not selectors.can_view_space(author, space):
        raise PermissionDenied(_("You cannot post in this space."))
    _ensure_may_post(author)
    title = _clean_title(title)
    body = _clean_body(body)
    hold = _hold_reason(author, title + "\n" + body)
    status = Visibility.HELD if hold else Visibility.VISIBLE
    thread = Thread.objects.create(
        space=space,
        author=author,
        kind=kind,
        title=title,
        status=status,
        last_activity_at=timezone.now(),
    )
    post = Post.objects.create(
        thread=thread,
        author=author,
        kind=Post.Kind.OPENING,
        body=body,
        body_html=_body_html(body),
        status=status,
        hold_reason=hold,
    )
    tag_objects = _tags_from_names(tags or [])
    if tag_objects:
        thread.tags.set(tag_objects)
    Follow.objects.get_or_create(
        user=author, target=Follow.Target.THREAD, thread=thread
    )
    if hold:
        _record_hold(post)
        return thread
    Space.objects.filter(pk=space.pk).update(
        thread_count=F("thread_count") + 1, last_activity_at=timezone.now()
    )
    _adjust_tag_counts(thread, +1)
    _announce_thread(thread, post)
    return thread


def _announce_thread(thread: Thread, post: Post) -> None:
    events.send_on_commit(
        events.thread_created,
        sender=Thread,
        thread_id=thread.pk,
        space_id=thread.space_id,
        author_id=thread.author_id,
        kind=thread.kind,
    )
    _schedule_fanout(post.pk)
    _schedule_index_rebuild()


@transaction.atomic
def post_create(
    *, author, thread: Thread, body: str, parent: Post | None = None
) -> Post:
    """A reply (discussion), an answer (question) or a comment under one."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("space")
        .get(pk=thread.pk)
    )
    if not selectors.can_view_thread(author, thread):
        raise ValidationError(_("This thread no longer exists."), code="gone")
    if thread.is_locked:
        raise ValidationError(_("This thread is locked."), code="locked")
    _ensure_may_post(author)
    body = _clean_body(body)
    if parent is not None:
        if parent.thread_id != thread.pk:
            raise ValidationError(_("That post is not in this thread."))
        if parent.kind == Post.Kind.COMMENT:
            raise ValidationError(_("Comments cannot be nested; reply to the answer."))
        if not parent.is_public:
            raise ValidationError(_("That post no longer exists."), code="gone")
        kind = Post.Kind.COMMENT
    else:
        kind = Post.Kind.ANSWER if thread.is_question else Post.Kind.REPLY
    hold = _hold_reason(author, body)
    post = Post.objects.create(
        thread=thread,
        author=author,
        kind=kind,
        parent=parent,
        body=body,
        body_html=_body_html(body),
        status=Visibility.HELD if hold else Visibility.VISIBLE,
        hold_reason=hold,
    )
    if hold:
        _record_hold(post)
        return post
    _post_went_live(post)
    return post


def _post_went_live(post: Post) -> None:
    now = timezone.now()
    updates = {"last_activity_at": now}
    if post.kind != Post.Kind.COMMENT:
        updates["reply_count"] = F("reply_count") + 1
    Thread.objects.filter(pk=post.thread_id).update(**updates)
    Space.objects.filter(pk=post.thread.space_id).update(last_activity_at=now)
    events.send_on_commit(
        events.post_created,
        sender=Post,
        post_id=post.pk,
        thread_id=post.thread_id,
        author_id=post.author_id,
        kind=post.kind,
    )
    _schedule_fanout(post.pk)


@transaction.atomic
def post_edit(
    *,
    post: Post,
    editor,
    body: str,
    title: str | None = None,
    tags: list[str] | None = None,
) -> Post:
    """Change a post's text (and title and tags for an opening post), keeping history."""
    # Thread before post, the order answer_accept uses, so that they never deadlock.
    Thread.objects.select_for_update(of=("self",)).filter(pk=post.thread_id).first()
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread")
        .get(pk=post.pk)
    )
    if not selectors.can_edit_post(editor, post):
        raise PermissionDenied(_("You can only edit your own posts."))
    if post.is_deleted or post.thread.is_deleted:
        raise ValidationError(_("This post was deleted."), code="gone")
    if not editor.is_staff:
        suspension = selectors.active_suspension(editor)
        if suspension is not None:
            raise PermissionDenied(_("Your account is suspended from posting."))
    body = _clean_body(body)
    thread = post.thread
    new_title = None
    if post.kind == Post.Kind.OPENING and title is not None:
        new_title = _clean_title(title)
    if post.kind == Post.Kind.OPENING and tags is not None:
        _thread_tags_set(thread, tags)
    if body == post.body and (new_title is None or new_title == thread.title):
        return post
    PostRevision.objects.create(
        post=post,
        editor=editor,
        body=post.body,
        title=thread.title if post.kind == Post.Kind.OPENING else "",
    )
    post.body = body
    post.body_html = _body_html(body)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    if new_title is not None and new_title != thread.title:
        thread.title = new_title
        thread.save(update_fields=["title", "updated_at"])
    if post.kind == Post.Kind.OPENING:
        _schedule_index_rebuild()
    return post


@transaction.atomic
def post_delete(*, post: Post, user, reason: str = "") -> Post:
    """Soft delete by its author (or staff). Deleting the opening post deletes the thread."""
    # Thread before post, the order answer_accept uses, so that they never deadlock.
    Thread.objects.select_for_update(of=("self",)).filter(pk=post.thread_id).first()
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread")
        .get(pk=post.pk)
    )
    if not selectors.can_edit_post(user, post):
        raise PermissionDenied(_("You can only delete your own posts."))
    if post.is_deleted:
        return post
    now = timezone.now()
    post.is_deleted = True
    post.deleted_at = now
    post.save(update_fields=["is_deleted", "deleted_at"])
    thread = post.thread
    was_live = post.status == Visibility.VISIBLE
    if post.kind == Post.Kind.OPENING:
        Thread.objects.filter(pk=thread.pk).update(is_deleted=True, deleted_at=now)
        if thread.status == Visibility.VISIBLE and not thread.is_deleted:
            Space.objects.filter(pk=thread.space_id, thread_count__gt=0).update(
                thread_count=F("thread_count") - 1
            )
            _adjust_tag_counts(thread, -1)
        _schedule_index_rebuild()
        events.send_on_commit(
            events.post_removed,
            sender=Thread,
            post_id=None,
            thread_id=thread.pk,
            author_id=thread.author_id,
        )
    else:
        if post.is_accepted:
            _unaccept(thread)
        if was_live and post.kind != Post.Kind.COMMENT:
            Thread.objects.filter(pk=thread.pk, reply_count__gt=0).update(
                reply_count=F("reply_count") - 1
            )
        events.send_on_commit(
            events.post_removed,
            sender=Post,
            post_id=post.pk,
            thread_id=thread.pk,
            author_id=post.author_id,
        )
    if user.pk != post.author_id:
        ModerationAction.objects.create(
            moderator=user,
            action=ModerationAction.Action.DELETE,
            target_user=post.author,
            thread=thread,
            post=post,
            reason=reason,
        )
    return post


def _body_html(body: str) -> str:
    """The post's HTML: Markdown with each known `@handle` linked to its profile."""
    return render_markdown(body, profile=COMMUNITY_POST, mentions=mention_links(body))
