"""Reads: who may see what, and the lists the pages and the API show.

Privacy has one rule, applied by pages, the API, search, suggestions and
notifications alike: a course space with visibility "enrolled" is visible to
staff, to the course's creator and to those who may open the course
(``learning.access.can_open_course``: enrolled learners and access providers
such as memberships). Lists use the same rule asked row by row
(``learning.access.opens_course``), so that a list read in the order of an
index stops after its page; single objects use ``can_open_course``.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    Bookmark,
    Follow,
    Post,
    Report,
    Space,
    Suspension,
    Thread,
    Visibility,
    Vote,
)


def _authenticated(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _space_rule(user, prefix: str = "") -> Q:
    """``visible_spaces`` as a condition on a space (``prefix``: the path to
    it, "space__" on a thread), asked row by row.

    A private space's course is asked about row by row
    (``learning.access.opens_course``), not turned into the set of every
    course the user may open first: a site-wide member may open every course,
    and that set made each list read every space.
    """
    rule = Q(**{f"{prefix}is_active": True})
    if _authenticated(user) and user.is_staff:
        return rule
    public = Q(**{f"{prefix}visibility": Space.Visibility.PUBLIC})
    if not _authenticated(user):
        return rule & public
    from learning.access import opens_course

    return rule & (public | opens_course(user, f"{prefix}course__"))


def visible_spaces(user) -> QuerySet[Space]:
    return Space.objects.filter(_space_rule(user))


def can_view_space(user, space: Space) -> bool:
    if not space.is_active and not (_authenticated(user) and user.is_staff):
        return False
    if space.visibility == Space.Visibility.PUBLIC:
        return True
    if not _authenticated(user):
        return False
    if user.is_staff or (space.course_id and space.course.creator_id == user.pk):
        return True
    if space.course_id is None:
        return False
    from learning.access import can_open_course

    return can_open_course(user, space.course)


def can_manage_space(user, space: Space) -> bool:
    """Who changes a course space's settings: staff and the course's creator."""
    return (
        _authenticated(user)
        and space.course_id is not None
        and (user.is_staff or space.course.creator_id == user.pk)
    )


def can_moderate_space(user, space: Space) -> bool:
    """Staff, the space's moderators and, for a course space, the course creator."""
    if not _authenticated(user):
        return False
    if user.is_staff:
        return True
    if space.course_id and space.course.creator_id == user.pk:
        return True
    return space.moderators.filter(pk=user.pk).exists()


def _is_staff(user) -> bool:
    return _authenticated(user) and user.is_staff


def _moderation_rule(user) -> Q:
    """Which moderation states a user sees, for threads and posts alike.

    Live for everyone, held (waiting for review) for their author and staff,
    hidden by a moderator for staff.
    """
    if _is_staff(user):
        return Q()
    shown = Q(status=Visibility.VISIBLE)
    if _authenticated(user):
        shown |= Q(status=Visibility.HELD, author=user)
    return shown


def _sees_state(user, *, status: str, author_id: int) -> bool:
    """``_moderation_rule`` for one row."""
    if status == Visibility.VISIBLE or _is_staff(user):
        return True
    return status == Visibility.HELD and _authenticated(user) and user.pk == author_id


def visible_threads(user) -> QuerySet[Thread]:
    """Threads a user may open: pages, the API and suggestions all ask this.

    Not deleted, in a space the user may see, in a moderation state shown to
    them (``_moderation_rule``). Lists show ``listed_threads``.
    """
    return Thread.objects.filter(
        _moderation_rule(user), _space_rule(user, "space__"), is_deleted=False
    )


def listed_threads(user) -> QuerySet[Thread]:
    """What lists show: ``visible_threads`` without hidden ones.

    Staff open a hidden thread from the moderation queue, not from lists.
    """
    return visible_threads(user).exclude(status=Visibility.HIDDEN)


def can_view_thread(user, thread: Thread) -> bool:
    """``visible_threads`` for one thread (membership access included)."""
    if thread.is_deleted:
        return False
    if not _sees_state(user, status=thread.status, author_id=thread.author_id):
        return False
    return can_view_space(user, thread.space)


def visible_posts(
    user, *, thread: Thread | None = None, placeholders: bool = False
) -> QuerySet[Post]:
    """Posts whose text a user may read: the one rule for every view of a post.

    In a thread the user may open (pass ``thread`` once ``can_view_thread``
    said so), in a moderation state shown to them. A deleted post's text is
    readable by staff only; ``placeholders=True`` (a thread's replies, the API
    list) keeps deleted posts for everyone so that comments under them keep
    their context; their text is never shown there.
    """
    posts = Post.objects.filter(_moderation_rule(user))
    if thread is not None:
        posts = posts.filter(thread=thread)
    else:
        posts = posts.filter(thread__in=visible_threads(user))
    if not placeholders and not _is_staff(user):
        posts = posts.filter(is_deleted=False)
    return posts


