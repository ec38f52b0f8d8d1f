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
    Schedule(
        name="live: refund unanswered questions",
        task="live.tasks.questions_expire_task",
        minute="*",
        description="Paid questions the expert did not answer by their deadline "
        "are refunded.",
    ),
    Schedule(
        name="live: pay accepted answers",
        task="live.tasks.questions_settle_task",
        minute="*/5",
        description="Answers the asker did not reject in time count as accepted; "
        "the escrowed money goes to the expert.",
    ),
    Schedule(
        name="live: reconcile paid questions",
        task="live.tasks.questions_reconcile_task",
        minute="*/10",
        description="Finish refunds and escrow releases that an error left behind.",
    ),
]
