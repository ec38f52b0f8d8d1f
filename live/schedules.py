"""Periodic jobs of live (crontab; `manage.py setup_schedules`)."""

from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        name="live: send reminders",
        task="live.tasks.reminders_send_task",
        minute="*",
        description="The day before and LIVE_REMINDER_SOON_MINUTES before a "
        "lecture or consultation; each reminder once.",
    ),
    Schedule(
        name="live: refund unconfirmed bookings",
        task="live.tasks.bookings_expire_unconfirmed_task",
        minute="*/5",
        description="Bookings the expert did not confirm by their deadline are "
        "refunded.",
    ),
    Schedule(
        name="live: reconcile refunds",
        task="live.tasks.live_reconcile_task",
        minute="*/10",
        description="Refund tickets of cancelled lectures and ended bookings that "
        "an error left behind.",
    ),
]