def can_view_post(user, post: Post, *, placeholder: bool = False) -> bool:
    """``visible_posts`` for one post: history, report, edit, votes, comments.

    ``placeholder=True`` admits a deleted post shown without its text (the API's
    post detail, like the thread page).
    """
    if post.is_deleted and not (placeholder or _is_staff(user)):
        return False
    if not _sees_state(user, status=post.status, author_id=post.author_id):
        return False
    return can_view_thread(user, post.thread)


def can_edit_post(user, post: Post) -> bool:
    """Authors edit their own posts; staff edit any. Nobody else."""
    return _authenticated(user) and (user.is_staff or post.author_id == user.pk)


def can_accept(user, thread: Thread) -> bool:
    """The asker, the course's creator and staff accept an answer."""
    if not _authenticated(user) or not thread.is_question:
        return False
    if user.is_staff or thread.author_id == user.pk:
        return True
    space = thread.space
    return bool(space.course_id and space.course.creator_id == user.pk)


def thread_list(
    *,
    user,
    space: Space | None = None,
    tag=None,
    filter: str = "",
    sort: str = "active",
    author=None,
) -> QuerySet[Thread]:
    """A page of threads with everything a row shows in a fixed number of queries."""
    threads = listed_threads(user).select_related(
        "space", "author", "author__profile", "accepted_post"
    )
    if space is not None:
        threads = threads.filter(space=space)
    if tag is not None:
        threads = threads.filter(tags=tag)
    if author is not None:
        threads = threads.filter(author=author)
    if filter == "unanswered":
        threads = threads.filter(
            kind=Thread.Kind.QUESTION, accepted_post__isnull=True, reply_count=0
        )
    elif filter == "featured":
        threads = threads.filter(is_featured=True)
    elif filter == "following":
        if _authenticated(user):
            # Threads followed, threads carrying a followed tag, threads by followed people.
            follows = Follow.objects.filter(user=user)
            threads = threads.filter(
                Exists(
                    follows.filter(target=Follow.Target.THREAD, thread=OuterRef("pk"))
                )
                | Exists(
                    follows.filter(
                        target=Follow.Target.TAG, tag__threads=OuterRef("pk")
                    )
                )
                | Exists(
                    follows.filter(
                        target=Follow.Target.USER, followed_user=OuterRef("author_id")
                    )
                )
            )
        else:
            threads = threads.none()
    order = {
        "new": ["-created_at", "-id"],
        "top": ["-score", "-reply_count", "-id"],
    }.get(sort, ["-last_activity_at", "-id"])
    return threads.prefetch_related("tags").order_by("-is_featured", *order)


def best_of(*, user) -> QuerySet[Thread]:
    return (
        listed_threads(user)
        .filter(is_featured=True)
        .select_related("space", "author", "author__profile")
        .prefetch_related("tags")
        .order_by("-featured_at", "-id")
    )


def thread_posts(*, thread: Thread, user) -> QuerySet[Post]:
    """Top-level replies/answers: accepted answer first, then by votes, then age.

    A queryset, for the page to paginate: a thread can have thousands.

    Comments are prefetched (one level). Both follow ``visible_posts``;
    deleted replies stay as placeholders so that comments under them keep
    their context, deleted comments go.
    """
    comments = (
        visible_posts(user, thread=thread)
        .filter(kind=Post.Kind.COMMENT, is_deleted=False)
        .select_related("author", "author__profile")
        .order_by("created_at", "id")
    )
    return (
        visible_posts(user, thread=thread, placeholders=True)
        .filter(kind__in=[Post.Kind.REPLY, Post.Kind.ANSWER])
        .select_related("author", "author__profile")
        .prefetch_related(Prefetch("comments", queryset=comments))
        .order_by("-is_accepted", "-score", "created_at", "id")
    )


def profile_activity(*, viewer, user, limit: int = 5) -> tuple[list, list, bool]:
    """A person's recent threads and answers as ``viewer`` may see them listed,
    and whether the viewer follows them."""
    threads = list(thread_list(user=viewer, author=user, sort="new")[:limit])
    answers = list(
        visible_posts(viewer)
        .filter(
            author=user,
            kind__in=[Post.Kind.ANSWER, Post.Kind.REPLY],
            status=Visibility.VISIBLE,
            is_deleted=False,
            thread__in=listed_threads(viewer),
        )
        .select_related("thread")
        .order_by("-created_at")[:limit]
    )
    following = (
        _authenticated(viewer)
        and Follow.objects.filter(
            user=viewer, target=Follow.Target.USER, followed_user=user
        ).exists()
    )
    return threads, answers, following


