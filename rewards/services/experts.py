"""Expert certification: applications filed, approved or rejected by staff."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notification_send
from rewards.models import (
    Badge,
    ExpertApplication,
    ExpertAttachment,
)

from .badges import badge_award


@transaction.atomic
def expert_application_submit(
    *, user, field, title: str, credentials: str, files=()
) -> ExpertApplication:
    """File an application with its attachments (already validated by the form)."""
    if ExpertApplication.objects.filter(
        user=user, status=ExpertApplication.Status.PENDING
    ).exists():
        raise ValidationError(_("You already have an application waiting for review."))
    application = ExpertApplication.objects.create(
        user=user, field=field, title=title, credentials=credentials
    )
    for upload in files:
        ExpertAttachment.objects.create(
            application=application,
            file=upload,
            original_name=upload.name[:200],
            size_bytes=upload.size,
        )
    return application


def _expert_badge() -> Badge | None:
    return (
        Badge.objects.filter(criterion=Badge.Criterion.EXPERT, is_active=True)
        .order_by("position", "pk")
        .first()
    )


@transaction.atomic
def expert_application_approve(*, application_id: int, by) -> ExpertApplication:
    application = ExpertApplication.objects.select_for_update().get(pk=application_id)
    if application.status != ExpertApplication.Status.PENDING:
        raise ValidationError(_("This application has already been decided."))
    application.status = ExpertApplication.Status.APPROVED
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_by", "decided_at"])
    badge = _expert_badge()
    if badge is not None:
        badge_award(
            user_id=application.user_id, badge=badge, reason="certified expert", by=by
        )
    return application


@transaction.atomic
def expert_application_reject(
    *, application_id: int, by, reason: str
) -> ExpertApplication:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the applicant a reason for the rejection."))
    application = ExpertApplication.objects.select_for_update().get(pk=application_id)
    if application.status != ExpertApplication.Status.PENDING:
        raise ValidationError(_("This application has already been decided."))
    application.status = ExpertApplication.Status.REJECTED
    application.decided_by = by
    application.decided_at = timezone.now()
    application.rejection_reason = reason
    application.save(
        update_fields=["status", "decided_by", "decided_at", "rejection_reason"]
    )
    notification_send(
        recipient=application.user,
        kind="expert_rejected",
        target=application,
        params={"reason": reason},
        actor=by,
    )
    return application
