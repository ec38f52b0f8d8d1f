"""Create the periodic tasks that apps declare in their `schedules.py`."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from core.schedules import Schedule


def declared_schedules() -> list[Schedule]:
    found: list[Schedule] = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.schedules")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.schedules":
                raise
            continue
        found.extend(getattr(module, "SCHEDULES", []))
    return found


class Command(BaseCommand):
    help = "Create missing django-celery-beat periodic tasks (existing rows are kept)."

    def handle(self, *args, **options):
        created = 0
        for schedule in declared_schedules():
            if PeriodicTask.objects.filter(name=schedule.name).exists():
                continue
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=schedule.minute,
                hour=schedule.hour,
                day_of_week=schedule.day_of_week,
                day_of_month=schedule.day_of_month,
                month_of_year=schedule.month_of_year,
                timezone=settings.TIME_ZONE,
            )
            PeriodicTask.objects.create(
                name=schedule.name,
                task=schedule.task,
                crontab=crontab,
                description=schedule.description,
            )
            created += 1
        self.stdout.write(f"Periodic tasks created: {created}")
