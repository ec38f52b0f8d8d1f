"""Reactions: votes, accepted answers, bookmarks and follows."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events
from notifications.services import notification_send

from .. import selectors
from ..models import (
    Bookmark,
    Follow,
    Post,
    Tag,
    Thread,
    Vote,
)


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
    if not selectors.can_accept(user, thread):
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
