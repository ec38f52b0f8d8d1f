"""What is sold at a price other than the list one: coupons and their
redemptions, membership plans and memberships."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core.money import format_money
from core.money_admin import MoneyAdminMixin

from ..models import Coupon, CouponRedemption, Subscription, SubscriptionPlan
from .common import ReadOnlyMixin


@admin.register(Coupon)
class CouponAdmin(MoneyAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "kind",
        "value_shown",
        "valid_from",
        "valid_until",
        "max_uses",
        "uses",
        "owner",
        "is_active",
    ]
    list_filter = ["kind", "is_active", "valid_until"]
    search_fields = ["code", "description", "owner__email", "reason"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "creators", "courses"]
    filter_horizontal = ["categories"]
    readonly_fields = ["created_at"]
    actions = ["deactivate"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                live_uses=Count(
                    "redemptions", filter=Q(redemptions__released_at__isnull=True)
                )
            )
        )

    @admin.display(description=pgettext_lazy("coupon", "value"), ordering="value")
    def value_shown(self, obj):
        if obj.kind == Coupon.Kind.PERCENT:
            return f"{obj.value.normalize():f}%"
        return format_money(obj.value)

    @admin.display(description=_("uses"), ordering="live_uses")
    def uses(self, obj):
        return obj.live_uses

    @admin.action(description=_("Deactivate"))
    def deactivate(self, request, queryset):
        count = queryset.update(is_active=False)
        self.message_user(
            request,
            ngettext(
                "%(count)d coupon deactivated.", "%(count)d coupons deactivated.", count
            )
            % {"count": count},
        )


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(MoneyAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["coupon", "user", "order", "amount", "created_at", "released_at"]
    list_filter = ["created_at"]
    search_fields = ["coupon__code", "user__email", "order__number"]
    list_select_related = ["coupon", "user", "order"]


@admin.register(SubscriptionPlan)
class SubscriptionPlanAdmin(MoneyAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "creator",
        "column",
        "covers_columns",
        "period",
        "price",
        "is_active",
        "members",
    ]
    list_filter = [
        "period",
        "is_active",
        "covers_columns",
        ("column", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "slug", "creator__email", "column__title"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["creator", "column"]
    list_select_related = ["creator", "column"]

    def save_model(self, request, obj, form, change):
        # A column's plan sells the column's creator's work.
        if obj.column_id:
            obj.creator_id = obj.column.creator_id
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        now = timezone.now()
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_members=Count(
                    "subscriptions__user",
                    filter=Q(
                        subscriptions__starts_at__lte=now,
                        subscriptions__ends_at__gt=now,
                        subscriptions__revoked_at__isnull=True,
                    ),
                    distinct=True,
                )
            )
        )

    @admin.display(description=_("active members"), ordering="active_members")
    def members(self, obj):
        return obj.active_members


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "plan", "starts_at", "ends_at", "is_expired", "revoked_at"]
    list_filter = ["is_expired", "plan", "ends_at"]
    search_fields = ["user__email", "plan__name"]
    list_select_related = ["user", "plan"]
    raw_id_fields = ["user", "order_item"]
    date_hierarchy = "ends_at"
    readonly_fields = ["created_at", "creator_id"]
