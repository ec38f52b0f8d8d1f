"""The leaderboards' periods: a week from Monday, a month from the 1st, all
time; in the site's TIME_ZONE, so that the totals kept per bucket
(`PointTotal`) serve every viewer whatever their own time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

WEEK, MONTH, ALL = "week", "month", "all"
PERIODS = (WEEK, MONTH, ALL)
#: The bucket of the all-time totals.
ALL_TIME = date(1970, 1, 1)


def site_zone():
    return timezone.get_default_timezone()


def site_today(now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now(), site_zone())


def bucket_starts(day: date) -> dict[str, date]:
    """The first day of each period's bucket holding `day`."""
    return {
        WEEK: day - timedelta(days=day.weekday()),
        MONTH: day.replace(day=1),
        ALL: ALL_TIME,
    }


def current_start(period: str, now: datetime | None = None) -> date:
    """The bucket of `period` holding `now` (today in the site's time zone)."""
    return bucket_starts(site_today(now))[period]
