"""Time zones: the expert's or creator's own, and the viewer's.

Times are stored in UTC. A creator enters a lecture's start in their zone, an
expert publishes availability in theirs; every page shows times in the
viewer's zone (core's middleware activates it from the `kp_tz` cookie) and
says which zone that is.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Zones offered first in the pickers (the rest follow alphabetically).
COMMON_ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Australia/Sydney",
    "UTC",
)


@cache
def all_zones() -> tuple[str, ...]:
    rest = sorted(
        z for z in zoneinfo.available_timezones() if z not in COMMON_ZONES and "/" in z
    )
    return COMMON_ZONES + tuple(rest)


def zone_choices() -> list[tuple[str, str]]:
    return [(z, z.replace("_", " ")) for z in all_zones()]


def get_zone(name: str, *, field: str = "time_zone") -> zoneinfo.ZoneInfo:
    """The zone called `name`, or a ValidationError that says so."""
    name = (name or "").strip()
    if name and name in set(all_zones()):
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    raise ValidationError(
        {
            field: _(
                "“%(zone)s” is not a time zone we know. Choose one from the list, "
                "for example Asia/Shanghai."
            )
            % {"zone": name[:64]}
        },
        code="time_zone",
    )


def zone_or_none(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return get_zone(name)
    except ValidationError:
        return None


def local_to_utc(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """`day` at `at` in `zone` as an aware datetime; None if that time does not
    exist there (skipped by a daylight-saving change)."""
    local = datetime.combine(day, at, tzinfo=zone)
    # A time in the spring-forward gap does not survive a round trip via UTC.
    back = local.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(zone)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local
