"""Naming the time zone a time is shown in.

Pages show times in the viewer's zone (core.middleware: the browser's, from the
`kp_tz` cookie) or, before the browser has told it, in the site's TIME_ZONE.
Next to a time we name that zone, so that two people comparing a lecture's
time (one anonymous, one signed in elsewhere) see why they differ: "Beijing
time" for China's zone, otherwise the offset from UTC at that moment
("UTC+8", "UTC−5", "UTC+5:30", "UTC").
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

#: Zones whose clocks are Beijing time (China's single zone and its aliases).
BEIJING_ZONES = frozenset(
    {"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"}
)


def zone_label(moment: datetime | None, zone=None) -> str:
    """The name of `zone` (default: the active one) at `moment`, translated."""
    zone = zone or timezone.get_current_timezone()
    if str(zone) in BEIJING_ZONES:
        return _("Beijing time")
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        moment = timezone.now()
    offset = moment.astimezone(zone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def in_parentheses(label: str) -> str:
    """`(Beijing time)` / `（北京时间）`: the zone after a time."""
    return _("(%(zone)s)") % {"zone": label}


def datetime_with_zone(moment: datetime) -> str:
    """`moment` in the active zone with that zone named, for plain text
    (notifications, emails): "30 Nov 2026, 19:30 (Beijing time)"."""
    from django.utils import formats

    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {in_parentheses(zone_label(local))}"
