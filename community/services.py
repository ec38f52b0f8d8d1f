"""Writes of the community: the only place that changes its state.

Every service is keyword-only, runs in one transaction, raises
``ValidationError`` (a message for the user) or ``PermissionDenied``, and sends
its side effects (domain events, notification fan-out, index rebuilds) after
commit. Rows that several requests may change together (a post's score, a
thread's accepted answer) are locked with ``select_for_update`` first, and every
"only once" has a unique constraint behind it.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import events
from core.markdown import COMMUNITY_POST, render_markdown
from notifications.services import notification_send

from . import selectors
from .mentions import extract_mentions
from .models import (
    Bookmark,
    Follow,
    ModerationAction,
    Post,
    PostRevision,
    Report,
    Space,
    Suspension,
    Tag,
    Thread,
    Visibility,
    Vote,
)

User = get_user_model()

MAX_BODY_CHARS = 50_000
MAX_TITLE_CHARS = 200
MAX_TAGS = 5
LINK_RE = re.compile(r"https?://|www\.", re.IGNORECASE)


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- spaces --------------------------------------------------------------------


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


@transaction.atomic
def space_ensure_for_course(*, course, visibility: str | None = None) -> Space:
    """The space of a course (created once, when it is published).

    Free courses start public, paid ones visible to enrolled learners only;
    the creator may change this later (``space_set_visibility``).
    """
    if visibility is None:
        visibility = (
            Space.Visibility.PUBLIC if course.is_free else Space.Visibility.ENROLLED
        )
    space, _created = Space.objects.get_or_create(
        course=course,
        defaults={
            "kind": Space.Kind.COURSE,
            "slug": f"course-{course.pk}",
            "name_zh": course.title[:200],
            "name_en": course.title[:200],
            "visibility": visibility,
        },
    )
    return space


@transaction.atomic
def space_set_visibility(*, space: Space, user, visibility: str) -> Space:
    if visibility not in Space.Visibility.values:
        raise ValidationError(_("Unknown visibility."))
    if space.kind != Space.Kind.COURSE:
        raise ValidationError(_("Only course spaces can be made private."))
    if not (user.is_staff or space.course.creator_id == user.pk):
        raise PermissionDenied(_("Only the course creator may change this."))
    space.visibility = visibility
    space.save(update_fields=["visibility"])
    _schedule_index_rebuild()
    return space


# --- posting rules ---------------------------------------------------------------


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


# --- threads and posts -------------------------------------------------------------


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
        body_html=render_markdown(body, profile=COMMUNITY_POST),
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


def _adjust_tag_counts(thread: Thread, delta: int) -> None:
    tags = Tag.objects.filter(threads=thread)
    if delta < 0:
        tags = tags.filter(thread_count__gte=-delta)
    tags.update(thread_count=F("thread_count") + delta)


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


def _schedule_fanout(post_id: int) -> None:
    from .tasks import fanout_post_notifications

    transaction.on_commit(lambda: fanout_post_notifications.delay(post_id=post_id))


def _schedule_index_rebuild() -> None:
    from .similarity import schedule_rebuild

    transaction.on_commit(schedule_rebuild)


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
        body_html=render_markdown(body, profile=COMMUNITY_POST),
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


def can_edit_post(user, post: Post) -> bool:
    """Authors edit their own posts; staff edit any. Nobody else."""
    return user.is_authenticated and (user.is_staff or post.author_id == user.pk)


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
    if not can_edit_post(editor, post):
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
    post.body_html = render_markdown(body, profile=COMMUNITY_POST)
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
    if not can_edit_post(user, post):
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


# --- votes, acceptance, bookmarks, follows ---------------------------------------------


@transaction.atomic
def vote_cast(*, user, post: Post, value: int = 1) -> Vote:
    """Like (+1) any post or down-vote (-1) an answer; a second identical vote is a no-op.

    The post row is locked first, so that two clicks at once (or two tabs)
    count once; the unique constraint on (post, user) backs it.
    """
    if value not in (1, -1):
        raise ValidationError(_("A vote is +1 or -1."))
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread", "thread__space")
        .get(pk=post.pk)
    )
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in to vote."))
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot vote on your own post."), code="own_post")
    if not post.is_public or not selectors.can_view_thread(user, post.thread):
        raise ValidationError(_("This post no longer exists."), code="gone")
    if value == -1 and post.kind != Post.Kind.ANSWER:
        raise ValidationError(_("Only answers can be voted down."))
    existing = Vote.objects.filter(post=post, user=user).first()
    if existing is not None:
        if existing.value == value:
            return existing
        delta = value - existing.value
        existing.value = value
        existing.save(update_fields=["value"])
        vote = existing
    else:
        try:
            with transaction.atomic():
                vote = Vote.objects.create(post=post, user=user, value=value)
        except IntegrityError:
            # Only reachable without the row lock (it is held): stay idempotent.
            return Vote.objects.get(post=post, user=user)
        delta = value
    Post.objects.filter(pk=post.pk).update(score=F("score") + delta)
    if post.kind == Post.Kind.OPENING:
        Thread.objects.filter(pk=post.thread_id).update(score=F("score") + delta)
    events.send_on_commit(
        events.post_voted,
        sender=Vote,
        vote_id=vote.pk,
        post_id=post.pk,
        author_id=post.author_id,
        voter_id=user.pk,
        value=value,
    )
    return vote


@transaction.atomic
def vote_withdraw(*, user, post: Post) -> bool:
    post = Post.objects.select_for_update(of=("self",)).get(pk=post.pk)
    vote = Vote.objects.filter(post=post, user=user).first()
    if vote is None:
        return False
    vote_id, value = vote.pk, vote.value
    vote.delete()
    Post.objects.filter(pk=post.pk).update(score=F("score") - value)
    if post.kind == Post.Kind.OPENING:
        Thread.objects.filter(pk=post.thread_id).update(score=F("score") - value)
    events.send_on_commit(
        events.vote_withdrawn,
        sender=Vote,
        vote_id=vote_id,
        post_id=post.pk,
        author_id=post.author_id,
        voter_id=user.pk,
    )
    return True


def can_accept(user, thread: Thread) -> bool:
    if not user.is_authenticated or not thread.is_question:
        return False
    if user.is_staff or thread.author_id == user.pk:
        return True
    space = thread.space
    return bool(space.course_id and space.course.creator_id == user.pk)


def _unaccept(thread: Thread) -> None:
    previously = list(
        Post.objects.filter(thread=thread, is_accepted=True).values_list(
            "pk", "author_id"
        )
    )
    Post.objects.filter(thread=thread, is_accepted=True).update(is_accepted=False)
    Thread.objects.filter(pk=thread.pk).update(accepted_post=None)
    for post_id, author_id in previously:
        events.send_on_commit(
            events.answer_unaccepted,
            sender=Post,
            post_id=post_id,
            thread_id=thread.pk,
            author_id=author_id,
        )


@transaction.atomic
def answer_accept(*, post: Post, user) -> Post:
    """The asker, the course creator or staff marks one answer as accepted."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("space", "space__course")
        .get(pk=post.thread_id)
    )
    post = Post.objects.select_for_update(of=("self",)).get(pk=post.pk)
    if not can_accept(user, thread):
        raise PermissionDenied(
            _("Only the asker, the course creator or staff can accept an answer.")
        )
    if post.kind != Post.Kind.ANSWER:
        raise ValidationError(_("Only answers can be accepted."))
    if not post.is_public or not thread.is_public:
        raise ValidationError(_("This post no longer exists."), code="gone")
    if post.is_accepted:
        return post
    _unaccept(thread)
    post.is_accepted = True
    post.save(update_fields=["is_accepted"])
    Thread.objects.filter(pk=thread.pk).update(
        accepted_post=post, last_activity_at=timezone.now()
    )
    notification_send(
        recipient=post.author,
        kind="accepted",
        target=post,
        params={"thread": thread.title},
        actor=user,
    )
    if thread.author_id not in (user.pk, post.author_id):
        notification_send(
            recipient=thread.author,
            kind="answer_accepted",
            target=post,
            params={"thread": thread.title},
            actor=user,
        )
    events.send_on_commit(
        events.answer_accepted,
        sender=Post,
        post_id=post.pk,
        thread_id=thread.pk,
        author_id=post.author_id,
        accepted_by_id=user.pk,
    )
    return post


