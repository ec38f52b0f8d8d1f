"""Periodic jobs of notifications (rows of django-celery-beat; see setup_schedules)."""

from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        name="notifications: email digests",
        task="notifications.tasks.send_digests",
        minute="0",
        hour="8,20",
        description="Emails each person the notifications they want in a digest.",
    ),
    Schedule(
        name="notifications: drain the email outbox",
        task="notifications.tasks.drain_outbox",
        minute="*",
        description="Sends queued emails whose task was lost (broker down).",
    ),
]
