"""Reads for learning paths, columns (专栏) and membership enrolments.

Re-exported by `learning.selectors`, so callers keep `selectors.path_quote(...)`.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet

from core.money import ZERO, money
from courses.models import Column, ColumnPost, Course

from .models import Enrollment, LearningPath, LearningPathCourse

# --- Learning paths ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PathQuote:
    """What a path costs this learner: the bundle price less the courses owned."""

    total_list_price: Decimal
    bundle_price: Decimal
    owned_ids: frozenset[int]
    owned_value: Decimal
    price: Decimal

    @property
    def saving(self) -> Decimal:
        return max(self.total_list_price - self.price, ZERO)

    @property
    def credit(self) -> Decimal:
        return self.bundle_price - self.price


def _path_items_qs():
    return LearningPathCourse.objects.select_related(
        "course__creator__profile", "course__category"
    ).order_by("position", "id")


def published_paths() -> QuerySet[LearningPath]:
    """Published paths with their courses (two queries, however many)."""
    return (
        LearningPath.objects.filter(is_published=True)
        .select_related("creator__profile")
        .prefetch_related(Prefetch("items", queryset=_path_items_qs()))
        .order_by("-created_at", "-id")
    )


def path_for_page(*, slug: str, user) -> LearningPath | None:
    """A path by slug: published ones for everybody, drafts for their managers."""
    path = (
        LearningPath.objects.filter(slug=slug)
        .select_related("creator__profile")
        .prefetch_related(Prefetch("items", queryset=_path_items_qs()))
        .first()
    )
    if path is None:
        return None
    if path.is_published:
        return path
    if user.is_authenticated and (user.is_staff or path.creator_id == user.pk):
        return path
    return None


def paths_with_course(course_id: int) -> list[LearningPath]:
    """Published paths that hold a course (for its course page; two queries)."""
    return list(published_paths().filter(items__course_id=course_id).distinct()[:6])


def owned_course_ids(*, user, course_ids) -> set[int]:
    """The courses of `course_ids` the user already has (enrolled or created)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(
        Enrollment.objects.filter(
            user=user, course_id__in=list(course_ids), is_active=True
        ).values_list("course_id", flat=True)
    )


def path_quote(*, path: LearningPath, courses: list[Course], owned_ids) -> PathQuote:
    """The bundle price for a buyer who owns `owned_ids` already.

    With LEARNING_PATH_CREDIT_OWNED (default on) the bundle price drops by the
    share of the owned courses in the courses' total list price; otherwise the
    owned courses are only shown. Pure function: the page and the checkout
    (learning.offers) price alike.
    """
    total = sum((c.price for c in courses), ZERO)
    owned = frozenset(c.pk for c in courses if c.pk in owned_ids)
    owned_value = sum((c.price for c in courses if c.pk in owned), ZERO)
    price = path.price
    if settings.LEARNING_PATH_CREDIT_OWNED and owned and total > 0:
        price = money(path.price * (total - owned_value) / total)
    return PathQuote(
        total_list_price=money(total),
        bundle_price=money(path.price),
        owned_ids=owned,
        owned_value=money(owned_value),
        price=max(money(price), ZERO),
    )


def path_progress(*, courses: list[Course], user) -> dict:
    """Per-course progress through a path and the whole path's percent (one query)."""
    if user is None or not user.is_authenticated or not courses:
        return {"by_course": {}, "percent": 0, "completed": 0}
    rows = dict(
        Enrollment.objects.filter(
            user=user, course_id__in=[c.pk for c in courses], is_active=True
        ).values_list("course_id", "progress_percent")
    )
    percent = round(sum(rows.values()) / len(courses)) if rows else 0
    completed = sum(1 for v in rows.values() if v >= 100)
    return {"by_course": rows, "percent": percent, "completed": completed}


def studio_paths(user) -> QuerySet[LearningPath]:
    """Paths the user manages: their own; staff see every path."""
    qs = LearningPath.objects.select_related("creator__profile").annotate(
        course_count=Count("items")
    )
    if not user.is_staff:
        qs = qs.filter(creator=user)
    return qs.order_by("-created_at", "-id")


def path_course_choices(*, user, path: LearningPath | None) -> QuerySet[Course]:
    """Courses a path may hold: the creator's own (staff: every course)."""
    qs = Course.objects.exclude(status=Course.Status.REJECTED).select_related(
        "creator__profile"
    )
    if not user.is_staff:
        qs = qs.filter(creator=user)
    return qs.order_by("title")


def membership_lapsed(user, course: Course) -> bool:
    """The learner started `course` through a membership that no longer covers it."""
    if user is None or not user.is_authenticated:
        return False
    return Enrollment.objects.filter(
        user=user, course=course, source=Enrollment.Source.MEMBERSHIP
    ).exists()


# --- Columns (专栏) -------------------------------------------------------------------


def published_columns() -> QuerySet[Column]:
    """Published columns with their count of published posts (one query)."""
    return (
        Column.objects.filter(is_published=True)
        .select_related("creator__profile")
        .annotate(
            post_count=Count("posts", filter=Q(posts__is_published=True)),
            last_post_at=Max("posts__published_at", filter=Q(posts__is_published=True)),
        )
        .order_by(F("last_post_at").desc(nulls_last=True), "-id")
    )


def column_for_page(*, slug: str, user) -> Column | None:
    column = Column.objects.filter(slug=slug).select_related("creator__profile").first()
    if column is None:
        return None
    if column.is_published:
        return column
    if user.is_authenticated and (user.is_staff or column.creator_id == user.pk):
        return column
    return None


def column_posts(column: Column, *, include_drafts: bool = False):
    posts = (
        ColumnPost.objects.filter(column=column)
        .select_related("column")
        .defer("body", "body_html")
    )
    if not include_drafts:
        posts = posts.filter(is_published=True)
    return posts.order_by(F("published_at").desc(nulls_first=True), "-id")