@transaction.atomic
def bookmark_toggle(*, user, thread: Thread) -> bool:
    """Bookmark a thread or remove the bookmark; returns whether it is bookmarked."""
    if not selectors.can_view_thread(user, thread):
        raise ValidationError(_("This thread no longer exists."), code="gone")
    deleted, _rows = Bookmark.objects.filter(user=user, thread=thread).delete()
    if deleted:
        return False
    Bookmark.objects.get_or_create(user=user, thread=thread)
    return True


@transaction.atomic
def follow_set(
    *,
    user,
    follow: bool,
    thread: Thread | None = None,
    tag: Tag | None = None,
    followed_user=None,
) -> bool:
    """Follow or unfollow exactly one thread, tag or user; returns the new state."""
    targets = [t for t in (thread, tag, followed_user) if t is not None]
    if len(targets) != 1:
        raise ValidationError(_("Follow one thread, tag or person at a time."))
    if thread is not None:
        if not selectors.can_view_thread(user, thread):
            raise ValidationError(_("This thread no longer exists."), code="gone")
        lookup = {"target": Follow.Target.THREAD, "thread": thread}
    elif tag is not None:
        lookup = {"target": Follow.Target.TAG, "tag": tag}
    else:
        if followed_user.pk == user.pk:
            raise ValidationError(_("You cannot follow yourself."))
        lookup = {"target": Follow.Target.USER, "followed_user": followed_user}
    if follow:
        Follow.objects.get_or_create(user=user, **lookup)
    else:
        Follow.objects.filter(user=user, **lookup).delete()
    return follow


