"""The approve and reject actions of an application queue in the admin.

The admin of a `core.decisions.StaffDecision` model mixes in
`DecisionAdminMixin` and says what approving and rejecting one application
means in its app (a service call each); the actions, the reason page and the
messages staff read are the same for every queue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import ClassVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .decisions import DecisionStatus, StaffDecision

# Staff decide through the actions only: the decision fields are never edited.
DECISION_READONLY_FIELDS = (
    "status",
    "created_at",
    "decided_at",
    "decided_by",
    "rejection_reason",
)


def _decide_each(
    model_admin: admin.ModelAdmin,
    request,
    applications: Iterable[StaffDecision],
    decide: Callable[[StaffDecision], object],
) -> int:
    """Decide one application after another; say which could not be decided."""
    done = 0
    for application in applications:
        try:
            decide(application)
            done += 1
        except ValidationError as error:
            model_admin.message_user(
                request, f"{application}: {error.messages[0]}", messages.WARNING
            )
    return done


def decisions_approve(
    model_admin: admin.ModelAdmin,
    request,
    applications: Iterable[StaffDecision],
    approve: Callable[[StaffDecision], object],
) -> None:
    """Approve each application with `approve` and report the count to staff."""
    done = _decide_each(model_admin, request, applications, approve)
    model_admin.message_user(
        request,
        ngettext(
            "%(count)d application approved.", "%(count)d applications approved.", done
        )
        % {"count": done},
        messages.SUCCESS if done else messages.WARNING,
    )


class DecisionAdminMixin:
    """`approve` and `reject` actions for a ModelAdmin of a StaffDecision model.

    A subclass implements `decision_approve` and `decision_reject` (each calls
    its app's service) and names the reason page: `reject_template`,
    `reject_title` and `rejection_form_class` (a form with a `reason` field).
    """

    actions: ClassVar[list[str]] = ["approve", "reject"]
    rejection_form_class: type[forms.Form]
    reject_template: str
    reject_title: str
    # Related rows the reason page shows for each application.
    reject_select_related: tuple[str, ...] = ("user",)

    def decision_approve(self, request, application: StaffDecision) -> None:
        raise NotImplementedError

    def decision_reject(
        self, request, application: StaffDecision, *, reason: str
    ) -> None:
        raise NotImplementedError

    @admin.action(description=_("Approve the selected applications"))
    def approve(self, request, queryset):
        decisions_approve(
            self,
            request,
            queryset.order_by("pk"),
            lambda application: self.decision_approve(request, application),
        )

    @admin.action(description=_("Reject the selected applications (reason required)"))
    def reject(self, request, queryset):
        pending = queryset.filter(status=DecisionStatus.PENDING).order_by("pk")
        if "apply" in request.POST:
            form = self.rejection_form_class(request.POST)
            if form.is_valid():
                reason = form.cleaned_data["reason"]
                done = _decide_each(
                    self,
                    request,
                    pending,
                    lambda application: self.decision_reject(
                        request, application, reason=reason
                    ),
                )
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d application rejected.",
                        "%(count)d applications rejected.",
                        done,
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
                return None
        else:
            form = self.rejection_form_class()
        context = {
            **self.admin_site.each_context(request),
            "title": self.reject_title,
            "applications": pending.select_related(*self.reject_select_related),
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, self.reject_template, context)
