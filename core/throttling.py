"""API throttles (DRF) on the shared cache, so every web node counts together.

Four limits apply to every API view (settings.REST_FRAMEWORK): anonymous
clients per address, signed-in users per account, and stricter ones on writes
(POST, PUT, PATCH, DELETE) and on searches (`?search=` / `?q=`). A throttled
request gets 429 with `Retry-After` (DRF adds the header). Rates are read from
the settings at each request, so an operator (or a test) can change them.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

SEARCH_PARAMETERS = ("search", "q")


class _SettingsRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def __init__(self):
        # SimpleRateThrottle reads its rates once, at import; read them now.
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        super().__init__()


class AnonRateThrottle(_SettingsRate, throttling.AnonRateThrottle):
    scope = "anon"


class UserRateThrottle(_SettingsRate, throttling.UserRateThrottle):
    """Signed-in users, per account.

    DRF's version also counts anonymous clients per address, beside the
    stricter anonymous throttle: the same budget read and written twice on
    every anonymous request. Here anonymous clients have the anonymous one.
    """

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class _PerClientThrottle(_SettingsRate, throttling.SimpleRateThrottle):
    """Counted per account when signed in, per address otherwise."""

    def applies(self, request, view) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def allow_request(self, request, view):
        if not self.applies(request, view):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class WriteRateThrottle(_PerClientThrottle):
    scope = "write"

    def applies(self, request, view) -> bool:
        return request.method not in ("GET", "HEAD", "OPTIONS")


class SearchRateThrottle(_PerClientThrottle):
    scope = "search"

    def applies(self, request, view) -> bool:
        return any(request.query_params.get(name) for name in SEARCH_PARAMETERS)