# --- featuring -------------------------------------------------------------------


@transaction.atomic
def thread_feature(
    *, thread: Thread, user, featured: bool = True, reason: str = ""
) -> Thread:
    """Mark a thread as featured (精华) or take the mark away: staff or space moderators."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("space")
        .get(pk=thread.pk)
    )
    if not selectors.can_moderate_space(user, thread.space):
        raise PermissionDenied(_("Only moderators can feature threads."))
    if not thread.is_public:
        raise ValidationError(_("This thread no longer exists."), code="gone")
    if thread.is_featured == featured:
        return thread
    thread.is_featured = featured
    thread.featured_at = timezone.now() if featured else None
    thread.featured_by = user if featured else None
    thread.save(
        update_fields=["is_featured", "featured_at", "featured_by", "updated_at"]
    )
    ModerationAction.objects.create(
        moderator=user,
        action=ModerationAction.Action.FEATURE
        if featured
        else ModerationAction.Action.UNFEATURE,
        target_user=thread.author,
        thread=thread,
        reason=reason,
    )
    if featured:
        notification_send(
            recipient=thread.author,
            kind="thread_featured",
            target=thread,
            params={"thread": thread.title},
            actor=user,
        )
        events.send_on_commit(
            events.thread_featured,
            sender=Thread,
            thread_id=thread.pk,
            author_id=thread.author_id,
            featured_by_id=user.pk,
        )
    return thread


@transaction.atomic
def thread_lock(
    *, thread: Thread, user, locked: bool = True, reason: str = ""
) -> Thread:
    """Close a thread to new replies (or reopen it): staff or space moderators."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("space", "space__course")
        .get(pk=thread.pk)
    )
    if not selectors.can_moderate_space(user, thread.space):
        raise PermissionDenied(_("Only moderators can lock threads."))
    if thread.is_locked != locked:
        thread.is_locked = locked
        thread.save(update_fields=["is_locked", "updated_at"])
        ModerationAction.objects.create(
            moderator=user,
            action=ModerationAction.Action.LOCK
            if locked
            else ModerationAction.Action.UNLOCK,
            target_user=thread.author,
            thread=thread,
            reason=reason,
        )
    return thread


