"""API throttles (DRF) on the shared cache, so every web node counts together.

Four limits apply to every API view (settings.REST_FRAMEWORK): anonymous
clients per address, signed-in users per account, and stricter ones on writes
(POST, PUT, PATCH, DELETE) and on searches (`?search=` / `?q=`). A throttled
request gets 429 with `Retry-After` (DRF adds the header). Rates are read from
the settings at each request, so an operator (or a test) can change them.

On django-redis (production) each client's requests are a sorted set of their
times (a sliding log, under the cache's KEY_PREFIX and version): one Lua
script drops the times that left the window, counts the rest and adds this
request if it is allowed, for every throttle that applies to the request at
once, so a request costs one round trip, where DRF's cache version reads and
writes back a pickled list per throttle. The window is exact, as DRF's is:
never more than N requests in any `duration` seconds (a fixed window lets
through up to 2N around its edge). A refused request is not counted (as in
DRF), and `Retry-After` is the time until enough of the counted requests
leave the window for the next one to pass. When Redis does not answer, the
request goes through and the error is logged, as the cache itself does
(IGNORE_EXCEPTIONS): a throttle must not turn an outage into errors. Times come
from the web node's clock (DRF's `timer`), as in DRF. On any other cache
(local memory in `make run` and the SQLite tests) DRF's own code counts.
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import caches
from django_redis.cache import RedisCache
from redis.exceptions import RedisError
from rest_framework import throttling
from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)

SEARCH_PARAMETERS = ("search", "q")

# KEYS: one sorted set per throttle. ARGV[1]: now, ARGV[2]: this request's
# member; then per key: limit, window in ms, the cutoff (now - window; times at
# or before it have left the window, as in DRF). Returns per key '' when the
# request is counted, else the time of the entry that must leave the window
# before another request fits (false when none will).
_SLIDING_LOG = """
local out = {}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[3 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[3 * i + 2])
  local count = redis.call('ZCARD', key)
  if count < limit then
    redis.call('ZADD', key, ARGV[1], ARGV[2])
    redis.call('PEXPIRE', key, ARGV[3 * i + 1])
    out[i] = ''
  else
    local first = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    out[i] = first[2] or false
  end
end
return out
"""
_script = None
_VERDICTS = "_throttle_verdicts"


class _Throttle:
    """Rates from the settings at each request; on Redis, the sliding log."""

    #: Counted by `_count` (Redis), not by DRF's cache version.
    _counted_on_redis = False
    #: On Redis, when refused: the time of the entry that must leave first.
    _release_at: float | None = None

    def __init__(self):
        # SimpleRateThrottle reads its rates once, at import; read them now.
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        super().__init__()

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def applies(self, request, view) -> bool:
        return True

    def log_key(self, request, view) -> str | None:
        """The key this request is counted under, or None if it is not."""
        if self.rate is None or not self.applies(request, view):
            return None
        return self.get_cache_key(request, view)

    def allow_request(self, request, view):
        cache = caches["default"]
        if not isinstance(cache, RedisCache):
            if not self.applies(request, view):
                return True
            return super().allow_request(request, view)
        self.key = self.log_key(request, view)
        if self.key is None:
            return True
        verdicts = getattr(request, _VERDICTS, None) or {}
        if self.key not in verdicts:
            verdicts = _count(cache, request, view, self)
            setattr(request, _VERDICTS, verdicts)
        self.now, allowed, self._release_at = verdicts.pop(self.key)
        self._counted_on_redis = True
        return allowed

    def wait(self):
        if not self._counted_on_redis:
            return super().wait()
        if self._release_at is None:
            return self.duration
        return max(self._release_at + self.duration - self.now, 0.0)


def _count(cache, request, view, first: _Throttle) -> dict:
    """Count the request against every throttle of `view` that applies to it,
    in one round trip: {key: (now, allowed, release time)}."""
    throttles = {first.key: first}
    for throttle in view.get_throttles() if hasattr(view, "get_throttles") else ():
        if isinstance(throttle, _Throttle) and type(throttle) is not type(first):
            key = throttle.log_key(request, view)
            if key is not None:
                throttles.setdefault(key, throttle)
    now = first.timer()
    keys, args = [], [repr(now), f"{now!r}-{secrets.token_hex(8)}"]
    for key, throttle in throttles.items():
        keys.append(cache.make_key(f"{key}:log"))
        args += [
            throttle.num_requests,
            throttle.duration * 1000,
            repr(now - throttle.duration),
        ]
    global _script
    try:
        client = cache.client.get_client(write=True)
        if _script is None:
            _script = client.register_script(_SLIDING_LOG)
        replies = _script(keys=keys, args=args, client=client)
    except (RedisError, OSError):
        logger.warning("API throttles not counted: Redis did not answer", exc_info=True)
        return {key: (now, True, None) for key in throttles}
    return {
        key: (now, reply == b"", None if reply in (b"", None) else float(reply))
        for key, reply in zip(throttles, replies, strict=True)
    }


class AnonRateThrottle(_Throttle, throttling.AnonRateThrottle):
    scope = "anon"


class UserRateThrottle(_Throttle, throttling.UserRateThrottle):
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


class _PerClientThrottle(_Throttle, throttling.SimpleRateThrottle):
    """Counted per account when signed in, per address otherwise."""

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
