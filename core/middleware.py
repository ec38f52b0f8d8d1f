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


ERROR_TEMPLATES = {400: "400.html", 403: "403.html", 404: "404.html", 405: "405.html"}


class ErrorPageMiddleware:
    """An empty 400/403/404/405 answer gets the site's error page.

    `require_safe` and `require_POST` answer 405 with no body, and a bare
    `HttpResponseNotFound()` has none either: a browser showed a blank page.
    Answers with a body of their own (the API's JSON, a view's own page) are
    left as they are. Inside LocaleMiddleware: the page is in the visitor's
    language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        template = ERROR_TEMPLATES.get(response.status_code)
        if template is None or response.streaming or response.content:
            return response
        from django.template import loader

        response.content = loader.get_template(template).render({})
        response["Content-Type"] = "text/html; charset=utf-8"
        return response
