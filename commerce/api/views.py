"""Orders API: create an order, read its status, list my orders."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from commerce import services
from commerce.models import Order, OrderItem
from core.apicache import SharedListCacheMixin

from .serializers import OrderCreateSerializer, OrderSerializer, OrderStatusSerializer


class OrderViewSet(
    SharedListCacheMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in user's orders, by order number."""

    # The list is the buyer's own, kept for them (core.apicache): an order
    # placed, paid, closed or refunded bumps their viewer group (apps.py), a
    # coupon's code renamed bumps "coupons".
    cache_per_viewer = True
    cache_viewer_groups = ("coupons",)

    serializer_class = OrderSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "number"
    lookup_value_regex = "[A-Z0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Order.objects.none()
        return (
            Order.objects.filter(user=self.request.user)
            .select_related("coupon")
            .prefetch_related(
                Prefetch("items", queryset=OrderItem.objects.order_by("id"))
            )
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    def create(self, request, *args, **kwargs):
        serializer = OrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            order = services.order_create(
                user=request.user,
                offers=[(i["offer_type"], i["offer_id"]) for i in data["items"]],
                coupon_code=data.get("coupon", ""),
            )
        except services.CommerceError as exc:
            raise ValidationError({"detail": exc.message, "code": exc.code}) from exc
        order = self.get_queryset().get(pk=order.pk)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=OrderStatusSerializer)
    @action(detail=True, methods=["get"])
    def status(self, request, number=None):
        order = self.get_object()
        return Response(OrderStatusSerializer(order).data)

    def get_view_name(self):
        return _("Orders")
