"""The live API: upcoming lectures, my tickets, experts and their free slots,
my bookings. Read-only; buying goes through the commerce API and pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response

from core.apicache import SharedListCacheMixin
from core.ids import parse_id
from courses.models import Category

from .. import selectors
from ..access import join_changes_at
from ..models import Booking, ExpertProfile, LiveLecture, Ticket
from ..services.bookings import BOOKINGS_GROUP
from ..timezones import get_zone
from .serializers import (
    BookingSerializer,
    ExpertSerializer,
    LectureDetailSerializer,
    LectureSerializer,
    SlotSerializer,
    TicketSerializer,
)

TZ_PARAM = OpenApiParameter(
    "tz",
    OpenApiTypes.STR,
    description="Express times in this IANA time zone (e.g. Asia/Shanghai).",
)


def _activate_zone(request) -> None:
    name = request.query_params.get("tz")
    if name:
        try:
            timezone.activate(get_zone(name, field="tz"))
        except ValidationError as error:
            raise APIValidationError(error.message_dict) from None


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("category", OpenApiTypes.STR, description="Category slug"),
            OpenApiParameter("price", OpenApiTypes.STR, enum=["free", "paid"]),
            TZ_PARAM,
        ]
    ),
    retrieve=extend_schema(parameters=[TZ_PARAM]),
)
class LectureViewSet(SharedListCacheMixin, viewsets.ReadOnlyModelViewSet):
    """Upcoming lectures (soonest first); a lecture with what you may do."""

    # The list is the same for everyone; seats held expire with time.
    cache_groups = ("live",)
    cache_signed_in = True
    cache_timeout = 30

    permission_classes = [permissions.AllowAny]
    serializer_class = LectureSerializer

    def get_serializer_class(self):
        return (
            LectureDetailSerializer if self.action == "retrieve" else LectureSerializer
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LiveLecture.objects.none()
        _activate_zone(self.request)
        if self.action == "retrieve":
            return selectors.with_seats(selectors.lecture_queryset())
        category = None
        slug = self.request.query_params.get("category")
        if slug:
            category = Category.objects.filter(slug=slug).first()
            if category is None:
                raise APIValidationError({"category": ["Unknown category."]})
        price = self.request.query_params.get("price", "")
        if price not in ("", "free", "paid"):
            raise APIValidationError({"price": ["Use free or paid."]})
        return selectors.upcoming_lectures(category=category, price=price)


class MyTicketViewSet(
    SharedListCacheMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """The signed-in user's active tickets."""

    # The holder's own list, kept for them (core.apicache): a ticket issued,
    # refunded or cancelled bumps their viewer group (apps.py, services), a
    # lecture edited or cancelled bumps "live". A creator's new display name
    # shows when the copy times out.
    cache_per_viewer = True
    cache_viewer_groups = ("live",)

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TicketSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Ticket.objects.none()
        return selectors.my_tickets(self.request.user)


class ExpertViewSet(
    SharedListCacheMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Certified experts with their next free slots."""

    # The same for everyone; slots pass with time.
    cache_groups = ("live",)
    cache_signed_in = True
    cache_timeout = 30

    permission_classes = [permissions.AllowAny]
    serializer_class = ExpertSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExpertProfile.objects.none()
        return selectors.experts_directory()

    def list(self, request, *args, **kwargs):
        return self.cached_list(request, lambda: self._list(request))

    def _list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        experts = selectors.attach_next_slots(list(page))
        return self.get_paginated_response(self.get_serializer(experts, many=True).data)

    @extend_schema(parameters=[TZ_PARAM], responses=SlotSerializer(many=True))
    @action(detail=True, methods=["get"])
    def slots(self, request, pk=None):
        """The expert's free slots (at most 200)."""
        _activate_zone(request)
        expert_id = parse_id(pk)
        expert = (
            selectors.experts_directory().filter(pk=expert_id).first()
            if expert_id
            else None
        )
        if expert is None:
            raise NotFound
        slots = selectors.free_slots(expert, limit=200)
        for slot in slots:
            slot.expert = expert
        return Response(SlotSerializer(slots, many=True).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "role",
                OpenApiTypes.STR,
                enum=["learner", "expert"],
                description="Bookings I made (default) or bookings of my slots.",
            )
        ]
    )
)
class MyBookingViewSet(
    SharedListCacheMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """The signed-in user's bookings, as learner or as expert."""

    # Kept for the viewer (core.apicache): every change of a booking, whoever
    # makes it (made, confirmed, declined, cancelled, refunded, rated), bumps
    # "live:bookings" (apps.py, and the services that write with UPDATE); a
    # slot moved or an expert's meeting link changed bumps "live". The join
    # link appears and goes with time alone: a copy is kept until the next
    # such moment of a booking it lists. A new display name shows when the
    # copy times out.
    cache_per_viewer = True
    cache_viewer_groups = ("live", BOOKINGS_GROUP)

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = BookingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        role = self.request.query_params.get("role", "learner")
        if role == "expert":
            return selectors.expert_bookings(self.request.user)
        if role != "learner":
            raise APIValidationError({"role": ["Use learner or expert."]})
        return selectors.my_bookings(self.request.user)

    def list(self, request, *args, **kwargs):
        return self.cached_list(request, lambda: self._list(request))

    def _list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        self._join_changes_at = join_changes_at(page, now=timezone.now())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def viewer_cache_timeout(self, request) -> int:
        moment = getattr(self, "_join_changes_at", None)
        if moment is None:
            return self.cache_timeout
        seconds = int((moment - timezone.now()).total_seconds())
        return max(0, min(self.cache_timeout, seconds))
