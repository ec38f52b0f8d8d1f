"""Applications that staff approve or reject: the shared decision machinery.

Creator applications (accounts) and expert applications (rewards) are decided
the same way: an application waits as pending, staff approve it or reject it
with a reason the applicant reads, and who decided and when is recorded. This
module holds that part once; each app keeps its own model (what is applied
for), its own messages and what a decision does (a role, a badge, an email).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class DecisionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class StaffDecision(models.Model):
    """Abstract: the status and audit fields of an application staff decide.

    A subclass adds the applicant (`user`, with its own related name) and what
    is applied for, and declares `one_pending_per_user(name=...)` among its
    constraints.
    """

    Status = DecisionStatus

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DecisionStatus.choices,
        default=DecisionStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


def one_pending_per_user(*, name: str) -> models.UniqueConstraint:
    """The constraint behind "one open application per user at a time"."""
    return models.UniqueConstraint(
        fields=["user"],
        condition=models.Q(status=DecisionStatus.PENDING.value),
        name=name,
    )


Application = TypeVar("Application", bound=StaffDecision)


def decision_submit(
    model: type[Application],
    *,
    user: AbstractBaseUser,
    already_pending: str,
    **fields,
) -> Application:
    """Create a pending application, or ValidationError (code ``pending``).

    The unique constraint answers a concurrent double submit with the same
    message as the check before it. Call inside the caller's transaction.
    """
    error = ValidationError(already_pending, code="pending")
    if model.objects.filter(user=user, status=DecisionStatus.PENDING).exists():
        raise error
    try:
        with transaction.atomic():
            return model.objects.create(user=user, **fields)
    except IntegrityError as integrity:
        raise error from integrity


def decision_lock_pending(
    model: type[Application], *, pk: int, already_decided: str
) -> Application:
    """The application, locked, or ValidationError (code ``decided``)."""
    application = model.objects.select_for_update().get(pk=pk)
    if application.status != DecisionStatus.PENDING:
        raise ValidationError(already_decided, code="decided")
    return application


def decision_record(
    application: StaffDecision,
    *,
    by: AbstractBaseUser,
    status: DecisionStatus,
    reason: str = "",
) -> None:
    """Write the decision on a locked pending application (see above)."""
    application.status = status
    application.decided_at = timezone.now()
    application.decided_by = by
    update_fields = ["status", "decided_at", "decided_by"]
    if status == DecisionStatus.REJECTED:
        application.rejection_reason = reason
        update_fields.append("rejection_reason")
    application.save(update_fields=update_fields)


def rejection_reason_clean(reason: str | None, *, missing: str) -> str:
    """The reason as stored, or ValidationError (code ``no_reason``) when empty."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(missing, code="no_reason")
    return reason
