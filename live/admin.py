"""The operations console for live: lectures, tickets, availability, bookings,
and one page with a day's schedule at a glance."""

from __future__ import annotations

from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.markdown import COURSE_TEXT, render_markdown
from core.time_admin import ZonedTimesAdminMixin, with_zone

from . import selectors, services
from .models import (
    Availability,
    Booking,
    ExpertProfile,
    LiveLecture,
    ReminderSent,
    ReplayPass,
    Slot,
    Ticket,
    seat_holding_q,
)
from .views.common import withdrawal_messages


def _report(modeladmin, request, done: int, failed: list[str], message) -> None:
    """Say how many were done (`message`: an `ngettext_lazy` keyed on "count")
    and the first ten failures."""
    if done:
        modeladmin.message_user(request, message % {"count": done}, messages.SUCCESS)
    for error in failed[:10]:
        modeladmin.message_user(request, error, messages.ERROR)


@admin.register(LiveLecture)
class LiveLectureAdmin(ZonedTimesAdminMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "creator_link",
        "category",
        "starts_at",
        "duration_minutes",
        "seats",
        "price",
        "status",
        "is_featured",
        "has_replay_file",
    )
    list_filter = ("status", "is_featured", "category", "members_included")
    search_fields = ("title", "creator__email", "creator__profile__display_name")
    date_hierarchy = "starts_at"
    list_select_related = ("creator", "category")
    autocomplete_fields = ("creator",)
    readonly_fields = (
        "ends_at",
        "cancelled_at",
        "moved_at",
        "replay_attached_at",
        "created_at",
        "updated_at",
    )
    actions = ("cancel_and_refund", "feature", "unfeature")
    ordering = ("-starts_at",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                taken=Count(
                    "tickets",
                    filter=seat_holding_q(prefix="tickets__"),
                    distinct=True,
                )
            )
        )

    #: Changed only through the services: a move tells the ticket holders (and
    #: keeps the end with the start), a cancellation refunds them, seats and
    #: prices are checked against the tickets sold, a replay's file is checked
    #: to be a recording, kept in protected storage and announced to them.
    SCHEDULE_FIELDS = (
        "creator",
        "starts_at",
        "duration_minutes",
        "time_zone",
        "capacity",
        "price",
        "members_included",
        "status",
        "cancel_reason",
        "replay_file",
        "replay_kind",
        "replay_for_sale",
        "replay_price",
    )

    def has_add_permission(self, request):
        # Creators schedule lectures in their studio (live.services.lecture_create).
        return False

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, *self.SCHEDULE_FIELDS)

    def save_model(self, request, obj, form, change):
        # The page shows the rendered text: edited here, it is rendered again.
        obj.description_html = render_markdown(
            obj.description or "", profile=COURSE_TEXT
        )
        super().save_model(request, obj, form, change)

    @admin.display(description=_("creator"), ordering="creator__email")
    def creator_link(self, obj):
        url = reverse("admin:accounts_user_change", args=[obj.creator_id])
        return format_html('<a href="{}">{}</a>', url, obj.creator)

    @admin.display(description=_("seats taken"), ordering="taken")
    def seats(self, obj):
        url = reverse("admin:live_ticket_changelist") + f"?lecture__id__exact={obj.pk}"
        return format_html('<a href="{}">{} / {}</a>', url, obj.taken, obj.capacity)

    @admin.display(description=_("replay"), boolean=True)
    def has_replay_file(self, obj):
        return bool(obj.replay_file)

    @admin.action(description=_("Cancel and refund every ticket"))
    def cancel_and_refund(self, request, queryset):
        done, failed = 0, []
        for lecture in queryset.order_by("pk"):
            try:
                services.lecture_cancel(
                    lecture=lecture,
                    actor=request.user,
                    reason=str(_("Cancelled by the platform")),
                )
            except (ValidationError, PermissionDenied) as error:
                failed.append(
                    f"{lecture}: {' '.join(getattr(error, 'messages', [str(error)]))}"
                )
            else:
                done += 1
        said = ngettext_lazy(
            "%(count)s lecture cancelled.", "%(count)s lectures cancelled.", "count"
        )
        _report(self, request, done, failed, said)

    @admin.action(description=_("Feature on the home page"))
    def feature(self, request, queryset):
        self._feature(request, queryset, True)

    @admin.action(description=_("Stop featuring"))
    def unfeature(self, request, queryset):
        self._feature(request, queryset, False)

    def _feature(self, request, queryset, featured: bool):
        done, failed = 0, []
        for lecture in queryset.order_by("pk"):
            try:
                services.lecture_feature(
                    lecture=lecture, actor=request.user, featured=featured
                )
            except ValidationError as error:
                failed.append(f"{lecture}: {' '.join(error.messages)}")
            else:
                done += 1
        said = ngettext_lazy(
            "%(count)s lecture updated.", "%(count)s lectures updated.", "count"
        )
        _report(self, request, done, failed, said)

    def get_urls(self):
        return [
            path(
                "day/",
                self.admin_site.admin_view(self.day_view),
                name="live_day_schedule",
            ),
            *super().get_urls(),
        ]

    def day_view(self, request):
        raw = request.GET.get("day", "")
        try:
            day = date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            self.message_user(
                request,
                _("“%(day)s” is not a date (YYYY-MM-DD).") % {"day": raw[:20]},
                messages.ERROR,
            )
            day = timezone.localdate()
        schedule = selectors.day_schedule(day)
        return TemplateResponse(
            request,
            "admin/live/day_schedule.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Live schedule"),
                "opts": self.model._meta,
                **schedule,
                "previous_day": day.fromordinal(day.toordinal() - 1),
                "next_day": day.fromordinal(day.toordinal() + 1),
            },
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "day_url": reverse("admin:live_day_schedule"),
        }
        return super().changelist_view(request, extra_context)


