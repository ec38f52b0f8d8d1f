from django.utils.translation import gettext as _
from rest_framework import serializers

from commerce.models import Order, OrderItem

PRICE_FIELDS = {"price", "amount", "total", "subtotal", "list_price", "discount"}


class OrderItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderItem
        fields = [
            "id",
            "offer_type",
            "offer_id",
            "title",
            "list_price",
            "discount",
            "price",
        ]


class OrderSerializer(serializers.ModelSerializer):
    items = OrderItemSerializer(many=True, read_only=True)
    coupon = serializers.SlugRelatedField(slug_field="code", read_only=True)
    url = serializers.URLField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Order
        fields = [
            "number",
            "state",
            "currency",
            "subtotal",
            "discount",
            "total",
            "coupon",
            "provider",
            "created_at",
            "expires_at",
            "paid_at",
            "items",
            "url",
        ]


class OrderStatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["number", "state", "total", "paid_at"]


class OfferRefSerializer(serializers.Serializer):
    offer_type = serializers.SlugField(max_length=32)
    offer_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(required=False, default=1)

    def validate_quantity(self, value):
        if value != 1:
            raise serializers.ValidationError(
                _("Each offer can be bought once per order (quantity 1).")
            )
        return value

    def to_internal_value(self, data):
        if isinstance(data, dict) and set(data) & PRICE_FIELDS:
            raise serializers.ValidationError(
                {"price": _("Prices are computed by the server; do not send them.")}
            )
        return super().to_internal_value(data)


class OrderCreateSerializer(serializers.Serializer):
    items = OfferRefSerializer(many=True, allow_empty=False, max_length=20)
    coupon = serializers.CharField(max_length=40, required=False, allow_blank=True)

    def validate(self, attrs):
        if set(self.initial_data) & PRICE_FIELDS:
            raise serializers.ValidationError(
                _("Prices are computed by the server; do not send them.")
            )
        return attrs
