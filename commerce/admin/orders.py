"""Orders, their payments and fulfilments, the sales dashboard, and the
console's sales headlines."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import admin_console
from core.money import format_money
from core.money_admin import MoneyAdminMixin

from .. import selectors, services
from ..models import (
    CreatorEarning,
    Fulfilment,
    Order,
    OrderItem,
    Payment,
    Payout,
    Refund,
)
from .common import NoAddOrDeleteMixin, ReadOnlyMixin, change_link


class OrderItemInline(MoneyAdminMixin, ReadOnlyMixin, admin.TabularInline):
    model = OrderItem
    extra = 0
    fields = [
        "offer_type",
        "offer_id",
        "title",
        "creator_id",
        "list_price",
        "discount",
        "price",
    ]
    readonly_fields = fields


class PaymentInline(MoneyAdminMixin, ReadOnlyMixin, admin.TabularInline):
    model = Payment
    extra = 0
    fields = [
        "variant",
        "status",
        "total",
        "captured_amount",
        "transaction_id",
        "created",
    ]
    readonly_fields = fields


def daily_totals(days: int = 14) -> list[dict]:
    since = timezone.now() - timedelta(days=days)
    return list(
        Order.objects.filter(paid_at__gte=since)
        .annotate(day=TruncDate("paid_at"))
        .values("day")
        .annotate(orders=Count("id"), total=Sum("total"))
        .order_by("-day")
    )


@admin.register(Order)
class OrderAdmin(MoneyAdminMixin, NoAddOrDeleteMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "user_link",
        "state",
        "total",
        "discount",
        "coupon",
        "provider",
        "created_at",
        "paid_at",
    ]
    list_filter = ["state", "provider", "created_at", "paid_at"]
    search_fields = ["number", "user__email", "items__title"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "coupon"]
    readonly_fields = [
        "number",
        "user",
        "state",
        "currency",
        "subtotal",
        "discount",
        "total",
        "coupon",
        "provider",
        "paid_payment",
        "created_at",
        "expires_at",
        "paid_at",
        "closed_at",
    ]
    inlines = [OrderItemInline, PaymentInline]
    actions = ["fulfil_now"]
    change_list_template = "admin/commerce/order/change_list.html"

    @admin.display(description=_("buyer"), ordering="user__email")
    def user_link(self, obj):
        return change_link(obj.user, obj.user.email)

    @admin.action(description=_("Fulfil paid items not delivered yet"))
    def fulfil_now(self, request, queryset):
        report = services.orders_fulfil(
            order_ids=queryset.order_by("pk").values_list("pk", flat=True)
        )
        for number, error in report.failed.items():
            self.message_user(
                request,
                _(
                    "Order %(number)s could not be fulfilled: %(error)s. The error "
                    "is logged and the reconciliation task will try again."
                )
                % {"number": number, "error": error},
                level=messages.ERROR,
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d item fulfilled.",
                "%(count)d items fulfilled.",
                report.fulfilled,
            )
            % {"count": report.fulfilled},
        )

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        totals = daily_totals()
        extra_context = {
            **(extra_context or {}),
            "daily_totals": totals,
            "today_total": next(
                (row["total"] for row in totals if row["day"] == today), 0
            ),
            "dashboard_url": reverse("admin:commerce_order_dashboard"),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def get_urls(self):
        urls = [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="commerce_order_dashboard",
            )
        ]
        return urls + super().get_urls()

    def dashboard_view(self, request):
        totals = daily_totals(days=30)
        refunds = Refund.objects.filter(
            status=Refund.Status.REFUNDED,
            decided_at__gte=timezone.now() - timedelta(days=30),
        ).aggregate(total=Sum("amount"), count=Count("id"))
        ledger = CreatorEarning.objects.aggregate(
            commission_total=Sum("commission"),
            net_total=Sum("net"),
            pending_total=Sum("net", filter=Q(status=CreatorEarning.Status.PENDING)),
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Sales dashboard"),
            "opts": self.model._meta,
            "daily_totals": totals,
            "chart": {
                "labels": [str(row["day"]) for row in reversed(totals)],
                "totals": [str(row["total"]) for row in reversed(totals)],
            },
            "refunds": refunds,
            "ledger": ledger,
            "open_refunds": Refund.objects.filter(
                status=Refund.Status.REQUESTED
            ).count(),
            "open_payouts": Payout.objects.filter(
                status__in=[Payout.Status.REQUESTED, Payout.Status.APPROVED]
            ).count(),
        }
        return TemplateResponse(request, "admin/commerce/dashboard.html", context)


@admin.register(Payment)
class PaymentAdmin(MoneyAdminMixin, NoAddOrDeleteMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "order_link",
        "variant",
        "status",
        "total",
        "captured_amount",
        "transaction_id",
        "created",
    ]
    list_filter = ["status", "variant", "created"]
    search_fields = ["order__number", "transaction_id", "token", "billing_email"]
    date_hierarchy = "created"
    list_select_related = ["order"]
    readonly_fields = [f.name for f in Payment._meta.fields]

    @admin.display(description=_("order"), ordering="order__number")
    def order_link(self, obj):
        return change_link(obj.order, obj.order.number)


@admin.register(Fulfilment)
class FulfilmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["order_item", "created_at", "revoked_at"]
    list_filter = ["created_at"]
    search_fields = ["order_item__order__number", "order_item__title"]
    list_select_related = ["order_item"]


# --- The operations console (core/admin_console.py) --------------------------
def _paid_today() -> dict:
    return selectors.orders_paid_since(since=admin_console.today_start())


admin_console.headline_register(
    key="orders_paid",
    label=_("Orders paid today"),
    value=lambda: _paid_today()["count"],
    order=20,
)
admin_console.headline_register(
    key="revenue",
    label=_("Sales today"),
    value=lambda: format_money(_paid_today()["total"]),
    order=30,
)
