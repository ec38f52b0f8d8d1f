"""Celery tasks of analytics: thin, keyword arguments, safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import recording
from .models import RollupRun
from .services import retention, rollups, summaries


@shared_task(name="analytics.flush_events", ignore_result=True)
def flush_events() -> int:
    return recording.events_flush()


@shared_task(name="analytics.rollup_today", ignore_result=True)
def rollup_today() -> int:
    today = timezone.localdate()
    return rollups.rollup_range(first_day=today, last_day=today).pk


@shared_task(name="analytics.rollup_nightly", ignore_result=True)
def rollup_nightly() -> int:
    """Yesterday and the day before (late events), last week's community
    numbers (answers come later than questions), then the summaries."""
    today = timezone.localdate()
    run = rollups.rollup_range(
        first_day=today - dt.timedelta(days=2), last_day=today - dt.timedelta(days=1)
    )
    rollups.community_health_settle(
        first_day=today - dt.timedelta(days=8), last_day=today - dt.timedelta(days=3)
    )
    summaries.course_summaries_refresh()
    summaries.cohorts_refresh()
    retention.rollup_runs_prune()
    return run.pk


@shared_task(name="analytics.rollup_range", acks_late=True, ignore_result=True)
def rollup_range(*, first_day: str, last_day: str, trigger: str = "admin") -> int:
    """A backfill started from the admin (progress shows on its rollup run)."""
    run = rollups.rollup_range(
        first_day=dt.date.fromisoformat(first_day),
        last_day=dt.date.fromisoformat(last_day),
        trigger=trigger or RollupRun.Trigger.ADMIN,
    )
    summaries.course_summaries_refresh()
    summaries.cohorts_refresh()
    return run.pk


@shared_task(name="analytics.purge_events", ignore_result=True)
def purge_events() -> int:
    return retention.events_purge()


@shared_task(name="analytics.risk_refresh", ignore_result=True)
def risk_refresh() -> int | None:
    from .services import risk

    run = risk.risk_run_execute()
    return run.pk


@shared_task(name="analytics.segments_refresh", ignore_result=True)
def segments_refresh() -> int | None:
    from .services import segments

    run = segments.segments_run_execute()
    return run.pk
