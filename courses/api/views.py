"""Read API of the catalogue and the review endpoint for enrolled learners."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.apicache import SharedListCacheMixin

from .. import selectors, services
from ..filters import CourseFilter
from ..models import Category, Course, Lesson, Review
from .serializers import (
    CategorySerializer,
    CourseDetailSerializer,
    CourseListSerializer,
    ReviewSerializer,
)


class CategoryViewSet(SharedListCacheMixin, viewsets.ReadOnlyModelViewSet):
    cache_groups = ("courses",)
    cache_signed_in = True
    queryset = Category.objects.select_related("parent")
    serializer_class = CategorySerializer
    pagination_class = None
    lookup_field = "slug"


class CourseViewSet(SharedListCacheMixin, viewsets.ReadOnlyModelViewSet):
    """Published courses. Filters: q, category, level, language, price_type,
    price_min, price_max, rating, sort (relevance, popular, newest, rating,
    price_asc, price_desc)."""

    # The same list for every viewer (no per-viewer field).
    cache_groups = ("courses",)
    cache_signed_in = True

    filter_backends = [DjangoFilterBackend]
    filterset_class = CourseFilter
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        if self.action == "retrieve":
            lessons = Lesson.objects.defer("body", "body_html").order_by(
                "position", "id"
            )
            return (
                Course.objects.filter(status=Course.Status.PUBLISHED)
                .select_related("category", "creator__profile")
                .prefetch_related(
                    "sections", Prefetch("sections__lessons", queryset=lessons)
                )
            )
        return selectors.catalogue_queryset()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CourseDetailSerializer
        if self.action == "reviews":
            return ReviewSerializer
        return CourseListSerializer

    @extend_schema(request=ReviewSerializer, responses=ReviewSerializer(many=True))
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[permissions.IsAuthenticatedOrReadOnly],
        filter_backends=[],
    )
    def reviews(self, request, slug=None):
        course = self.get_object()
        if request.method == "POST":
            serializer = ReviewSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            try:
                review = services.review_create(
                    course=course,
                    user=request.user,
                    rating=serializer.validated_data["rating"],
                    text=serializer.validated_data.get("text", ""),
                )
            except DjangoValidationError as error:
                raise ValidationError({"detail": error.messages}) from None
            return Response(
                ReviewSerializer(review).data, status=status.HTTP_201_CREATED
            )
        queryset = (
            Review.objects.filter(course=course, is_hidden=False)
            .select_related("user__profile")
            .order_by("-created_at")
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)
