"""Reads of the courses app used by pages, the API and other apps."""

from __future__ import annotations

from django.db.models import Avg, Count, Prefetch, QuerySet, Sum
from django.http import Http404

from .models import Category, Course, Lesson, Review, Section, Wishlist
from .services import search


def course_get(*, course_id: int) -> Course | None:
    """One course with its category (and parent) and creator, for other apps."""
    return (
        Course.objects.select_related("category", "category__parent", "creator")
        .filter(pk=course_id)
        .first()
    )


def catalogue_queryset() -> QuerySet[Course]:
    """Published courses with what a course card shows, in one query per page."""
    return (
        Course.objects.filter(status=Course.Status.PUBLISHED)
        .select_related("category", "creator__profile")
        .defer("description", "description_html", "search_document", "search_vector")
    )


def category_tree() -> list[Category]:
    """Top categories with `.subcategories` attached (one query)."""
    categories = list(Category.objects.all())
    tops = [c for c in categories if c.parent_id is None]
    for top in tops:
        top.subcategories = [c for c in categories if c.parent_id == top.pk]
    return tops


def search_suggestions(
    parsed: search.ParsedQuery, *, categories: list[Category], limit: int = 4
) -> dict:
    """What a search that found nothing offers: close categories, popular courses.

    `categories` is the category tree the page has loaded already (top
    categories with `.subcategories`); one query reads the popular courses.
    """
    flat = [c for top in categories for c in (top, *top.subcategories)]
    close = search.closest_categories(parsed, flat, limit=limit)
    popular = list(
        catalogue_queryset().order_by("-learner_count", "-rating_average", "-id")[
            :limit
        ]
    )
    return {"categories": close or categories[:limit], "courses": popular}


def course_visible_to(user, course: Course) -> bool:
    if course.status in (Course.Status.PUBLISHED, Course.Status.ARCHIVED):
        return True
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_staff or user.pk == course.creator_id)
    )


def course_for_page(*, slug: str, user) -> Course:
    """The course with creator and category, or 404 if `user` may not see it."""
    course = (
        Course.objects.select_related("category__parent", "creator__profile")
        .filter(slug=slug)
        .first()
    )
    if course is None or not course_visible_to(user, course):
        raise Http404("No such course")
    return course


def course_syllabus(course: Course) -> list[Section]:
    """Sections with their lessons, in order (two queries)."""
    lessons = Lesson.objects.defer("body", "body_html").order_by("position", "id")
    return list(
        course.sections.order_by("position", "id").prefetch_related(
            Prefetch("lessons", queryset=lessons)
        )
    )