# --- reports and moderation -------------------------------------------------------------


@transaction.atomic
def report_create(*, post: Post, reporter, reason: str, detail: str = "") -> Report:
    if reason not in Report.Reason.values:
        raise ValidationError(_("Choose a reason for the report."))
    if not reporter.is_authenticated:
        raise PermissionDenied(_("Log in to report."))
    if post.author_id == reporter.pk:
        raise ValidationError(_("You cannot report your own post."))
    if not post.is_public or not selectors.can_view_thread(reporter, post.thread):
        raise ValidationError(_("This post no longer exists."), code="gone")
    report, created = Report.objects.get_or_create(
        post=post,
        reporter=reporter,
        status=Report.Status.OPEN,
        defaults={"reason": reason, "detail": (detail or "")[:1000]},
    )
    if created:
        events.send_on_commit(
            events.post_reported,
            sender=Report,
            report_id=report.pk,
            post_id=post.pk,
            reporter_id=reporter.pk,
            reason=reason,
        )
    return report


def thread_view_record(*, thread: Thread, user) -> None:
    """Announce a thread page view (analytics)."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    events.send_on_commit(
        events.thread_viewed, sender=Thread, thread_id=thread.pk, user_id=user_id
    )


def search_record(*, query: str, results: int, user) -> None:
    """Announce a community search and how many threads matched (analytics)."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    events.send_on_commit(
        events.search_performed,
        sender=Thread,
        query=query[:200],
        results=results,
        scope="community",
        user_id=user_id,
    )


def _require_staff(moderator) -> None:
    if not (moderator.is_authenticated and moderator.is_staff):
        raise PermissionDenied(_("Only staff can moderate."))


def _resolve_reports(post: Post, moderator, status: str) -> None:
    """Close the open reports on a post and tell each reporter the outcome."""
    open_reports = list(
        Report.objects.filter(post=post, status=Report.Status.OPEN).select_related(
            "reporter"
        )
    )
    if not open_reports:
        return
    Report.objects.filter(pk__in=[r.pk for r in open_reports]).update(
        status=status, resolved_by=moderator, resolved_at=timezone.now()
    )
    kind = "report_resolved" if status == Report.Status.RESOLVED else "report_dismissed"
    for report in open_reports:
        notification_send(
            recipient=report.reporter,
            kind=kind,
            target=post.thread,
            params={"thread": post.thread.title},
            url="",
        )


@transaction.atomic
def post_hide(*, post: Post, moderator, reason: str) -> Post:
    """Hide a post (or, for an opening post, its thread); the author is told why."""
    _require_staff(moderator)
    # Thread before post, the order answer_accept uses, so that they never deadlock.
    Thread.objects.select_for_update(of=("self",)).filter(pk=post.thread_id).first()
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread")
        .get(pk=post.pk)
    )
    thread = post.thread
    was_live = post.status == Visibility.VISIBLE
    post.status = Visibility.HIDDEN
    post.save(update_fields=["status"])
    if post.kind == Post.Kind.OPENING:
        Thread.objects.filter(pk=thread.pk).update(status=Visibility.HIDDEN)
        if was_live:
            Space.objects.filter(pk=thread.space_id, thread_count__gt=0).update(
                thread_count=F("thread_count") - 1
            )
            _adjust_tag_counts(thread, -1)
        _schedule_index_rebuild()
    else:
        if post.is_accepted:
            post.is_accepted = False
            post.save(update_fields=["is_accepted"])
            Thread.objects.filter(pk=thread.pk).update(accepted_post=None)
        if was_live and post.kind != Post.Kind.COMMENT:
            Thread.objects.filter(pk=thread.pk, reply_count__gt=0).update(
                reply_count=F("reply_count") - 1
            )
    _resolve_reports(post, moderator, Report.Status.RESOLVED)
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.HIDE,
        target_user=post.author,
        thread=thread,
        post=post,
        reason=reason,
    )
    notification_send(
        recipient=post.author,
        kind="post_hidden",
        target=post,
        params={"thread": thread.title, "reason": reason},
        url="",
        actor=moderator,
    )
    if was_live:
        events.send_on_commit(
            events.post_removed,
            sender=Post,
            post_id=None if post.kind == Post.Kind.OPENING else post.pk,
            thread_id=thread.pk,
            author_id=post.author_id,
        )
    return post


