"""What the home page shows from the community, and what makes it change.

The home page (`core.views.home`, kept whole per learner and for anonymous
visitors by `core.pagecache`) shows a few threads: the feed asks
`community.suggestions.threads_to_suggest` for those of the learner's course
spaces, of the people they follow, of their interests, then the community's
best. A card shows a thread's title, space, author, its badges (featured,
question, solved), its reply count and its last activity.

Every community page reads the group "community", bumped by every thread,
post, vote, space and tag saved. The home page reads `HOME_GROUP` only,
bumped by what makes a thread enter or leave those lists or changes what a
card shows besides its counters:

- a thread created, edited, featured, locked or moved, or deleted as a row
  (a `Thread` saved or deleted);
- a space created, made private or public, renamed or closed (a `Space`
  saved or deleted);
- a thread hidden, held, restored or deleted by its opening post (the post
  is saved with its `status` or `is_deleted`, then the thread is updated);
- an answer accepted or no longer accepted (the "Solved" badge).

A vote or a reply changes counters only (score, reply count, last activity),
and with them the order of threads of equal standing: a kept home page shows
them within `core.pagecache.DEFAULT_TIMEOUT`, the bound of every counter
written with `UPDATE`, instead of every learner's page being drawn afresh
after each vote anywhere in the community.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

#: The page-cache group of the community's part of the home page.
HOME_GROUP = "community:home"

#: A post's fields that can take its thread out of lists or change a card.
_SHOWN_POST_FIELDS = frozenset({"status", "is_deleted", "is_accepted"})


def _bump(*args, **kwargs) -> None:
    from core.pagecache import bump_on_commit

    bump_on_commit(HOME_GROUP)


def _post_saved(sender, instance, created=False, update_fields=None, **kwargs):
    if created:
        # A reply is a counter; an opening post comes with its thread's save.
        return
    fields = None if update_fields is None else set(update_fields)
    if fields is not None and not fields & _SHOWN_POST_FIELDS:
        return  # an edited body, which no card shows
    if _shown_on_cards(instance, fields):
        _bump()


def _post_deleted(sender, instance, **kwargs):
    if _shown_on_cards(instance, None):
        _bump()


def _shown_on_cards(post, fields) -> bool:
    """The opening post (its thread's state), or an accepted answer."""
    from .models import Post

    if post.kind == Post.Kind.OPENING:
        return True
    return post.is_accepted or fields is None or "is_accepted" in fields


def connect() -> None:
    from .models import Post, Space, Thread

    for model in (Thread, Space):
        post_save.connect(_bump, sender=model, dispatch_uid=f"home:{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"home-:{model.__name__}")
    post_save.connect(_post_saved, sender=Post, dispatch_uid="home:Post")
    post_delete.connect(_post_deleted, sender=Post, dispatch_uid="home-:Post")
