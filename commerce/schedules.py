"""Periodic jobs of commerce (crontab; `manage.py setup_schedules`)."""

from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        name="commerce: expire unpaid orders",
        task="commerce.tasks.orders_expire_task",
        minute="*/5",
        description="Close pending orders past ORDER_EXPIRY_MINUTES; release coupons.",
    ),
    Schedule(
        name="commerce: reconcile payments",
        task="commerce.tasks.reconcile_orders_task",
        minute="*/5",
        description="Capture confirmed payments and fulfil paid items left behind.",
    ),
    Schedule(
        name="commerce: release earnings",
        task="commerce.tasks.earnings_release_task",
        minute="15",
        hour="*",
        description="Earnings whose refund window closed become available.",
    ),
    Schedule(
        name="commerce: expire memberships",
        task="commerce.tasks.subscriptions_expire_task",
        minute="5",
        hour="*",
        description="Mark finished membership periods expired; tell the members.",
    ),
    Schedule(
        name="commerce: warn of ending memberships",
        task="commerce.tasks.subscriptions_expiry_notify_task",
        minute="20",
        hour="9",
        description=(
            "Tell members MEMBERSHIP_EXPIRY_NOTICE_DAYS ahead that a membership "
            "or column ends (once per period)."
        ),
    ),
]
