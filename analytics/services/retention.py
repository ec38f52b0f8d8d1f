"""Raw events are kept for ANALYTICS_RAW_EVENT_DAYS days; the rollups forever."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from ..models import Event, RollupRun

PURGE_BATCH = 20_000
RUN_LOG_DAYS = 90


def retention_cutoff(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=settings.ANALYTICS_RAW_EVENT_DAYS)


def events_purge(*, before: dt.date | None = None, batch: int = PURGE_BATCH) -> int:
    """Delete raw events of the days before ``before`` (default: the cutoff).

    Goes by the (day, kind) index in batches of primary keys, so that no
    statement holds locks for long and the table stays usable meanwhile.
    """
    before = before or retention_cutoff()
    deleted = 0
    while True:
        ids = list(
            Event.objects.filter(day__lt=before)
            .order_by()
            .values_list("id", flat=True)[:batch]
        )
        if not ids:
            return deleted
        deleted += Event.objects.filter(id__in=ids).delete()[0]


def rollup_runs_prune(*, days: int = RUN_LOG_DAYS) -> int:
    """Forget the log of finished rollup runs older than ``days``."""
    limit = timezone.now() - dt.timedelta(days=days)
    return (
        RollupRun.objects.filter(started_at__lt=limit)
        .exclude(status=RollupRun.Status.RUNNING)
        .delete()[0]
    )
