"""Background jobs of accounts: thin, take ids, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.emails import email_site_context, email_subject
from core.tasks import IDEMPOTENT
from notifications.selectors import recipient_language
from notifications.services import email_queue, notification_send

from .models import CreatorApplication


@shared_task(**IDEMPOTENT)
def creator_application_notify(*, application_id: int) -> None:
    """Tell the applicant the decision: a notification and an email, each once.

    Safe to run twice: the notification's dedupe key and the outbox key are
    the application and its decision.
    """
    application = CreatorApplication.objects.select_related(
        "user", "user__profile"
    ).get(pk=application_id)
    if application.status == CreatorApplication.Status.PENDING:
        return
    key = f"accounts.creator_application:{application.pk}:{application.status}"
    approved = application.status == CreatorApplication.Status.APPROVED
    with transaction.atomic():
        _decision_send(application, key=key, approved=approved)


def _decision_send(application: CreatorApplication, *, key: str, approved: bool):
    notification_send(
        recipient=application.user,
        kind=(
            "creator_application_approved"
            if approved
            else "creator_application_rejected"
        ),
        target=application,
        params={} if approved else {"reason": application.rejection_reason},
        dedupe_key=key,
    )
    with translation.override(recipient_language(application.user)):
        context = {
            **email_site_context(),
            "application": application,
            "user": application.user,
            "apply_url": settings.SITE_URL.rstrip("/")
            + reverse("accounts:creator_apply"),
        }
        subject = email_subject(
            render_to_string("accounts/email/creator_decision_subject.txt", context)
        )
        body = render_to_string("accounts/email/creator_decision_message.txt", context)
    email_queue(recipient=application.user, key=key, subject=subject, body=body)
