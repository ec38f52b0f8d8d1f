"""Admin of notifications: what was sent to whom, and the email outbox."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Notification, NotificationPreference, OutboxEmail


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "recipient",
        "kind",
        "title_display",
        "created_at",
        "read_at",
        "emailed_at",
        "in_app",
    ]
    list_filter = ["kind", "in_app", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient__email", "kind", "fallback_title"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient", "actor", "actor__profile"]
    raw_id_fields = ["recipient", "actor"]
    readonly_fields = [
        "recipient",
        "kind",
        "params",
        "fallback_title",
        "url",
        "actor",
        "target_type",
        "target_id",
        "in_app",
        "dedupe_key",
        "created_at",
        "emailed_at",
    ]

    @admin.display(description=_("title"))
    def title_display(self, notification: Notification) -> str:
        return notification.title

    def has_add_permission(self, request):
        return False  # sent by the apps, through notification_send


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "in_app", "email", "digest", "updated_at"]
    list_filter = ["topic", "in_app", "email", "digest"]
    search_fields = ["user__email", "topic"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.action(description=_("Send the failed emails again"))
def retry_failed(modeladmin, request, queryset):
    count = services.outbox_retry(email_ids=queryset.values_list("pk", flat=True))
    modeladmin.message_user(
        request,
        ngettext("%(n)d email queued again.", "%(n)d emails queued again.", count)
        % {"n": count},
        messages.SUCCESS,
    )


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["to", "subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "key",
        "recipient",
        "to",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
    ]
    actions = [retry_failed]

    def has_add_permission(self, request):
        return False
