"""The operations console for money: orders, payments, refunds, coupons,
memberships, the earnings ledger and payouts. Every action calls a service."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core import admin_console
from core.money import format_money
from core.money_admin import MoneyAdminMixin

from . import selectors, services
from .models import (
    Coupon,
    CouponRedemption,
    CreatorEarning,
    EscrowHold,
    Fulfilment,
    Order,
    OrderItem,
    Payment,
    Payout,
    Refund,
    Subscription,
    SubscriptionPlan,
)


def _link(obj, label=None):
    if obj is None:
        return "-"
    try:
        url = reverse(
            f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
        )
    except NoReverseMatch:  # that model has no admin page
        return str(label or obj)
    return format_html('<a href="{}">{}</a>', url, label or obj)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
class OrderAdmin(MoneyAdminMixin, admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("buyer"), ordering="user__email")
    def user_link(self, obj):
        return _link(obj.user, obj.user.email)

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
class PaymentAdmin(MoneyAdminMixin, admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("order"), ordering="order__number")
    def order_link(self, obj):
        return _link(obj.order, obj.order.number)


@admin.register(Refund)
class RefundAdmin(MoneyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "order_link",
        "item_title",
        "user",
        "amount",
        "status",
        "requested_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "requested_at"]
    search_fields = ["order_item__order__number", "user__email", "order_item__title"]
    date_hierarchy = "requested_at"
    list_select_related = ["order_item__order", "user", "decided_by"]
    readonly_fields = [
        "order_item",
        "user",
        "amount",
        "reason",
        "status",
        "requested_at",
        "decided_by",
        "decided_at",
    ]
    fields = readonly_fields + ["decision_note"]
    actions = ["approve", "deny"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("order"))
    def order_link(self, obj):
        return _link(obj.order_item.order, obj.order_item.order.number)

    @admin.display(description=_("item"))
    def item_title(self, obj):
        return obj.order_item.title

    @admin.action(description=_("Approve: refund through the provider and revoke"))
    def approve(self, request, queryset):
        done = 0
        for refund_id in queryset.order_by("pk").values_list("pk", flat=True):
            try:
                services.refund_approve(refund_id=refund_id, staff=request.user)
                done += 1
            except services.CommerceError as exc:
                self.message_user(
                    request, f"#{refund_id}: {exc.message}", level=messages.ERROR
                )
        if done:
            said = ngettext("%(n)d refund approved.", "%(n)d refunds approved.", done)
            self.message_user(request, said % {"n": done})

    @admin.action(description=_("Deny"))
    def deny(self, request, queryset):
        done = 0
        for refund in queryset.order_by("pk"):
            try:
                services.refund_deny(
                    refund_id=refund.pk,
                    staff=request.user,
                    note=refund.decision_note,
                )
                done += 1
            except services.CommerceError as exc:
                self.message_user(
                    request, f"#{refund.pk}: {exc.message}", level=messages.ERROR
                )
        if done:
            said = ngettext("%(n)d refund denied.", "%(n)d refunds denied.", done)
            self.message_user(request, said % {"n": done})


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
            request, _("%(count)d coupons deactivated.") % {"count": count}
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


@admin.register(CreatorEarning)
class CreatorEarningAdmin(MoneyAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "creator",
        "label",
        "kind",
        "gross",
        "commission_rate",
        "commission",
        "net",
        "status",
        "available_at",
    ]
    list_filter = ["kind", "status", "created_at"]
    search_fields = ["creator__email", "label", "order_item__order__number"]
    date_hierarchy = "created_at"
    list_select_related = ["creator"]


@admin.register(EscrowHold)
class EscrowHoldAdmin(MoneyAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    """Money held for paid questions; released or refunded by the question."""

    list_display = ["created_at", "order_item", "amount", "status", "settled_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["order_item__order__number", "order_item__title"]
    date_hierarchy = "created_at"
    list_select_related = ["order_item"]


@admin.register(Payout)
class PayoutAdmin(MoneyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "creator",
        "amount",
        "status",
        "requested_at",
        "approved_by",
        "approved_at",
        "paid_at",
        "reference",
    ]
    list_filter = ["status", "requested_at"]
    search_fields = ["creator__email", "reference"]
    date_hierarchy = "requested_at"
    list_select_related = ["creator", "approved_by"]
    readonly_fields = [
        "creator",
        "amount",
        "status",
        "requested_at",
        "approved_by",
        "approved_at",
        "paid_at",
    ]
    fields = readonly_fields + ["reference"]
    actions = ["approve", "mark_paid", "reject"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _run(self, request, queryset, service, done_message, **kwargs):
        done = 0
        for payout in queryset.order_by("pk"):
            try:
                extra = {"reference": payout.reference} if "reference" in kwargs else {}
                service(payout_id=payout.pk, staff=request.user, **extra)
                done += 1
            except services.CommerceError as exc:
                self.message_user(
                    request, f"#{payout.pk}: {exc.message}", level=messages.ERROR
                )
        if done:
            self.message_user(request, done_message % {"count": done})

    @admin.action(description=_("Approve"))
    def approve(self, request, queryset):
        self._run(
            request, queryset, services.payout_approve, _("%(count)d payouts approved.")
        )

    @admin.action(description=_("Mark paid"))
    def mark_paid(self, request, queryset):
        self._run(
            request,
            queryset,
            services.payout_mark_paid,
            _("%(count)d payouts marked paid."),
            reference=True,
        )

    @admin.action(description=_("Reject"))
    def reject(self, request, queryset):
        self._run(
            request, queryset, services.payout_reject, _("%(count)d payouts rejected.")
        )


@admin.register(Fulfilment)
class FulfilmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["order_item", "created_at", "revoked_at"]
    list_filter = ["created_at"]
    search_fields = ["order_item__order__number", "order_item__title"]
    list_select_related = ["order_item"]


# --- The operations console (core/admin_console.py) --------------------------
def _paid_today() -> dict:
    return selectors.orders_paid_since(since=admin_console.today_start())


admin_console.queue_register(
    key="refund_requests",
    label=_("Refund requests"),
    count=selectors.refunds_requested_count,
    url_name="admin:commerce_refund_changelist",
    query="status__exact=requested",
    order=30,
)
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
