"""Read-mostly API of the rewards app; writes go through the services."""

from django.core.exceptions import ValidationError
from django.db.models import Count
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.apicache import SharedListCacheMixin
from core.params import parse_id, parse_ids

from .. import selectors, services
from ..models import Badge, PointEntry
from .serializers import (
    BadgeSerializer,
    LeaderboardSerializer,
    PointEntrySerializer,
    RedeemSerializer,
)


class BadgeViewSet(SharedListCacheMixin, viewsets.ReadOnlyModelViewSet):
    cache_groups = ("rewards",)
    cache_signed_in = True
    serializer_class = BadgeSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"

    def get_queryset(self):
        return (
            Badge.objects.filter(is_active=True)
            .annotate(holders=Count("awards"))
            .order_by("position", "slug")
        )


class MyPointsViewSet(
    SharedListCacheMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """The signed-in user's ledger; `balance/` and `redeem/` beside it."""

    # The ledger is the user's own and append-only: kept for them
    # (core.apicache) until an entry of theirs is written (apps.py bumps their
    # viewer group) or a rule's event is changed ("rewards:rules").
    cache_per_viewer = True
    cache_viewer_groups = ("rewards:rules",)

    serializer_class = PointEntrySerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return PointEntry.objects.none()
        return (
            PointEntry.objects.filter(user=self.request.user)
            .select_related("rule")
            .order_by("-created_at", "-id")
        )

    @action(detail=False, methods=["get"])
    def balance(self, request):
        return Response({"balance": selectors.balance_of(request.user.pk)})

    @action(detail=False, methods=["post"])
    def redeem(self, request):
        serializer = RedeemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            redemption = services.redemption_create(
                user=request.user, points=serializer.validated_data["points"]
            )
        except ValidationError as error:
            return Response(
                {"detail": " ".join(error.messages)},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            {
                "id": redemption.pk,
                "points": redemption.points,
                "amount": str(redemption.amount),
                "status": redemption.status,
            },
            status=status.HTTP_201_CREATED,
        )


class LeaderboardViewSet(SharedListCacheMixin, viewsets.ViewSet):
    permission_classes = [permissions.AllowAny]
    cache_groups = ("rewards",)
    cache_signed_in = True

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, enum=list(selectors.PERIODS)),
            OpenApiParameter("category", int),
        ],
        responses=LeaderboardSerializer,
    )
    def list(self, request):
        return self.cached_list(request, lambda: self._list(request))

    def _list(self, request):
        period = request.query_params.get("period", "week")
        if period not in selectors.PERIODS:
            period = "week"
        category = request.query_params.get("category")
        rows = selectors.leaderboard(
            period=period,
            category_id=parse_id(category),
        )
        return Response(
            {
                "period": period,
                "results": [
                    {
                        "rank": r["rank"],
                        "user_id": r["user"].pk,
                        "name": r["user"].display_name,
                        "points": r["points"],
                    }
                    for r in rows
                ],
            }
        )


class CourseQualityViewSet(viewsets.ViewSet):
    """`?ids=1,2,3` → quality score per course (what the catalogue sorts by)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("ids", str, description="Comma-separated course ids")
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        raw = request.query_params.get("ids", "")
        ids = parse_ids(raw, limit=200)
        scores = selectors.course_quality_scores(ids)
        return Response({str(k): str(v) for k, v in scores.items()})
