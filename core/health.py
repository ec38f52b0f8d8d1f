"""Health check of the Celery broker (kombu connection, no worker needed)."""

import dataclasses
import datetime

from django.conf import settings
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from kpplatform.celery import app


@dataclasses.dataclass
class Broker(HealthCheck):
    """Connects to the broker configured for Celery, giving up quickly."""

    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=2), repr=False
    )

    def run(self) -> None:
        try:
            # The URL is read from the settings at each check (not the copy
            # Celery took at start-up), so a changed setting is what is probed.
            with app.connection_for_write(url=settings.CELERY_BROKER_URL) as connection:
                connection.ensure_connection(
                    max_retries=1, timeout=self.timeout.total_seconds()
                )
        except Exception as error:  # any transport error means "down"
            raise ServiceUnavailable(
                f"Broker unreachable: {error.__class__.__name__}"
            ) from error