@transaction.atomic
def post_restore(*, post: Post, moderator, reason: str = "") -> Post:
    """Make a hidden or held post visible again (and announce it if it was held)."""
    _require_staff(moderator)
    # Thread before post, the order answer_accept uses, so that they never deadlock.
    Thread.objects.select_for_update(of=("self",)).filter(pk=post.thread_id).first()
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread")
        .get(pk=post.pk)
    )
    if post.status == Visibility.VISIBLE:
        return post
    was_held = post.status == Visibility.HELD
    thread = post.thread
    post.status = Visibility.VISIBLE
    post.hold_reason = ""
    post.save(update_fields=["status", "hold_reason"])
    if post.kind == Post.Kind.OPENING:
        Thread.objects.filter(pk=thread.pk).update(status=Visibility.VISIBLE)
        Space.objects.filter(pk=thread.space_id).update(
            thread_count=F("thread_count") + 1
        )
        thread.refresh_from_db()
        _adjust_tag_counts(thread, +1)
        if was_held:
            _announce_thread(thread, post)
        else:
            _schedule_index_rebuild()
    elif not post.is_deleted:
        if was_held:
            _post_went_live(post)
        elif post.kind != Post.Kind.COMMENT:
            Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1)
    _resolve_reports(post, moderator, Report.Status.DISMISSED)
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.RESTORE,
        target_user=post.author,
        thread=thread,
        post=post,
        reason=reason,
    )
    notification_send(
        recipient=post.author,
        kind="post_restored",
        target=post,
        params={"thread": thread.title},
        actor=moderator,
    )
    return post


@transaction.atomic
def reports_dismiss(*, post: Post, moderator, reason: str = "") -> int:
    _require_staff(moderator)
    count = Report.objects.filter(post=post, status=Report.Status.OPEN).count()
    _resolve_reports(post, moderator, Report.Status.DISMISSED)
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.DISMISS,
        target_user=post.author,
        thread=post.thread,
        post=post,
        reason=reason,
    )
    return count


@transaction.atomic
def user_warn(
    *, user, moderator, reason: str, post: Post | None = None
) -> ModerationAction:
    _require_staff(moderator)
    if not reason.strip():
        raise ValidationError(_("Say why the user is warned."))
    action = ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.WARN,
        target_user=user,
        post=post,
        thread=post.thread if post else None,
        reason=reason,
    )
    if post is not None:
        _resolve_reports(post, moderator, Report.Status.RESOLVED)
    notification_send(
        recipient=user,
        kind="user_warned",
        params={"reason": reason},
        actor=moderator,
    )
    return action


@transaction.atomic
def user_suspend(
    *, user, moderator, days: int, reason: str, post: Post | None = None
) -> Suspension:
    """Stop `user` from posting for `days` days; recorded and announced."""
    _require_staff(moderator)
    if not 1 <= int(days) <= 3650:
        raise ValidationError(_("Suspend for 1 to 3650 days."))
    if not reason.strip():
        raise ValidationError(_("Say why the user is suspended."))
    if user.is_staff:
        raise ValidationError(_("Staff accounts cannot be suspended here."))
    until = timezone.now() + datetime.timedelta(days=int(days))
    suspension = Suspension.objects.create(
        user=user, until=until, reason=reason, created_by=moderator
    )
    ModerationAction.objects.create(
        moderator=moderator,
        action=ModerationAction.Action.SUSPEND,
        target_user=user,
        post=post,
        thread=post.thread if post else None,
        reason=reason,
        until=until,
    )
    if post is not None:
        _resolve_reports(post, moderator, Report.Status.RESOLVED)
    notification_send(
        recipient=user,
        kind="user_suspended",
        params={"until": until.isoformat(), "reason": reason},
        actor=moderator,
    )
    events.send_on_commit(
        events.user_suspended,
        sender=Suspension,
        user_id=user.pk,
        until=until.isoformat(),
        reason=reason,
    )
    return suspension


