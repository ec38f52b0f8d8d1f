"""What creators earn and are paid: the earnings ledger, money held in escrow
for paid questions, and payouts."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.money_admin import MoneyAdminMixin

from .. import services
from ..models import CreatorEarning, EscrowHold, Payout
from .common import NoAddOrDeleteMixin, ReadOnlyMixin


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
class PayoutAdmin(MoneyAdminMixin, NoAddOrDeleteMixin, admin.ModelAdmin):
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

    def _run(self, request, queryset, service, done_message, **kwargs):
        """Call `service` on each payout; `done_message` is an `ngettext_lazy`
        keyed on "count"."""
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
        said = ngettext_lazy(
            "%(count)d payout approved.", "%(count)d payouts approved.", "count"
        )
        self._run(request, queryset, services.payout_approve, said)

    @admin.action(description=_("Mark paid"))
    def mark_paid(self, request, queryset):
        said = ngettext_lazy(
            "%(count)d payout marked paid.", "%(count)d payouts marked paid.", "count"
        )
        self._run(request, queryset, services.payout_mark_paid, said, reference=True)

    @admin.action(description=_("Reject"))
    def reject(self, request, queryset):
        said = ngettext_lazy(
            "%(count)d payout rejected.", "%(count)d payouts rejected.", "count"
        )
        self._run(request, queryset, services.payout_reject, said)
