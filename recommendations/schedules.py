"""Periodic jobs of this app (turned into django-celery-beat rows by setup_schedules)."""

from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        name="recommendations: nightly retrain",
        task="recommendations.retrain",
        minute="30",
        hour="3",
        description="Retrain the default recommender and the running experiment's "
        "algorithms, then swap the new lists in.",
    ),
]