@transaction.atomic
def suspension_lift(
    *, suspension: Suspension, moderator, reason: str = ""
) -> Suspension:
    _require_staff(moderator)
    suspension = Suspension.objects.select_for_update(of=("self",)).get(
        pk=suspension.pk
    )
    if suspension.lifted_at is None:
        suspension.lifted_at = timezone.now()
        suspension.save(update_fields=["lifted_at"])
        ModerationAction.objects.create(
            moderator=moderator,
            action=ModerationAction.Action.LIFT,
            target_user=suspension.user,
            reason=reason,
        )
    return suspension


# --- notification fan-out -------------------------------------------------------------


def _mentioned_users(text: str):
    handles = extract_mentions(text)[:10]
    if not handles:
        return User.objects.none()
    query = Q()
    for handle in handles:
        query |= Q(profile__display_name__iexact=handle) | Q(
            email__istartswith=f"{handle}@"
        )
    return User.objects.filter(query, is_active=True).select_related("profile")[:20]


def post_notify(*, post_id: int) -> int:
    """Tell the people concerned about a new live post; returns how many were told.

    Thread author (reply/answer), parent author (comment), mentioned users,
    followers of the thread, and for a new thread the followers of its tags and
    of its author. Each person is told once per post (a retried task tells
    nobody twice: the notification's key is the post), only if they may see
    the thread (private course spaces stay private).
    """
    post = (
        Post.objects.select_related("thread", "thread__space", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not post.is_public or not post.thread.is_public:
        return 0
    thread = post.thread
    actor = post.author
    recipients: dict[int, tuple] = {}

    def add(user, kind):
        if user.pk != actor.pk and user.pk not in recipients:
            recipients[user.pk] = (user, kind)

    for user in _mentioned_users(post.body):
        add(user, "mention")
    if post.kind == Post.Kind.COMMENT and post.parent_id:
        add(post.parent.author, "comment")
    if post.kind == Post.Kind.ANSWER:
        add(thread.author, "answer")
    elif post.kind in (Post.Kind.REPLY, Post.Kind.COMMENT):
        add(thread.author, "reply")
    follower_ids = Follow.objects.filter(target=Follow.Target.THREAD, thread=thread)
    following_kind = "following"
    if post.kind == Post.Kind.OPENING:
        follower_ids = Follow.objects.filter(
            Q(target=Follow.Target.TAG, tag__in=thread.tags.all())
            | Q(target=Follow.Target.USER, followed_user=actor)
        )
        following_kind = "following_thread"
    followers = User.objects.filter(
        pk__in=follower_ids.values("user_id"), is_active=True
    )[:5000]
    for user in followers:
        add(user, following_kind)
    created = 0
    for user, kind in recipients.values():
        if not selectors.can_view_thread(user, thread):
            continue
        if notification_send(
            recipient=user,
            kind=kind,
            target=post,
            actor=actor,
            params={"thread": thread.title},
            dedupe_key=f"community.post:{post.pk}",
        ):
            created += 1
    return created


# --- receivers' work ---------------------------------------------------------------


def course_published_handle(*, course_id: int) -> Space | None:
    from courses.models import Course

    course = Course.objects.filter(pk=course_id).select_related("category").first()
    if course is None:
        return None
    top = course.category.parent or course.category
    space_ensure_for_category(category=top)
    return space_ensure_for_course(course=course)