def opening_post(thread: Thread) -> Post | None:
    return (
        thread.posts.filter(kind=Post.Kind.OPENING)
        .select_related("author", "author__profile")
        .first()
    )


def user_votes(*, user, post_ids) -> dict[int, int]:
    if not _authenticated(user):
        return {}
    return dict(
        Vote.objects.filter(user=user, post_id__in=list(post_ids)).values_list(
            "post_id", "value"
        )
    )


def is_bookmarked(*, user, thread: Thread) -> bool:
    return (
        _authenticated(user)
        and Bookmark.objects.filter(user=user, thread=thread).exists()
    )


def follows_thread(*, user, thread: Thread) -> bool:
    return (
        _authenticated(user)
        and Follow.objects.filter(
            user=user, target=Follow.Target.THREAD, thread=thread
        ).exists()
    )


def active_suspension(user) -> Suspension | None:
    if not _authenticated(user):
        return None
    return (
        Suspension.objects.filter(
            user=user, until__gt=timezone.now(), lifted_at__isnull=True
        )
        .order_by("-until")
        .first()
    )


#: Words of a query searched on databases without full-text search.
SEARCH_MAX_WORDS = 8


def search(*, user, query: str, limit: int = 50) -> QuerySet[Thread]:
    """Threads whose title or posts match, within what the user may see.

    PostgreSQL: full-text rank (``simple`` configuration, so Chinese and English
    both match whole words) plus trigram similarity on the title for partial
    and Chinese matches. Other databases: every word, case-insensitive
    containment in the title or a post.
    """
    from django.db import connection

    query = (query or "").strip()[:200]
    threads = listed_threads(user)
    if not query:
        return threads.none()
    matching_posts = Post.objects.filter(
        thread=OuterRef("pk"), status=Visibility.VISIBLE, is_deleted=False
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import (
            SearchQuery,
            SearchRank,
            SearchVector,
            TrigramSimilarity,
        )

        search_query = SearchQuery(query, config="simple", search_type="websearch")
        post_hit = Exists(
            matching_posts.annotate(
                document=SearchVector("body", config="simple")
            ).filter(Q(document=search_query) | Q(body__icontains=query))
        )
        threads = (
            threads.annotate(
                rank=SearchRank(
                    SearchVector("title", weight="A", config="simple"), search_query
                )
                + TrigramSimilarity("title", query)
            )
            .filter(
                Q(title__icontains=query)
                | Q(title__trigram_similar=query)
                | post_hit
                | Q(rank__gt=0.05)
            )
            .order_by("-rank", "-last_activity_at")
        )
    else:
        # Every word, in any order, in the title or a visible post (what the
        # PostgreSQL query asks too); the first few words only.
        for word in query.split()[:SEARCH_MAX_WORDS]:
            threads = threads.filter(
                Q(title__icontains=word)
                | Exists(matching_posts.filter(body__icontains=word))
            )
        threads = threads.order_by("-is_featured", "-score", "-last_activity_at")
    return threads.select_related(
        "space", "author", "author__profile"
    ).prefetch_related("tags")[:limit]


# --- Community health, for analytics ------------------------------------------


def question_stats(*, start, end) -> list[dict]:
    """Questions asked in [start, end) with when each got its first visible
    answer and whether one was accepted (one query; at most a day's questions
    per day, so the rows are few)."""
    from django.db.models import Min

    return list(
        Thread.objects.filter(
            kind=Thread.Kind.QUESTION,
            is_deleted=False,
            created_at__gte=start,
            created_at__lt=end,
        )
        .annotate(
            first_answer_at=Min(
                "posts__created_at",
                filter=Q(
                    posts__kind=Post.Kind.ANSWER,
                    posts__status=Visibility.VISIBLE,
                    posts__is_deleted=False,
                ),
            )
        )
        .values("pk", "created_at", "first_answer_at", "accepted_post_id")
    )


def review_ids_reported(user, course_id: int) -> list[int]:
    """The reviews of a course that `user` reported (the course page's
    "Reported by you"), in one query that reads no review: the review list
    itself stays in the page's shared fragment."""
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(
        Report.objects.filter(reporter=user, review__course_id=course_id).values_list(
            "review_id", flat=True
        )
    )


def reports_open_count() -> int:
    """Reports nobody has handled yet (the moderation queue)."""
    return Report.objects.filter(status=Report.Status.OPEN).count()
