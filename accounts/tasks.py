"""Background jobs of accounts: thin, take ids, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(
    autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True
)
def creator_application_notify(*, application_id: int) -> None:
    """Email the applicant the decision on their creator application."""
    services.creator_application_email(application_id=application_id)
