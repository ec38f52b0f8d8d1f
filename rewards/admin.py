"""The rewards operations console: rules, the read-only ledger, adjustments,
badges, levels, the expert certification queue, challenges and redemptions."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import admin_console
from core.decisions_admin import DECISION_READONLY_FIELDS, DecisionAdminMixin
from core.money_admin import MoneyAdminMixin

from . import selectors, services, tasks
from .models import (
    AntiGamingPolicy,
    Badge,
    BadgeAward,
    Challenge,
    ChallengeParticipant,
    CourseQuality,
    CreatorLevel,
    ExpertApplication,
    ExpertAttachment,
    LearnerLevel,
    LevelThreshold,
    PointAdjustment,
    PointBalance,
    PointEntry,
    PointRule,
    QualityReview,
    Redemption,
    RedemptionRate,
    Suspension,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by services only: staff look, filter and search."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SingletonAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


def user_link(user):
    if user is None:
        return "—"
    url = reverse("admin:rewards_pointentry_changelist") + f"?user__id__exact={user.pk}"
    return format_html('<a href="{}">{}</a>', url, user)


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "points",
        "daily_cap",
        "is_active",
        "entries",
        "updated_at",
    ]
    list_editable = ["points", "daily_cap", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["event", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    @admin.display(description=_("entries"), ordering="entry_count")
    def entries(self, obj):
        url = (
            reverse("admin:rewards_pointentry_changelist")
            + f"?rule__id__exact={obj.pk}"
        )
        return format_html('<a href="{}">{}</a>', url, obj.entry_count)


@admin.register(PointEntry)
class PointEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "user_column",
        "kind",
        "rule",
        "points",
        "source_key",
        "actor",
        "reason",
    ]
    list_filter = ["kind", "rule", "day", "limited_bucket"]
    date_hierarchy = "created_at"
    search_fields = ["user__email", "source_key", "object_key", "reason"]
    list_select_related = ["user", "rule", "actor"]
    show_full_result_count = False

    @admin.display(description=_("user"), ordering="user__email")
    def user_column(self, obj):
        return user_link(obj.user)


class PointAdjustmentForm(forms.ModelForm):
    class Meta:
        model = PointAdjustment
        fields = ["user", "points", "reason"]

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("reason") or "").strip():
            self.add_error(
                "reason", _("Give a reason for the adjustment; it is recorded.")
            )
        if cleaned.get("points") == 0:
            self.add_error("points", _("Enter a number of points other than zero."))
        return cleaned

    def _post_clean(self):
        # Copy the fields onto the instance but skip model validation: the
        # ledger entry and the author are set by the service, not the form.
        from django.forms.models import construct_instance

        self.instance = construct_instance(self, self.instance, self._meta.fields)


@admin.register(PointAdjustment)
class PointAdjustmentAdmin(admin.ModelAdmin):
    form = PointAdjustmentForm
    list_display = ["created_at", "user", "points", "reason", "created_by"]
    list_filter = ["created_at"]
    search_fields = ["user__email", "reason"]
    list_select_related = ["user", "created_by"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        adjustment = services.points_adjust(
            user=form.cleaned_data["user"],
            points=form.cleaned_data["points"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        obj.pk = adjustment.pk
        obj.entry = adjustment.entry
        obj.created_by = adjustment.created_by
        obj.created_at = adjustment.created_at


@admin.register(PointBalance)
class PointBalanceAdmin(ReadOnlyAdmin):
    list_display = ["user", "points", "updated_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    ordering = ["-points"]


@admin.register(AntiGamingPolicy)
class AntiGamingPolicyAdmin(SingletonAdmin):
    list_display = ["__str__", "new_account_days", "new_account_vote_cap", "updated_at"]


@admin.register(RedemptionRate)
class RedemptionRateAdmin(SingletonAdmin):
    list_display = [
        "__str__",
        "points_per_unit",
        "min_points",
        "max_points",
        "coupon_valid_days",
        "is_active",
    ]


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ["user", "until", "reason", "created_at"]
    search_fields = ["user__email", "reason"]
    list_select_related = ["user"]


# --- Badges ---------------------------------------------------------------------


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    list_display = [
        "slug",
        "name_zh",
        "name_en",
        "criterion",
        "event",
        "threshold",
        "period_days",
        "holder_count",
        "is_active",
        "position",
    ]
    list_editable = ["is_active", "position"]
    list_filter = ["criterion", "is_active"]
    search_fields = ["slug", "name_zh", "name_en"]
    prepopulated_fields = {"slug": ["name_en"]}
    actions = ["evaluate_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(holders=Count("awards"))

    @admin.display(description=_("holders"), ordering="holders")
    def holder_count(self, obj):
        return obj.holders

    @admin.action(description=_("Award to everyone who meets the criterion now"))
    def evaluate_now(self, request, queryset):
        queued = tasks.badges_evaluate_recent_task.delay(days=36500)
        self.message_user(request, _("Badge evaluation queued (%s).") % queued.id)


@admin.register(BadgeAward)
class BadgeAwardAdmin(admin.ModelAdmin):
    list_display = ["awarded_at", "user", "badge", "reason", "awarded_by"]
    list_filter = ["badge", "awarded_at"]
    search_fields = ["user__email", "badge__slug", "reason"]
    list_select_related = ["user", "badge", "awarded_by"]
    raw_id_fields = ["user"]
    readonly_fields = ["awarded_by", "awarded_at"]
    date_hierarchy = "awarded_at"

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj.awarded_by = request.user
        super().save_model(request, obj, form, change)
        from django.core.cache import cache

        cache.delete(services.badge_cache_key(obj.user_id))


# --- Levels and quality ---------------------------------------------------------


@admin.register(LevelThreshold)
class LevelThresholdAdmin(admin.ModelAdmin):
    list_display = [
        "level",
        "min_published_courses",
        "min_learners",
        "min_average_rating",
        "min_quality_score",
        "commission_rate",
    ]
    list_editable = [
        "min_published_courses",
        "min_learners",
        "min_average_rating",
        "min_quality_score",
        "commission_rate",
    ]


@admin.register(CreatorLevel)
class CreatorLevelAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "level",
        "published_courses",
        "learners",
        "average_rating",
        "quality_score",
        "promoted_at",
        "computed_at",
    ]
    list_filter = ["level"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    actions = ["recompute"]

    def has_change_permission(self, request, obj=None):
        # Needed for actions; every field stays read-only.
        return request.user.has_perm("rewards.change_creatorlevel")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(description=_("Recompute the selected creators' levels now"))
    def recompute(self, request, queryset):
        for creator_id in queryset.values_list("user_id", flat=True):
            services.creator_level_recompute(creator_id=creator_id)
        self.message_user(request, _("Levels recomputed."))


@admin.register(CourseQuality)
class CourseQualityAdmin(ReadOnlyAdmin):
    list_display = [
        "course",
        "score",
        "rating_component",
        "completion_rate",
        "learner_ratings",
        "expert_reviews",
        "enrollments",
        "computed_at",
    ]
    search_fields = ["course__title"]
    list_select_related = ["course"]
    ordering = ["-score"]


@admin.register(QualityReview)
class QualityReviewAdmin(admin.ModelAdmin):
    list_display = [
        "course",
        "expert",
        "accuracy",
        "depth",
        "clarity",
        "practicality",
        "created_at",
    ]
    search_fields = ["course__title", "expert__email"]
    list_select_related = ["course", "expert"]
    raw_id_fields = ["course", "expert"]
    date_hierarchy = "created_at"


# --- Expert certification queue -------------------------------------------------


class ExpertAttachmentInline(admin.TabularInline):
    model = ExpertAttachment
    extra = 0
    fields = ["download", "size_bytes"]
    readonly_fields = ["download", "size_bytes"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("rewards:expert_attachment", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection (sent to the applicant)"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
    )


@admin.register(ExpertApplication)
class ExpertApplicationAdmin(DecisionAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "user",
        "field",
        "title",
        "status",
        "attachment_count",
        "decided_by",
    ]
    list_filter = ["status", "field"]
    search_fields = ["user__email", "title", "credentials"]
    list_select_related = ["user", "field", "decided_by"]
    readonly_fields = [
        "user",
        "field",
        "title",
        "credentials",
        *DECISION_READONLY_FIELDS,
    ]
    inlines = [ExpertAttachmentInline]
    date_hierarchy = "created_at"
    rejection_form_class = RejectionForm
    reject_template = "admin/rewards/reject_applications.html"
    reject_title = _("Reject expert applications")
    reject_select_related = ("user", "field")

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_files=Count("attachments"))

    @admin.display(description=_("attachments"), ordering="n_files")
    def attachment_count(self, obj):
        return obj.n_files

    def decision_approve(self, request, application):
        services.expert_application_approve(
            application_id=application.pk, by=request.user
        )

    def decision_reject(self, request, application, *, reason):
        services.expert_application_reject(
            application_id=application.pk, by=request.user, reason=reason
        )


# --- Challenges and redemptions -------------------------------------------------


class ParticipantInline(admin.TabularInline):
    model = ChallengeParticipant
    extra = 0
    fields = ["user", "check_ins", "current_streak", "best_streak", "completed_at"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-check_ins"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "course",
        "starts_on",
        "days",
        "lessons_per_day",
        "participant_count",
        "badge",
        "is_active",
    ]
    list_filter = ["is_active", "starts_on"]
    search_fields = ["title", "course__title"]
    list_select_related = ["course", "badge"]
    raw_id_fields = ["course"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [ParticipantInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("participants"))

    @admin.display(description=_("participants"), ordering="n")
    def participant_count(self, obj):
        return obj.n

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Redemption)
class RedemptionAdmin(MoneyAdminMixin, ReadOnlyAdmin):
    list_display = [
        "created_at",
        "user",
        "points",
        "amount",
        "status",
        "coupon_code",
        "error",
    ]
    list_filter = ["status", "created_at"]
    search_fields = ["user__email", "coupon_code"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("rewards.change_redemption")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(description=_("Try issuing the coupon again"))
    def retry(self, request, queryset):
        rate = RedemptionRate.current()
        for pk in queryset.filter(status="pending").values_list("pk", flat=True):
            tasks.redemption_fulfil_task.delay(
                redemption_id=pk, valid_days=rate.coupon_valid_days
            )
        self.message_user(request, _("Coupon issuing queued."))


# --- The operations console (core/admin_console.py) --------------------------
admin_console.queue_register(
    key="expert_applications",
    label=_("Expert applications"),
    count=selectors.expert_applications_pending_count,
    url_name="admin:rewards_expertapplication_changelist",
    query="status__exact=pending",
    order=50,
)


@admin.register(LearnerLevel)
class LearnerLevelAdmin(admin.ModelAdmin):
    """Learner levels: names in both languages and the points each needs."""

    list_display = ["min_points", "name_zh", "name_en", "color"]
    list_editable = ["name_zh", "name_en", "color"]
    ordering = ["min_points"]

    def _changed(self) -> None:
        from django.core.cache import cache

        from .selectors import LEARNER_LEVELS_CACHE_KEY

        cache.delete(LEARNER_LEVELS_CACHE_KEY)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._changed()