@admin.register(Ticket)
class TicketAdmin(ZonedTimesAdminMixin, admin.ModelAdmin):
    list_display = (
        "lecture",
        "user",
        "status",
        "source",
        "order_item_id",
        "hold_expires_at",
        "created_at",
    )
    list_filter = ("status", "source")
    search_fields = ("lecture__title", "user__email", "=order_item_id")
    date_hierarchy = "created_at"
    list_select_related = ("lecture", "user")
    autocomplete_fields = ("lecture", "user")
    readonly_fields = (
        "lecture",
        "user",
        "status",
        "source",
        "order_item_id",
        "hold_expires_at",
        "created_at",
        "activated_at",
        "ended_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(ReplayPass)
class ReplayPassAdmin(ZonedTimesAdminMixin, admin.ModelAdmin):
    list_display = ("lecture", "user", "order_item_id", "created_at", "revoked_at")
    search_fields = ("lecture__title", "user__email")
    list_select_related = ("lecture", "user")
    readonly_fields = ("lecture", "user", "order_item_id", "created_at", "revoked_at")

    def has_add_permission(self, request):
        return False


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "headline",
        "time_zone",
        "is_listed",
        "rating_count",
        "rating",
    )
    list_filter = ("is_listed", "topics")
    search_fields = ("user__email", "headline")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    filter_horizontal = ("topics",)
    readonly_fields = ("rating_count", "rating_sum", "created_at")

    def save_model(self, request, obj, form, change):
        # The expert's page shows the rendered text: rendered again when edited.
        obj.about_html = render_markdown(obj.about or "", profile=COURSE_TEXT)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("average rating"))
    def rating(self, obj):
        return obj.rating_average or "—"


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = (
        "expert",
        "first_day",
        "last_day",
        "start_time",
        "end_time",
        "time_zone",
        "slot_minutes",
        "price",
        "slot_count",
    )
    list_filter = ("time_zone", "slot_minutes")
    search_fields = ("expert__user__email", "expert__headline", "topic")
    list_select_related = ("expert__user",)
    readonly_fields = ("created_at",)
    actions = ("withdraw",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_slots=Count("slots"))

    @admin.display(description=_("slots"), ordering="n_slots")
    def slot_count(self, obj):
        return obj.n_slots

    @admin.action(description=_("Withdraw the unbooked future slots"))
    def withdraw(self, request, queryset):
        total = services.AvailabilityWithdrawn(0, 0)
        for availability in queryset.select_related("expert").order_by("pk"):
            done = services.availability_withdraw(
                availability=availability, actor=request.user
            )
            total = services.AvailabilityWithdrawn(
                total.withdrawn + done.withdrawn, total.booked + done.booked
            )
        for level, text in withdrawal_messages(total):
            self.message_user(request, text, level)


