"""Background jobs of accounts: thin, take ids, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.emails import email_site_context, email_subject

from .models import CreatorApplication


@shared_task(
    autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True
)
def creator_application_notify(*, application_id: int) -> None:
    """Email the applicant the decision on their creator application."""
    application = CreatorApplication.objects.select_related("user").get(
        pk=application_id
    )
    if application.status == CreatorApplication.Status.PENDING:
        return
    with translation.override(settings.LANGUAGE_CODE):
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
    send_mail(subject, body, None, [application.user.email])
