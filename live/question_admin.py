"""Admin of paid questions: disputes to decide, timeouts, the staff's policy."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core.time_admin import ZonedTimesAdminMixin

from . import services
from .models import AnswerRead, PaidQuestion, QuestionPolicy


@admin.register(QuestionPolicy)
class QuestionPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "answer_hours",
        "accept_hours",
        "read_price",
        "asker_share",
        "min_price",
        "updated_at",
    ]

    def has_add_permission(self, request) -> bool:
        # One policy: the first row is the one in force.
        return not QuestionPolicy.objects.exists() and super().has_add_permission(
            request
        )


class AnswerReadInline(admin.TabularInline):
    model = AnswerRead
    extra = 0
    can_delete = False
    fields = ["user", "status", "order_item_id", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PaidQuestion)
class PaidQuestionAdmin(ZonedTimesAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "short_body",
        "expert",
        "asker",
        "price",
        "status",
        "answer_by",
        "accept_by",
        "refunded",
        "is_public",
        "created_at",
    ]
    list_filter = ["status", "is_public", "refunded", "created_at"]
    search_fields = ["body", "asker__email", "expert__user__email", "expert__headline"]
    date_hierarchy = "created_at"
    list_select_related = ["expert__user", "asker"]
    autocomplete_fields = ["asker"]
    raw_id_fields = ["expert"]
    inlines = [AnswerReadInline]
    readonly_fields = [
        "expert",
        "asker",
        "body",
        "price",
        "status",
        "order_item_id",
        "paid_at",
        "answer_by",
        "answer",
        "answered_at",
        "accept_by",
        "rejected_at",
        "reject_reason",
        "decided_by",
        "decision_note",
        "settled_at",
        "refunded",
        "is_public",
        "made_public_at",
        "created_at",
    ]
    actions = ["refund_disputed", "uphold_disputed", "expire_overdue"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=pgettext_lazy("paid question", "question"))
    def short_body(self, obj: PaidQuestion) -> str:
        return obj.body[:50]

    def _decide(self, request, queryset, *, refund: bool) -> None:
        done = 0
        for question in queryset.order_by("pk"):
            try:
                services.question_dispute_decide(
                    question_id=question.pk,
                    staff=request.user,
                    refund=refund,
                    note=str(
                        _("Refunded by staff")
                        if refund
                        else _("Answer upheld by staff")
                    ),
                )
            except ValidationError as error:
                self.message_user(
                    request,
                    f"#{question.pk}: {' '.join(error.messages)}",
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)s dispute decided.", "%(count)s disputes decided.", done
                )
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Dispute: refund the asker"))
    def refund_disputed(self, request, queryset):
        self._decide(request, queryset, refund=True)

    @admin.action(description=_("Dispute: uphold the answer and pay the expert"))
    def uphold_disputed(self, request, queryset):
        self._decide(request, queryset, refund=False)

    @admin.action(description=_("Refund questions past their deadline now"))
    def expire_overdue(self, request, queryset):
        done = sum(
            services.question_expire(question_id=pk)
            for pk in queryset.filter(status=PaidQuestion.Status.OPEN).values_list(
                "pk", flat=True
            )
        )
        self.message_user(
            request,
            ngettext(
                "%(count)s question refunded.", "%(count)s questions refunded.", done
            )
            % {"count": done},
            messages.SUCCESS,
        )
