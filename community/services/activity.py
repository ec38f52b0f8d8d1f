"""Reading activity announced for analytics: thread views and searches."""

from __future__ import annotations

from core import events

from ..models import Thread


def thread_view_record(*, thread_id: int, user) -> None:
    """Announce a thread page view (analytics).

    Takes the id: a page served from the cache records its view too.
    """
    user_id = user.pk if user is not None and user.is_authenticated else None
    events.send_on_commit(
        events.thread_viewed, sender=Thread, thread_id=thread_id, user_id=user_id
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
