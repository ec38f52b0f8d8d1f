"""Periodic jobs of the rewards app (crontab; `manage.py setup_schedules`)."""

from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        name="rewards: course quality scores",
        task="rewards.tasks.course_quality_recompute_all_task",
        minute="10",
        hour="2",
        description="Recompute every published course's quality score.",
    ),
    Schedule(
        name="rewards: creator levels",
        task="rewards.tasks.creator_levels_recompute_all_task",
        minute="40",
        hour="2",
        description="Recompute creator levels after the quality scores.",
    ),
    Schedule(
        name="rewards: leaderboard totals",
        task="rewards.tasks.points_totals_reconcile_task",
        minute="50",
        hour="3",
        description=(
            "Compare the leaderboards' totals with the points ledger, repair "
            "and report what differs, drop old weeks and months."
        ),
    ),
    Schedule(
        name="rewards: badges",
        task="rewards.tasks.badges_evaluate_recent_task",
        minute="20",
        hour="*/1",
        description="Award badges to everyone whose ledger moved in the last two days.",
    ),
    Schedule(
        name="rewards: pending redemptions",
        task="rewards.tasks.redemptions_retry_pending_task",
        minute="*/15",
        hour="*",
        description="Issue coupons of redemptions still waiting for commerce.",
    ),
]