def column_post_for_page(*, slug: str, pk: int) -> ColumnPost | None:
    return (
        ColumnPost.objects.filter(pk=pk, column__slug=slug)
        .select_related("column__creator__profile")
        .first()
    )


def feed_posts(*, column_ids) -> QuerySet[ColumnPost]:
    """New posts of the given columns, newest first (one query per page).

    `column_ids` is commerce's coverage (`subscribed_column_ids`): a site plan
    that covers every column shows every published column's posts.
    """
    scope = (
        Q()
        if getattr(column_ids, "every_column", False)
        else Q(column_id__in=list(getattr(column_ids, "ids", column_ids)))
    )
    return (
        ColumnPost.objects.filter(
            scope,
            is_published=True,
            column__is_published=True,
        )
        .select_related("column__creator__profile")
        .defer("body", "body_html")
        .order_by("-published_at", "-id")
    )


def studio_columns(user) -> QuerySet[Column]:
    qs = Column.objects.select_related("creator__profile").annotate(
        post_count=Count("posts")
    )
    if not user.is_staff:
        qs = qs.filter(creator=user)
    return qs.order_by("-created_at", "-id")


def paths_matching(text: str, *, limit: int = 4) -> list[LearningPath]:
    """Published paths whose title, or one of whose courses' titles, has `text`."""
    text = (text or "").strip()[:100]
    if not text:
        return []
    return list(
        LearningPath.objects.filter(is_published=True)
        .filter(Q(title__icontains=text) | Q(items__course__title__icontains=text))
        .distinct()
        .order_by("-created_at", "-id")[:limit]
    )


# --- Suggestions (recommendations' home feed) ---------------------------------------


def _flag(condition):
    from django.db.models import BooleanField, Case, Value, When

    if condition is None:
        return Value(False, output_field=BooleanField())
    return Case(
        When(condition, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def _category_q(category_ids, prefix: str = ""):
    ids = [int(c) for c in category_ids or ()]
    if not ids:
        return None
    return Q(**{f"{prefix}category_id__in": ids}) | Q(
        **{f"{prefix}category__parent_id__in": ids}
    )


def columns_to_suggest(
    *, user=None, category_ids=(), creator_ids=(), limit: int = 6
) -> list[Column]:
    """Published columns with posts that the viewer does not read yet.

    By an active account, not the viewer's own, not one they subscribe to
    (`column_reader` would let them in already). Flagged `in_interest` and
    `by_known_creator`; those first, then the latest posts. Two queries at
    most, `limit` rows.
    """
    from commerce.selectors import subscribed_column_ids

    queryset = (
        published_columns()
        .filter(post_count__gt=0, creator__is_active=True)
        .select_related("category")
    )
    if user is not None and user.is_authenticated:
        queryset = queryset.exclude(creator=user)
        reading = subscribed_column_ids(user_id=user.pk)
        if reading.every_column:
            return []  # a site plan opens every column: nothing to suggest
        if reading.ids:
            queryset = queryset.exclude(pk__in=list(reading.ids))
    creators = [int(c) for c in creator_ids or ()]
    queryset = queryset.annotate(
        in_interest=_flag(_category_q(category_ids)),
        by_known_creator=_flag(Q(creator_id__in=creators) if creators else None),
    )
    return list(
        queryset.order_by(
            "-by_known_creator",
            "-in_interest",
            F("last_post_at").desc(nulls_last=True),
            "-id",
        )[:limit]
    )


def paths_to_suggest(
    *, user=None, owned_course_ids=(), category_ids=(), creator_ids=(), limit: int = 6
) -> list[LearningPath]:
    """Published paths whose courses are all published and not all owned yet.

    By an active account, not the viewer's. Flagged `has_owned` (holds a
    course of `owned_course_ids`: the learner has started on it), `by_known_creator`
    and `in_interest` (a course in `category_ids`); those first, newest
    next. Each path gets `total_price` (its courses' list prices). Two
    queries, `limit` paths and their items.
    """
    owned = [int(c) for c in owned_course_ids or ()]
    live = Q(items__course__status=Course.Status.PUBLISHED)
    queryset = published_paths().annotate(
        n_courses=Count("items", distinct=True),
        n_live=Count("items", filter=live, distinct=True),
    )
    queryset = queryset.filter(
        creator__is_active=True, n_courses__gt=0, n_live=F("n_courses")
    )
    if user is not None and user.is_authenticated:
        # every course of the path already opens to the learner: nothing to buy
        mine = Enrollment.objects.filter(user=user, is_active=True).values("course_id")
        queryset = (
            queryset.annotate(
                n_owned=Count(
                    "items", filter=Q(items__course_id__in=mine), distinct=True
                )
            )
            .filter(n_owned__lt=F("n_courses"))
            .exclude(creator=user)
        )
    from django.db.models import Exists, OuterRef

    def holds(condition):
        if condition is None:
            return None
        return Q(
            Exists(
                LearningPathCourse.objects.filter(path=OuterRef("pk")).filter(condition)
            )
        )

    creators = [int(c) for c in creator_ids or ()]
    queryset = queryset.annotate(
        has_owned=_flag(holds(Q(course_id__in=owned) if owned else None)),
        in_interest=_flag(holds(_category_q(category_ids, "course__"))),
        by_known_creator=_flag(Q(creator_id__in=creators) if creators else None),
    )
    paths = list(
        queryset.order_by(
            "-has_owned", "-by_known_creator", "-in_interest", "-created_at", "-id"
        )[:limit]
    )
    for path in paths:
        path.total_price = money(sum((i.course.price for i in path.items.all()), ZERO))
    return paths
