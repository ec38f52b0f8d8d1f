"""Who is told about a new live post (run by a task after commit)."""

from __future__ import annotations

from django.db.models import Q

from notifications.services import notification_send

from .. import selectors
from ..mentions import mentioned_users
from ..models import (
    Follow,
    Post,
)
from ._common import (
    User,
)


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

    # A handle names one account: "@李洋" tells that one person, not every 李洋.
    for user in mentioned_users(post.body).values():
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