@admin.register(Slot)
class SlotAdmin(ZonedTimesAdminMixin, admin.ModelAdmin):
    list_display = ("expert", "starts_at", "ends_at", "price", "status")
    list_filter = ("status",)
    search_fields = ("expert__user__email", "expert__headline", "topic")
    date_hierarchy = "starts_at"
    list_select_related = ("expert__user",)
    raw_id_fields = ("expert", "availability")
    actions = ("withdraw",)

    @admin.action(description=_("Withdraw (unbooked slots only)"))
    def withdraw(self, request, queryset):
        done, failed = 0, []
        for slot in queryset.order_by("pk"):
            try:
                services.slot_withdraw(slot=slot, actor=request.user)
            except ValidationError as error:
                failed.append(f"{slot}: {' '.join(error.messages)}")
            else:
                done += 1
        withdrawn = ngettext_lazy(
            "%(count)s slot is withdrawn.", "%(count)s slots are withdrawn.", "count"
        )
        _report(self, request, done, failed, withdrawn)


@admin.register(Booking)
class BookingAdmin(ZonedTimesAdminMixin, admin.ModelAdmin):
    list_display = (
        "slot_start",
        "expert",
        "learner",
        "status",
        "refunded",
        "rating",
        "created_at",
    )
    list_filter = ("status", "refunded", "cancelled_by", "rating")
    search_fields = (
        "learner__email",
        "slot__expert__user__email",
        "note",
        "=order_item_id",
    )
    date_hierarchy = "created_at"
    list_select_related = ("slot__expert__user", "learner")
    raw_id_fields = ("slot", "learner")
    readonly_fields = (
        "slot",
        "learner",
        "status",
        "order_item_id",
        "hold_expires_at",
        "confirm_by",
        "requested_at",
        "confirmed_at",
        "ended_at",
        "cancelled_by",
        "end_reason",
        "refunded",
        "rating",
        "rating_comment",
        "rated_at",
        "created_at",
    )
    actions = ("cancel_and_refund",)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("starts"), ordering="slot__starts_at")
    def slot_start(self, obj):
        return with_zone(obj.slot.starts_at)

    @admin.display(description=_("expert"), ordering="slot__expert__user__email")
    def expert(self, obj):
        return obj.slot.expert.user

    @admin.action(description=_("Cancel and refund"))
    def cancel_and_refund(self, request, queryset):
        done, failed = 0, []
        for booking in queryset.order_by("pk"):
            try:
                services.booking_cancel(
                    booking=booking,
                    actor=request.user,
                    reason=str(_("Cancelled by the platform")),
                )
            except (ValidationError, PermissionDenied) as error:
                failed.append(
                    f"{booking}: {' '.join(getattr(error, 'messages', [str(error)]))}"
                )
            else:
                done += 1
        said = ngettext_lazy(
            "%(count)s booking cancelled and refunded.",
            "%(count)s bookings cancelled and refunded.",
            "count",
        )
        _report(self, request, done, failed, said)


@admin.register(ReminderSent)
class ReminderSentAdmin(ZonedTimesAdminMixin, admin.ModelAdmin):
    list_display = ("key", "user", "sent_at")
    search_fields = ("key", "user__email")
    list_select_related = ("user",)
    readonly_fields = ("key", "user", "sent_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Paid questions (their own module, same admin site).
from . import question_admin  # noqa: E402, F401
