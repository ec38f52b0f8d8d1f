"""Expert certification: applications filed, approved or rejected by staff."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.decisions import (
    DecisionStatus,
    decision_lock_pending,
    decision_record,
    decision_submit,
    rejection_reason_clean,
)
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
    application = decision_submit(
        ExpertApplication,
        user=user,
        already_pending=_("You already have an application waiting for review."),
        field=field,
        title=title,
        credentials=credentials,
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


def _lock_pending(application_id: int) -> ExpertApplication:
    return decision_lock_pending(
        ExpertApplication,
        pk=application_id,
        already_decided=_("This application has already been decided."),
    )


@transaction.atomic
def expert_application_approve(*, application_id: int, by) -> ExpertApplication:
    application = _lock_pending(application_id)
    decision_record(application, by=by, status=DecisionStatus.APPROVED)
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
    reason = rejection_reason_clean(
        reason, missing=_("Give the applicant a reason for the rejection.")
    )
    application = _lock_pending(application_id)
    decision_record(application, by=by, status=DecisionStatus.REJECTED, reason=reason)
    notification_send(
        recipient=application.user,
        kind="expert_rejected",
        target=application,
        params={"reason": reason},
        actor=by,
    )
    return application
