"""Suggestions: the community's part of a learner's home feed
(recommendations.feed reads these). The visibility rules are the selectors'
(`community.selectors`): listed threads, visible state, spaces the learner
may see."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from .models import Follow, Space, Suspension, Thread, Visibility
from .selectors import _authenticated


def followed_user_ids(user, *, limit: int = 200) -> list[int]:
    """The people `user` follows (most recent first, at most `limit`; one query)."""
    if not _authenticated(user):
        return []
    return list(
        Follow.objects.filter(user=user, target=Follow.Target.USER)
        .order_by("-created_at", "-pk")
        .values_list("followed_user_id", flat=True)[:limit]
    )


def hidden_among_until(user_ids) -> tuple[set[int], datetime | None]:
    """Which of `user_ids` the community hides now (suspended or deactivated
    accounts), and the first moment one of them shows again by time alone
    (the end of a suspension; None when no suspension ends). One query; none
    for no ids.

    A page kept while it hides them is kept until then: the rest (a
    suspension made, lifted or deleted, an account deactivated or
    reactivated) bumps the page-cache group "accounts".
    """
    from django.contrib.auth import get_user_model

    ids = {int(u) for u in user_ids if u is not None}
    if not ids:
        return set(), None
    suspended = Suspension.objects.filter(
        user_id=OuterRef("pk"), until__gt=timezone.now(), lifted_at__isnull=True
    )
    rows = (
        get_user_model()
        .objects.filter(pk__in=ids)
        .filter(Q(is_active=False) | Exists(suspended))
        .annotate(
            suspended_until=Subquery(suspended.order_by("-until").values("until")[:1])
        )
        .values_list("pk", "is_active", "suspended_until")
    )
    hidden, ends = set(), []
    for pk, is_active, until in rows:
        hidden.add(pk)
        if is_active and until is not None:
            ends.append(until)
    return hidden, min(ends, default=None)


#: The order of the home feed's threads after the learner's own sources:
#: featured, then score, then activity (index `community_thread_suggest`).
_SUGGEST_ORDER = ("-is_featured", "-score", "-last_activity_at", "-pk")


def threads_to_suggest(
    *, user=None, category_ids=(), course_ids=(), author_ids=(), limit: int = 6
) -> list[Thread]:
    """Live threads for a learner's home feed, within what they may see.

    `listed_threads` (deleted, hidden and private spaces left out) and only
    the visible state: a thread held for review never shows, not even to its
    author. Not the viewer's own, by an active account. Flagged
    `in_course` (the space of a course in `course_ids`), `in_interest`
    (a space of a category in `category_ids` or a child) and
    `by_followed` (`author_ids`); ranked by those flags in that order, then
    featured, score and activity.

    Read tier by tier, each a query of at most `2 * limit` ids, the next
    asked only while the list is short: the threads of the learner's course
    spaces, then those of the people they follow, then those of their
    interests' spaces, then the whole community's best in the order of the
    index `community_thread_suggest`; then one query for the threads found.
    A tier that comes back short holds every thread of its source, so the
    later tiers only have to skip those already found: the result is the
    ranking over every visible thread without sorting them all.
    """
    cats = sorted({int(c) for c in category_ids or ()})
    courses = sorted({int(c) for c in course_ids or ()})
    authors = sorted({int(a) for a in author_ids or ()})
    # `listed_threads` in the visible state, with the space's visibility
    # asked row by row (the walk stops after a few rows).
    base = Thread.objects.filter(
        _thread_space_visible(user),
        status=Visibility.VISIBLE,
        is_deleted=False,
        author__is_active=True,
    )
    if _authenticated(user):
        base = base.exclude(author=user)
    in_interest = (
        Q(
            space__in=Space.objects.filter(
                Q(category_id__in=cats) | Q(category__parent_id__in=cats)
            )
        )
        if cats
        else None
    )
    tiers = []
    if courses:
        tiers.append((Q(space__course_id__in=courses), ("by_followed", "in_interest")))
    if authors:
        tiers.append((Q(author_id__in=authors), ("in_interest",)))
    if in_interest is not None:
        tiers.append((in_interest, ()))
    tiers.append((None, ()))

    found: list[int] = []
    for condition, ranked_by in tiers:
        need = limit - len(found)
        if need <= 0:
            break
        queryset = base if condition is None else base.filter(condition)
        if ranked_by:
            queryset = queryset.annotate(
                **_suggest_flags(ranked_by, authors=authors, interest=in_interest)
            )
        order = [f"-{flag}" for flag in ranked_by]
        ids = queryset.order_by(*order, *_SUGGEST_ORDER).values_list("pk", flat=True)
        for pk in ids[: need + len(found)]:
            if pk not in found and len(found) < limit:
                found.append(pk)
    if not found:
        return []
    by_id = Thread.objects.select_related("space__category", "author__profile").in_bulk(
        found
    )
    threads = [by_id[pk] for pk in found if pk in by_id]
    for thread in threads:
        space = thread.space
        thread.in_course = space.course_id in courses
        thread.by_followed = thread.author_id in authors
        thread.in_interest = bool(cats) and (
            space.category_id in cats
            or (space.category is not None and space.category.parent_id in cats)
        )
    return threads


def _thread_space_visible(user) -> Q:
    """`visible_spaces(user)` as a condition on a thread's space, asked row by
    row: whether a private space's course opens to the user is a correlated
    `EXISTS`, not the set of every course they may open built first."""
    rule = Q(space__is_active=True)
    if _authenticated(user) and user.is_staff:
        return rule
    public = Q(space__visibility=Space.Visibility.PUBLIC)
    if not _authenticated(user):
        return rule & public
    from learning.access import courses_open_to

    opened = Exists(courses_open_to(user).filter(pk=OuterRef("space__course_id")))
    return rule & (public | opened)


def _suggest_flags(names, *, authors, interest) -> dict:
    """`threads_to_suggest`'s flags as SQL, to rank the rows of one tier."""
    from django.db.models import BooleanField, Case, Value, When

    conditions = {
        "by_followed": Q(author_id__in=authors) if authors else None,
        "in_interest": interest,
    }
    flags = {}
    for name in names:
        condition = conditions[name]
        flags[name] = (
            Value(False, output_field=BooleanField())
            if condition is None
            else Case(
                When(condition, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    return flags
