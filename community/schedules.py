"""Periodic jobs of the community (rows of django-celery-beat; see setup_schedules)."""

from core.schedules import Schedule

SCHEDULES = [
    Schedule(
        name="community: rebuild similar-question index",
        task="community.tasks.rebuild_similarity_index",
        minute="*/30",
        description="Refits the TF-IDF character n-gram index of threads.",
    ),
]
