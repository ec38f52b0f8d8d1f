"""Public pages of the courses app: catalogue, course page, reviews, wishlist."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from core.pagecache import anonymous_page_cache, viewer_page_cache
from core.redirects import safe_next

from .. import selectors, services
from ..filters import SORT_CHOICES, CourseFilter
from ..forms import (
    ReplyForm,
    ReviewForm,
)
from ..models import Course, Review
from .common import flash_errors

CATALOGUE_PAGE_SIZE = 12


# --- catalogue -----------------------------------------------------------------


def _catalogue_cache_hit(request, extra, *args, **kwargs) -> None:
    if extra:
        services.search_record(
            query=extra["query"], results=extra["results"], user=request.user
        )


@require_GET
@anonymous_page_cache(groups=["courses"], on_hit=_catalogue_cache_hit)
def catalogue(request):
    course_filter = CourseFilter(request.GET, queryset=selectors.catalogue_queryset())
    paginator = Paginator(course_filter.qs, CATALOGUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    courses = list(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": course_filter,
        "page_obj": page,
        "courses": courses,
        "wishlisted": selectors.wishlisted_ids(request.user, [c.pk for c in courses]),
        "categories": selectors.category_tree(),
        "sort_choices": SORT_CHOICES,
        "querystring": query.urlencode(),
        "current": {
            key: request.GET.get(key, "")
            for key in (
                "q",
                "category",
                "language",
                "price_type",
                "price_min",
                "price_max",
                "rating",
                "sort",
            )
        },
        "current_levels": request.GET.getlist("level"),
        "level_choices": Course.Level.choices,
        "language_choices": Course.Language.choices,
    }
    # Shown on the phone's "Filters" button, whose panel starts closed.
    context["active_filter_count"] = (
        sum(
            1
            for key in ("category", "language", "price_type", "price_min", "price_max")
            if context["current"][key]
        )
        + bool(context["current"]["rating"])
        + len(context["current_levels"])
    )
    parsed = course_filter.parsed_query
    searched = None
    if parsed:
        context["corrected_query"] = parsed.corrected_text
        if paginator.count == 0:
            context["suggestions"] = selectors.search_suggestions(
                parsed, categories=context["categories"]
            )
        if page.number == 1:
            # Searches without results feed the analytics dashboards.
            services.search_record(
                query=parsed.text, results=paginator.count, user=request.user
            )
            searched = {"query": parsed.text, "results": paginator.count}
    if request.htmx and not request.htmx.boosted:
        response = render(request, "courses/_catalogue_results.html", context)
    else:
        response = render(request, "courses/catalogue.html", context)
    response.pagecache_extra = searched
    return response


# --- course page -----------------------------------------------------------------


def _course_cache_hit(request, course_id, *args, **kwargs) -> None:
    if course_id:
        services.course_view_record(course_id=course_id, user=request.user)


#: What the course page shows comes from these apps (core.pagecache groups).
COURSE_PAGE_GROUPS = (
    "courses",
    "community",
    "learning",
    "live",
    "recommendations",
    "rewards",
)


@require_GET
# Signed in: the page as this viewer sees it, kept until their data or the
# course's changes (their enrolment, review, wishlist: core.pagecache).
@viewer_page_cache(groups=COURSE_PAGE_GROUPS, on_hit=_course_cache_hit)
@anonymous_page_cache(groups=COURSE_PAGE_GROUPS, on_hit=_course_cache_hit)
def course_detail(request, slug: str):
    course = selectors.course_for_page(slug=slug, user=request.user)
    user = request.user
    is_owner = user.is_authenticated and course.creator_id == user.pk
    as_learner = is_owner and request.GET.get("as") == "learner"
    enrolled = services.is_enrolled(user=user, course=course)
    my_review_exists = (
        user.is_authenticated and course.reviews.filter(user=user).exists()
    )
    services.course_view_record(course_id=course.pk, user=user)
    context = {
        "course": course,
        # Read only when the shared fragment that shows them is not cached
        # (lazy: nothing is read until the template uses it).
        "sections": SimpleLazyObject(partial(selectors.course_syllabus, course)),
        "distribution": SimpleLazyObject(
            partial(selectors.course_rating_distribution, course)
        ),
        "reviews": SimpleLazyObject(partial(selectors.course_reviews, course)),
        "fragment_groups": " ".join(COURSE_PAGE_GROUPS),
        "enrolled": enrolled,
        "is_owner": is_owner and not as_learner,
        "as_learner": as_learner,
        "in_wishlist": bool(selectors.wishlisted_ids(user, [course.pk])),
        "review_form": ReviewForm() if enrolled and not my_review_exists else None,
        "reply_form": ReplyForm() if is_owner and not as_learner else None,
    }
    response = render(request, "courses/detail.html", context)
    response.pagecache_extra = course.pk
    return response


@login_required
@require_POST
def review_create(request, slug: str):
    course = selectors.course_for_page(slug=slug, user=request.user)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_create(
                course=course,
                user=request.user,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Thank you for your review."))
    else:
        messages.error(request, _("Choose 1 to 5 stars."))
    return redirect(course.get_absolute_url() + "#reviews")


@login_required
@require_POST
def review_reply(request, pk: int):
    # Only the course's creator replies (the page shows them the form); anyone
    # else is answered 404 before the form is read.
    review = get_object_or_404(
        Review.objects.select_related("course"),
        pk=pk,
        course__creator_id=request.user.pk,
    )
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a reply."))
    else:
        try:
            services.review_reply(
                review=review, actor=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Your reply is published."))
    return redirect(review.course.get_absolute_url() + "#reviews")


# --- wishlist --------------------------------------------------------------------


@require_POST
def wishlist_toggle(request, slug: str):
    if not request.user.is_authenticated:
        login = (
            reverse(settings.LOGIN_URL)
            + "?next="
            + reverse("courses:detail", kwargs={"slug": slug})
        )
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login
            return response
        return redirect(login)
    course = selectors.course_for_page(slug=slug, user=request.user)
    added = services.wishlist_toggle(user=request.user, course=course)
    if request.htmx:
        return render(
            request,
            "courses/_wishlist_button.html",
            {"course": course, "in_wishlist": added},
        )
    messages.success(
        request,
        _("Added to your wishlist.") if added else _("Removed from your wishlist."),
    )
    return redirect(safe_next(request, course.get_absolute_url()))


@login_required
@require_safe
def wishlist(request):
    paginator = Paginator(selectors.user_wishlist(request.user), CATALOGUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    courses = list(page.object_list)
    return render(
        request,
        "courses/wishlist.html",
        {
            "page_obj": page,
            "courses": courses,
            "wishlisted": {c.pk for c in courses},
            "querystring": "",
        },
    )


# --- benchmark helper ---------------------------------------------------------------


def bench_nodb(request):
    """A view that touches no database: the baseline of bench/bench_pages.py."""
    return HttpResponse(
        render_to_string("courses/bench_nodb.html"), content_type="text/html"
    )
