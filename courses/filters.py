"""Catalogue facets, search and sorts (django-filter), shared by pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import quality
from .models import Category, Course
from .services import search

SORTS = {
    # Each matches an index on Course (status + these keys): constant-time pages.
    "popular": ("-learner_count", "-id"),
    "newest": ("-published_at", "-id"),
    "rating": ("-rating_average", "-id"),
    "price_asc": ("price", "id"),
    "price_desc": ("-price", "-id"),
}
SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("popular", _("Most popular")),
    ("newest", _("Newest")),
    ("rating", _("Best rated")),
    ("best", _("Best quality")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
]
RATING_CHOICES = [("4.5", "4.5+"), ("4", "4.0+"), ("3.5", "3.5+"), ("3", "3.0+")]
MAX_QUERY_LENGTH = search.MAX_QUERY_LENGTH


def search_courses(queryset, query):
    """Courses matching `query` (a string or a parsed query), with `relevance`."""
    return search.search_filter(queryset, query, kind="course")


class CourseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    category = django_filters.CharFilter(method="filter_category", label=_("Category"))
    level = django_filters.MultipleChoiceFilter(
        choices=Course.Level.choices, label=_("Level")
    )
    language = django_filters.ChoiceFilter(
        choices=Course.Language.choices, label=_("Language")
    )
    price_type = django_filters.ChoiceFilter(
        choices=[("free", _("Free")), ("paid", _("Paid"))],
        method="filter_price_type",
        label=_("Price"),
    )
    price_min = django_filters.NumberFilter(
        field_name="price", lookup_expr="gte", label=_("Minimum price")
    )
    price_max = django_filters.NumberFilter(
        field_name="price", lookup_expr="lte", label=_("Maximum price")
    )
    rating = django_filters.ChoiceFilter(
        choices=RATING_CHOICES,
        method="filter_rating",
        label=_("Minimum rating"),
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="filter_sort", label=_("Sort by")
    )

    class Meta:
        model = Course
        fields: list[str] = []

    #: The parsed query (typos corrected), for the page to show; None when
    #: there is no query.
    parsed_query: search.ParsedQuery | None = None

    def filter_q(self, queryset, name, value):
        self.parsed_query = search.parse(value, kind="course")
        return search_courses(queryset, self.parsed_query)

    def filter_category(self, queryset, name, value):
        # A top category includes its subcategories.
        return queryset.filter(
            Q(category__slug=value) | Q(category__parent__slug=value)
        )

    def filter_price_type(self, queryset, name, value):
        if value == "free":
            return queryset.filter(price=0)
        if value == "paid":
            return queryset.filter(price__gt=0)
        return queryset

    def filter_rating(self, queryset, name, value):
        return queryset.filter(rating_average__gte=value)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied in `qs` once every filter has run

    @property
    def qs(self):
        queryset = super().qs
        data = self.form.cleaned_data if self.form.is_valid() else {}
        sort = data.get("sort") or ""
        searching = bool((data.get("q") or "").strip())
        if sort == "relevance" or (not sort and searching):
            if searching:
                return queryset.order_by("-relevance", *SORTS["popular"])
            sort = "popular"
        if sort == "best":
            # The quality score (ratings and expert reviews, Bayesian, with the
            # completion rate) computed by rewards; ratings break ties.
            return queryset.annotate(quality_score=quality.quality_score()).order_by(
                "-quality_score", "-rating_average", "-id"
            )
        return queryset.order_by(*SORTS.get(sort or "popular", SORTS["popular"]))


def category_choices() -> list[Category]:
    return list(Category.objects.select_related("parent"))
