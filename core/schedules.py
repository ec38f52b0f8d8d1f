"""Periodic jobs, collected from each app's `schedules.py`.

An app lists its jobs as `SCHEDULES = [Schedule(...)]`. `manage.py
setup_schedules` creates the django-celery-beat rows that do not exist yet and
leaves existing ones alone, so that what staff changed in the admin stays.
Crontab schedules only: interval schedules reset when beat restarts.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    description: str = ""
