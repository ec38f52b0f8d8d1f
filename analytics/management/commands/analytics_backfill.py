"""Recompute the daily rollups over a range of days from the raw events."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from analytics.models import RollupRun
from analytics.services import rollups, summaries


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = (
        "Roll up raw events into the daily tables, day by day (idempotent). "
        "Defaults: from the first stored event to today."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", help="last day, YYYY-MM-DD")

    def handle(self, *args, first=None, last=None, verbosity=1, **options):
        last_day = _date(last) if last else timezone.localdate()
        if first:
            first_day = _date(first)
        else:
            first_day = rollups.first_event_day()
            if first_day is None:
                self.stdout.write("No raw events stored: nothing to roll up.")
                return
        if first_day > last_day:
            raise CommandError(f"--from {first_day} is after --to {last_day}")
        total = (last_day - first_day).days + 1
        bar = tqdm(total=total, unit="day", file=self.stdout, disable=verbosity == 0)

        def advance(day, summary):
            bar.set_postfix_str(f"{day} · {summary['events']} events")
            bar.update(1)

        try:
            run = rollups.rollup_range(
                first_day=first_day,
                last_day=last_day,
                trigger=RollupRun.Trigger.BACKFILL,
                progress=advance,
            )
        finally:
            bar.close()
        summaries.course_summaries_refresh()
        summaries.cohorts_refresh()
        self.stdout.write(
            self.style.SUCCESS(
                f"Rolled up {run.days_done} day(s), {run.events_read} events, "
                f"in {run.seconds:.1f} s."
            )
        )
