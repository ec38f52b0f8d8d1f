"""Show times in the viewer's time zone.

The browser tells its zone once (static/js/timezone.js stores it in the
`kp_tz` cookie); a person may also choose one (live's "time zone" picker sets
the same cookie). An unknown or malformed value is ignored: the site's
TIME_ZONE stays active.
"""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from django.utils import timezone

COOKIE = "kp_tz"


@lru_cache(maxsize=512)
def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if not name or len(name) > 64 or name not in zoneinfo.available_timezones():
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class ViewerTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = _zone(request.COOKIES.get(COOKIE, ""))
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
