"""Admin of notifications: what was sent to whom, and the email outbox."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import registry, services
from .models import Notification, NotificationPreference, OutboxEmail


class KindFilter(admin.SimpleListFilter):
    """Filter by kind, named by its label rather than its code ("mention")."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return sorted(
            ((k.key, registry.kind_label(k.key)) for k in registry.kinds()),
            key=lambda item: item[1],
        )

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "recipient",
        "kind_display",
        "title_display",
        "created_at",
        "read_at",
        "emailed_at",
        "in_app",
    ]
    list_filter = [KindFilter, "in_app", ("read_at", admin.EmptyFieldListFilter)]
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

    @admin.display(description=_("kind"), ordering="kind")
    def kind_display(self, notification: Notification) -> str:
        return registry.kind_label(notification.kind)

    @admin.display(description=_("title"))
    def title_display(self, notification: Notification) -> str:
        return notification.title

    def has_add_permission(self, request):
        return False  # sent by the apps, through notification_send


class TopicFilter(admin.SimpleListFilter):
    title = _("topic")
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        return [(t.key, t.label) for t in registry.topics()]

    def queryset(self, request, queryset):
        return queryset.filter(topic=self.value()) if self.value() else queryset


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "topic_display", "in_app", "email", "digest", "updated_at"]
    list_filter = [TopicFilter, "in_app", "email", "digest"]
    search_fields = ["user__email", "topic"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

    @admin.display(description=_("topic"), ordering="topic")
    def topic_display(self, preference: NotificationPreference) -> str:
        found = {t.key: t for t in registry.topics()}.get(preference.topic)
        return str(found.label) if found is not None else preference.topic


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
