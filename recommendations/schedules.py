"""Periodic jobs of this app (turned into django-celery-beat rows by setup_schedules)."""

from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        name="recommendations: flush buffered course views",
        task="recommendations.flush_views",
        minute="*",
        description="Add the course page views counted in Redis to the views "
        "table (nothing to do without Redis).",
    ),
    Schedule(
        name="recommendations: nightly retrain",
        task="recommendations.retrain",
        minute="30",
        hour="3",
        description="Retrain the default recommender and the running experiment's "
        "algorithms, then swap the new lists in.",
    ),
]