def course_rating_distribution(course: Course) -> list[dict]:
    """Stars 5 to 1 with their count and share of visible reviews (one query)."""
    counts = dict(
        Review.objects.filter(course=course, is_hidden=False)
        .values_list("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    total = sum(counts.values())
    return [
        {
            "stars": stars,
            "count": counts.get(stars, 0),
            "percent": round(100 * counts.get(stars, 0) / total) if total else 0,
        }
        for stars in range(5, 0, -1)
    ]


def course_reviews(course: Course, *, limit: int = 20) -> list[Review]:
    return list(
        Review.objects.filter(course=course, is_hidden=False)
        .select_related("user__profile")
        .order_by("-created_at")[:limit]
    )


def review_for_report(review_id) -> Review | None:
    """A review others can still see (not hidden, on a published course), or None."""
    return (
        Review.objects.filter(
            pk=review_id, is_hidden=False, course__status=Course.Status.PUBLISHED
        )
        .select_related("course", "user")
        .first()
    )


def reviews_by_ids(review_ids) -> list[Review]:
    """Reviews with their course and author, in id order (staff's queue)."""
    return list(
        Review.objects.filter(pk__in=list(review_ids))
        .select_related("course", "user")
        .order_by("pk")
    )


def wishlisted_ids(user, course_ids) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    return set(
        Wishlist.objects.filter(user=user, course_id__in=list(course_ids)).values_list(
            "course_id", flat=True
        )
    )


def user_wishlist(user) -> QuerySet[Course]:
    return (
        catalogue_queryset()
        .filter(wishlisted_by__user=user)
        .order_by("-wishlisted_by__created_at")
    )


def studio_courses(user) -> QuerySet[Course]:
    return (
        Course.objects.filter(creator=user)
        .select_related("category")
        .annotate(section_count=Count("sections", distinct=True))
        .order_by("-updated_at")
    )


def course_for_studio(*, pk: int, user) -> Course:
    """A course its creator (or staff) may edit; 404 for anyone else's."""
    course = Course.objects.select_related("category", "creator").filter(pk=pk).first()
    if course is None or not (user.is_staff or course.creator_id == user.pk):
        raise Http404("No such course")
    return course


# --- Plain facts by id, for apps that keep ids only (analytics) ----------------


def course_facts(course_ids=None) -> dict[int, dict]:
    """Title, slug, status, category (and its parent) and creator per course id."""
    courses = Course.objects.all()
    if course_ids is not None:
        courses = courses.filter(pk__in=list(course_ids))
    return {
        row["pk"]: row
        for row in courses.values(
            "pk",
            "title",
            "slug",
            "status",
            "category_id",
            "category__parent_id",
            "creator_id",
            "rating_average",
        )
    }


def course_category_id(course_id: int) -> int | None:
    """The category of one course (None for an unknown course)."""
    return (
        Course.objects.filter(pk=course_id)
        .values_list("category_id", flat=True)
        .first()
    )


def published_course_ids() -> QuerySet:
    """Ids of published courses, as a lazy list for batch jobs to iterate."""
    return Course.objects.filter(status=Course.Status.PUBLISHED).values_list(
        "pk", flat=True
    )


def creator_ids_with_courses() -> QuerySet:
    """Ids of everyone who has created a course (any status), for batch jobs."""
    # Not the default ordering: DISTINCT would keep one row per course.
    return (
        Course.objects.order_by("creator_id")
        .values_list("creator_id", flat=True)
        .distinct()
    )


def top_categories() -> QuerySet[Category]:
    """The top-level categories (fields of expertise, leaderboard filters)."""
    return Category.objects.filter(parent__isnull=True)


def published_courses_run_by(user) -> QuerySet[Course]:
    """Published courses `user` runs: their own, or every one for staff."""
    courses = Course.objects.filter(status=Course.Status.PUBLISHED)
    if not user.is_staff:
        courses = courses.filter(creator=user)
    return courses


def published_course_or_404(course_id: int) -> Course:
    """A published course with its creator, or 404."""
    course = (
        Course.objects.select_related("creator")
        .filter(pk=course_id, status=Course.Status.PUBLISHED)
        .first()
    )
    if course is None:
        raise Http404
    return course


def course_exists(course_id: int) -> bool:
    return Course.objects.filter(pk=course_id).exists()


def creator_published_course_ids(creator_id: int) -> list[int]:
    """Ids of a creator's published courses."""
    return list(
        Course.objects.filter(
            creator_id=creator_id, status=Course.Status.PUBLISHED
        ).values_list("pk", flat=True)
    )


def published_course_ids_by_creator(creator_ids) -> dict[int, list[int]]:
    """`creator_published_course_ids` of many creators (one query); creators
    without a published course are absent."""
    result: dict[int, list[int]] = {}
    for creator_id, course_id in Course.objects.filter(
        creator_id__in=list(creator_ids), status=Course.Status.PUBLISHED
    ).values_list("creator_id", "pk"):
        result.setdefault(creator_id, []).append(course_id)
    return result


def rating_totals(course_ids) -> dict:
    """Visible ratings of the courses: how many, their sum and their average."""
    return Review.objects.filter(
        course_id__in=list(course_ids), is_hidden=False
    ).aggregate(n=Count("id"), total=Sum("rating"), average=Avg("rating"))


def rating_totals_by_course(course_ids) -> dict[int, dict]:
    """`rating_totals` of each course (one grouped query); courses without a
    visible rating are absent."""
    return {
        row["course_id"]: row
        for row in Review.objects.filter(
            course_id__in=list(course_ids), is_hidden=False
        )
        .values("course_id")
        .annotate(n=Count("id"), total=Sum("rating"), average=Avg("rating"))
        .order_by()
    }


def course_facts_of_creator(creator_id: int) -> dict[int, dict]:
    """`course_facts` of every course one creator owns (one query)."""
    return {
        row["pk"]: row
        for row in Course.objects.filter(creator_id=creator_id).values(
            "pk", "title", "slug", "status", "category_id"
        )
    }


def category_parents() -> dict[int, int | None]:
    """Every category id with its parent's id (None for a top category)."""
    return dict(Category.objects.values_list("pk", "parent_id"))


def lessons_in_order(course_ids) -> dict[int, list[dict]]:
    """Each course's lessons in syllabus order (one query)."""
    result: dict[int, list[dict]] = {}
    rows = (
        Lesson.objects.filter(section__course_id__in=list(course_ids))
        .order_by(
            "section__course_id", "section__position", "section_id", "position", "id"
        )
        .values("pk", "title", "kind", "duration_seconds", "section__course_id")
    )
    for row in rows:
        result.setdefault(row["section__course_id"], []).append(row)
    return result


def courses_in_review_count() -> int:
    """Courses submitted and waiting for staff's decision."""
    return Course.objects.filter(status=Course.Status.IN_REVIEW).count()
