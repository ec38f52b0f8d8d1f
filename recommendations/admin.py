"""The recommender's operations console: weights, runs (retrain now + progress), experiments."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.tasks import enqueue

from . import selectors, services
from .algorithms import ALGORITHMS
from .models import (
    ActiveRun,
    CourseView,
    Dismissal,
    Experiment,
    FeedKind,
    FeedMix,
    FeedSlot,
    ModelRun,
    Recommendation,
    SignalWeight,
    Variant,
)


def _algorithm_choices():
    return [(name, f"{cls.label} ({name})") for name, cls in ALGORITHMS.items()]


@admin.register(SignalWeight)
class SignalWeightAdmin(admin.ModelAdmin):
    list_display = ["signal", "weight", "updated_at"]
    list_editable = ["weight"]
    ordering = ["signal"]


class FeedSlotInline(admin.TabularInline):
    model = FeedSlot
    extra = 0
    max_num = len(FeedKind.choices)
    fields = ["kind", "enabled", "weight", "max_items"]


@admin.register(FeedMix)
class FeedMixAdmin(admin.ModelAdmin):
    """One row: the home feed's length, the quality weight, each kind's share.

    The list opens the row itself (or the form to create it when the data
    migration's row was deleted); a change shows on the next page load.
    """

    list_display = ["__str__", "size", "quality_weight", "slots_summary", "updated_at"]
    fields = ["size", "quality_weight", "updated_at"]
    readonly_fields = ["updated_at"]
    inlines = [FeedSlotInline]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not FeedMix.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        mix = FeedMix.objects.order_by("pk").first()
        if mix is None:
            return HttpResponseRedirect(reverse("admin:recommendations_feedmix_add"))
        return HttpResponseRedirect(
            reverse("admin:recommendations_feedmix_change", args=[mix.pk])
        )

    @admin.display(description=_("mix"))
    def slots_summary(self, obj):
        return ", ".join(
            f"{slot.get_kind_display()} {slot.weight}"
            for slot in obj.slots.all()
            if slot.enabled
        )


class RetrainForm(forms.Form):
    algorithm = forms.ChoiceField(label=_("algorithm"), choices=_algorithm_choices)


def _start_run(request, algorithm: str) -> ModelRun:
    from .tasks import execute_run

    run = services.model_run_create(algorithm=algorithm, triggered_by=request.user)
    enqueue(execute_run, run.pk)
    return run


@admin.register(ModelRun)
class ModelRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "algorithm_display",
        "status",
        "stage_display",
        "progress_bar",
        "is_active_run",
        "n_users",
        "n_items",
        "n_interactions",
        "n_recommendations",
        "rmse",
        "ndcg",
        "recall",
        "coverage",
        "stars_weight",
        "created_at",
        "triggered_by",
    ]
    list_filter = ["status", "algorithm"]
    date_hierarchy = "created_at"
    list_select_related = ["triggered_by"]
    readonly_fields = [f.name for f in ModelRun._meta.fields if f.name not in ("id",)]
    actions = ["retrain_now"]
    change_list_template = "admin/recommendations/modelrun/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        self._active = set(ActiveRun.objects.values_list("run_id", flat=True))
        return super().get_queryset(request)

    @admin.display(description=_("serving"), boolean=True)
    def is_active_run(self, obj):
        return obj.pk in getattr(self, "_active", set())

    @admin.display(description=_("algorithm"), ordering="algorithm")
    def algorithm_display(self, obj):
        found = ALGORITHMS.get(obj.algorithm)
        if found is None:
            return obj.algorithm
        return format_html("{} <small>({})</small>", found.label, obj.algorithm)

    @admin.display(description=_("stage"), ordering="stage")
    def stage_display(self, obj):
        return obj.stage_label

    @admin.display(description=_("progress"))
    def progress_bar(self, obj):
        url = reverse("admin:recommendations_modelrun_progress", args=[obj.pk])
        return format_html(
            '<a href="{}"><progress max="100" value="{}" aria-label="{}"></progress>'
            " {}%</a>",
            url,
            obj.progress,
            _("Progress of run %(id)s") % {"id": obj.pk},
            obj.progress,
        )

    @staticmethod
    def _metric(obj, key: str) -> str:
        value = (obj.metrics or {}).get(key)
        return f"{value:.3f}" if isinstance(value, float) else "–"

    @admin.display(description="RMSE")
    def rmse(self, obj):
        """Rating models: error of the predicted stars on held-out reviews."""
        return self._metric(obj, "rmse")

    @admin.display(description="NDCG@10")
    def ndcg(self, obj):
        return self._metric(obj, "ndcg@10")

    @admin.display(description=_("recall@10"))
    def recall(self, obj):
        return self._metric(obj, "recall@10")

    @admin.display(description=_("coverage@10"))
    def coverage(self, obj):
        return self._metric(obj, "coverage@10")

    @admin.display(description=_("weight of predicted stars"))
    def stars_weight(self, obj):
        """Blends of a ranking model with predicted stars: the weight learned."""
        return self._metric(obj, "stars_weight")

    @admin.action(description=_("Retrain now with the same algorithm"))
    def retrain_now(self, request, queryset):
        algorithms = sorted(set(queryset.values_list("algorithm", flat=True)))
        runs = [_start_run(request, name) for name in algorithms]
        if len(runs) == 1:
            return HttpResponseRedirect(
                reverse("admin:recommendations_modelrun_progress", args=[runs[0].pk])
            )
        self.message_user(
            request,
            ngettext("%(n)d retrain started.", "%(n)d retrains started.", len(runs))
            % {"n": len(runs)},
            messages.SUCCESS,
        )
        return None

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "retrain/",
                view(self.retrain_view),
                name="recommendations_modelrun_retrain",
            ),
            path(
                "<int:run_id>/progress/",
                view(self.progress_view),
                name="recommendations_modelrun_progress",
            ),
            path(
                "<int:run_id>/progress/status/",
                view(self.progress_status_view),
                name="recommendations_modelrun_progress_status",
            ),
            *super().get_urls(),
        ]

    def retrain_view(self, request):
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = RetrainForm(
            request.POST or None,
            initial={"algorithm": services.default_algorithm()},
        )
        if request.method == "POST" and form.is_valid():
            run = _start_run(request, form.cleaned_data["algorithm"])
            return HttpResponseRedirect(
                reverse("admin:recommendations_modelrun_progress", args=[run.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Retrain recommendations now"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/recommendations/modelrun/retrain.html", context
        )

    def progress_view(self, request, run_id: int):
        run = get_object_or_404(ModelRun, pk=run_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Run #%(id)s: %(algorithm)s")
            % {"id": run.pk, "algorithm": run.algorithm},
            "run": run,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/recommendations/modelrun/progress.html", context
        )

    def progress_status_view(self, request, run_id: int):
        """The htmx fragment (or JSON) the progress page polls."""
        run = get_object_or_404(ModelRun, pk=run_id)
        if request.headers.get("HX-Request"):
            return TemplateResponse(
                request,
                "admin/recommendations/modelrun/_progress.html",
                {"run": run},
            )
        return JsonResponse(
            {
                "status": run.status,
                "stage": run.stage,
                "progress": run.progress,
                "error": run.error,
            }
        )


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["user", "rank", "course", "score", "reason", "reason_course", "run"]
    list_filter = ["reason", "run__algorithm"]
    search_fields = ["user__email", "course__title"]
    list_select_related = ["user", "course", "reason_course", "run"]
    raw_id_fields = ["run", "user", "course", "reason_course", "reason_category"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Dismissal)
class DismissalAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "created_at"]
    search_fields = ["user__email", "course__title"]
    list_select_related = ["user", "course"]
    raw_id_fields = ["user", "course"]
    date_hierarchy = "created_at"


@admin.register(CourseView)
class CourseViewAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "count", "last_viewed_at"]
    search_fields = ["user__email", "course__title"]
    list_select_related = ["user", "course"]
    raw_id_fields = ["user", "course"]
    show_full_result_count = False


class VariantForm(forms.ModelForm):
    algorithm = forms.ChoiceField(label=_("algorithm"), choices=_algorithm_choices)

    class Meta:
        model = Variant
        fields = ["name", "algorithm", "weight"]


class VariantInline(admin.TabularInline):
    model = Variant
    form = VariantForm
    extra = 2
    min_num = 2


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "started_at", "results_link"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["is_active", "started_at"]
    inlines = [VariantInline]
    actions = ["start", "stop"]

    @admin.display(description=_("results"))
    def results_link(self, obj):
        url = reverse("admin:recommendations_experiment_results", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Results"))

    @admin.action(description=_("Start the selected experiment (stops any other)"))
    def start(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Select exactly one experiment to start."), messages.ERROR
            )
            return
        experiment = services.experiment_start(experiment=queryset.get())
        self.message_user(
            request,
            _(
                "%(name)s is running. Its algorithms are trained by the next "
                "retrain (or use Retrain now)."
            )
            % {"name": experiment.name},
            messages.SUCCESS,
        )

    @admin.action(description=_("Stop the selected experiments"))
    def stop(self, request, queryset):
        for experiment in queryset:
            services.experiment_stop(experiment=experiment)

    def get_urls(self):
        return [
            path(
                "<int:experiment_id>/results/",
                self.admin_site.admin_view(self.results_view),
                name="recommendations_experiment_results",
            ),
            *super().get_urls(),
        ]

    def results_view(self, request, experiment_id: int):
        experiment = get_object_or_404(Experiment, pk=experiment_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Results of %(name)s") % {"name": experiment.name},
            "experiment": experiment,
            "results": selectors.experiment_results(experiment),
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/recommendations/experiment/results.html", context
        )
