"""Refund requests: staff approve (through the provider) or deny them; the
console's queue of open requests."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import admin_console
from core.money_admin import MoneyAdminMixin

from .. import selectors, services
from ..models import Refund
from .common import NoAddOrDeleteMixin, change_link


@admin.register(Refund)
class RefundAdmin(MoneyAdminMixin, NoAddOrDeleteMixin, admin.ModelAdmin):
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

    @admin.display(description=_("order"))
    def order_link(self, obj):
        return change_link(obj.order_item.order, obj.order_item.order.number)

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


# --- The operations console (core/admin_console.py) --------------------------
admin_console.queue_register(
    key="refund_requests",
    label=_("Refund requests"),
    count=selectors.refunds_requested_count,
    url_name="admin:commerce_refund_changelist",
    query="status__exact=requested",
    order=30,
)
