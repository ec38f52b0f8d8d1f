"""Analytics in the admin: the staff dashboards and the runs behind them."""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from core.ids import parse_id

from .dashboards import DASHBOARDS
from .dashboards.filters import Scope, category_choices
from .forms import NudgeForm, RangeForm
from .models import DailySiteStat, Nudge, RiskModelRun, RollupRun, SegmentRun


def csv_response(chart, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    response.write(chart.csv())
    return response


def _course_param(request) -> int | None:
    return parse_id(request.GET.get("course", ""))


@admin.register(DailySiteStat)
class DailySiteStatAdmin(admin.ModelAdmin):
    """The daily site numbers, and the dashboards built on the rollups."""

    list_display = ["day", "dau", "wau", "mau", "signups", "enrolments", "completions"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "dashboards/<slug:name>/",
                view(self.dashboard_view),
                name="analytics_dashboard",
            ),
            path(
                "dashboards/<slug:name>/<slug:chart>.csv",
                view(self.dashboard_csv),
                name="analytics_dashboard_csv",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "dashboards": [
                (reverse("admin:analytics_dashboard", args=[key]), label)
                for key, (label, _builder) in DASHBOARDS.items()
            ],
        }
        return super().changelist_view(request, extra_context=extra_context)

    def _board(self, request, name):
        if name not in DASHBOARDS or not self.has_view_permission(request):
            raise Http404
        form = RangeForm(request.GET or None, categories=category_choices())
        start, end, category = form.range()
        scope = Scope(start, end, category, _course_param(request))
        return form, DASHBOARDS[name][1](scope)

    def dashboard_view(self, request, name):
        form, board = self._board(request, name)
        query = request.GET.urlencode()
        context = {
            **self.admin_site.each_context(request),
            "title": board.title,
            "opts": self.model._meta,
            "board": board,
            "form": form,
            "query": query,
            "tabs": [
                (key, label, reverse("admin:analytics_dashboard", args=[key]))
                for key, (label, _builder) in DASHBOARDS.items()
            ],
            "charts_data": {c.key: c.payload() for c in board.charts},
            "csv_urls": {
                c.key: reverse("admin:analytics_dashboard_csv", args=[name, c.key])
                + (f"?{query}" if query else "")
                for c in board.charts
            },
            "nudge_form": NudgeForm(),
            "no_numbers": _("No numbers for this range yet."),
        }
        return TemplateResponse(request, "admin/analytics/dashboard.html", context)

    def dashboard_csv(self, request, name, chart):
        _form, board = self._board(request, name)
        found = board.chart(chart)
        if found is None:
            raise Http404
        return csv_response(found, f"{name}-{chart}.csv")


@admin.register(RiskModelRun)
class RiskModelRunAdmin(admin.ModelAdmin):
    list_display = [
        "day",
        "status",
        "roc_auc",
        "pr_auc",
        "base_rate",
        "train_n",
        "test_n",
        "test_from",
        "scored",
        "seconds",
    ]
    list_filter = ["status"]
    date_hierarchy = "day"
    readonly_fields = [f.name for f in RiskModelRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SegmentRun)
class SegmentRunAdmin(admin.ModelAdmin):
    list_display = ["day", "status", "learners", "clusters", "silhouette", "seconds"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in SegmentRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(RollupRun)
class RollupRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "trigger",
        "first_day",
        "last_day",
        "percent",
        "events_read",
        "status",
        "seconds",
    ]
    list_filter = ["status", "trigger"]
    readonly_fields = [f.name for f in RollupRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Nudge)
class NudgeAdmin(admin.ModelAdmin):
    list_display = [
        "sent_on",
        "enrollment_id",
        "user_id",
        "course_id",
        "sender",
        "risk",
    ]
    list_select_related = ["sender"]
    date_hierarchy = "sent_on"
    readonly_fields = [f.name for f in Nudge._meta.fields]

    def has_add_permission(self, request):
        return False
