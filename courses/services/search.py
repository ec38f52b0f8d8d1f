"""Search: the text and tsvector a course is found by, and the events of
searches and course views."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.utils.html import strip_tags

from core import events
from core.markdown import COURSE_TEXT, render_markdown
from courses.models import (
    Course,
)


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
