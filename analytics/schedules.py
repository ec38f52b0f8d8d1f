"""Periodic jobs of analytics (turned into django-celery-beat rows by
setup_schedules; staff may change the times in the admin)."""

from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        name="analytics: flush buffered events",
        task="analytics.flush_events",
        minute="*",
        description="Move events buffered in Redis into the events table "
        "(nothing to do without Redis).",
    ),
    Schedule(
        name="analytics: today's rollup",
        task="analytics.rollup_today",
        minute="10",
        description="Recompute today's numbers so far (the dashboards read rollups).",
    ),
    Schedule(
        name="analytics: nightly rollup",
        task="analytics.rollup_nightly",
        minute="20",
        hour="0",
        description="Recompute yesterday and the day before, settle last week's "
        "community numbers, refresh course summaries and cohorts.",
    ),
    Schedule(
        name="analytics: drop-out risk",
        task="analytics.risk_refresh",
        minute="40",
        hour="1",
        description="Train the drop-out model, evaluate it on the latest cohorts "
        "and score every active enrolment.",
    ),
    Schedule(
        name="analytics: learner segments",
        task="analytics.segments_refresh",
        minute="10",
        hour="2",
        description="Cluster active learners into segments.",
    ),
    Schedule(
        name="analytics: delete old raw events",
        task="analytics.purge_events",
        minute="40",
        hour="2",
        description="Delete raw events older than ANALYTICS_RAW_EVENT_DAYS.",
    ),
]
