"""Admin of automatic grading: models per question, trainings, retrain now."""

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import GradingModel, GradingRun, ScoreSuggestion
from . import services


def _float(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


@admin.register(GradingModel)
class GradingModelAdmin(admin.ModelAdmin):
    list_display = [
        "assignment",
        "course",
        "status",
        "graded_count",
        "trained_at",
        "pearson",
        "rmse",
        "holdout_count",
        "retrain_requested_at",
        "run_link",
    ]
    list_filter = ["status", "trained_at"]
    search_fields = [
        "assignment__lesson__title",
        "assignment__lesson__section__course__title",
    ]
    list_select_related = ["assignment__lesson__section__course", "run"]
    readonly_fields = [f.name for f in GradingModel._meta.fields if f.name != "id"]
    actions = ["retrain_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("course"))
    def course(self, obj):
        return obj.assignment.lesson.section.course

    @admin.display(description=_("hold-out r"), ordering="holdout_pearson")
    def pearson(self, obj):
        return _float(obj.holdout_pearson)

    @admin.display(description=_("hold-out RMSE (points)"), ordering="holdout_rmse")
    def rmse(self, obj):
        return _float(obj.holdout_rmse)

    @admin.display(description=_("training"))
    def run_link(self, obj):
        if obj.run_id is None:
            return "–"
        url = reverse("admin:learning_gradingrun_change", args=[obj.run_id])
        return format_html('<a href="{}">#{}</a>', url, obj.run_id)

    @admin.action(description=_("Retrain now"))
    def retrain_now(self, request, queryset):
        for model in queryset.select_related("assignment"):
            services.grading_model_request_retrain(assignment=model.assignment)
        self.message_user(
            request,
            ngettext(
                "Retraining requested for %(n)d question; the worker trains them all.",
                "Retraining requested for %(n)d questions; the worker trains them all.",
                queryset.count(),
            )
            % {"n": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(GradingRun)
class GradingRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "status",
        "reason",
        "questions",
        "rows",
        "cv_r",
        "cv_error",
        "seconds_taken",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["reason", "message"]
    date_hierarchy = "created_at"
    readonly_fields = [
        f.name for f in GradingRun._meta.fields if f.name not in ("id", "model_blob")
    ]
    exclude = ["model_blob"]
    change_list_template = "admin/learning/gradingrun/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("model_blob")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("cross-validated r"), ordering="cv_pearson")
    def cv_r(self, obj):
        return _float(obj.cv_pearson)

    @admin.display(description=_("cross-validated RMSE"), ordering="cv_rmse")
    def cv_error(self, obj):
        return _float(obj.cv_rmse, 3)

    @admin.display(description=_("seconds"), ordering="seconds")
    def seconds_taken(self, obj):
        return _float(obj.seconds, 1)

    def get_urls(self):
        return [
            path(
                "retrain/",
                self.admin_site.admin_view(self.retrain_view),
                name="learning_gradingrun_retrain",
            ),
            *super().get_urls(),
        ]

    def retrain_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        services.grading_retrain_request(reason=f"retrain now by {request.user}")
        self.message_user(
            request,
            _("Training started in the worker; refresh this list to see it."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:learning_gradingrun_changelist"))


@admin.register(ScoreSuggestion)
class ScoreSuggestionAdmin(admin.ModelAdmin):
    list_display = [
        "submission",
        "score",
        "low",
        "high",
        "confidence",
        "reference_only",
        "created_at",
    ]
    list_filter = ["reference_only", "created_at"]
    search_fields = ["submission__user__email", "submission__assignment__lesson__title"]
    list_select_related = ["submission__user", "submission__assignment__lesson"]
    readonly_fields = [f.name for f in ScoreSuggestion._meta.fields if f.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
