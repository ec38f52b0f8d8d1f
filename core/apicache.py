"""Shared API lists served from the cache, invalidated by generations.

`SharedListCacheMixin` on a DRF viewset keeps the data of its list response
(what the serializer produced, before rendering) in the cache for viewers to
whom the list is the same: anonymous clients always, and signed-in ones too
when the list reads nothing of the viewer (`cache_signed_in = True`: the
catalogue, categories, badges, leaderboards). The key is made like the pages'
(core.pagecache): the view, the host and scheme (the `next` and `previous`
links are absolute), the path, the sorted query string, the language, the time
zone and the current generation of each group in `cache_groups`, which the
apps that own the data bump after commit. An edit shows at once; a timeout
bounds what no signal reports (counters kept with `UPDATE ... SET n = n + 1`,
time passing for lists of what is still to come).

The rest of the request is unchanged: authentication, permissions and the
throttles run before the cache is asked (a client over its rate still gets
429), and the data is rendered by the negotiated renderer as usual. Responses
carry a weak ETag of their data, so a client revalidating with If-None-Match
gets a 304 without a body.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from rest_framework.response import Response

from .pagecache import DEFAULT_TIMEOUT, generations


def _etag(data) -> str:
    body = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return f'W/"{hashlib.sha256(body.encode()).hexdigest()[:24]}"'


class SharedListCacheMixin:
    """Serve `list` from the cache to viewers who all see the same list."""

    #: Core.pagecache groups whose changes this list shows.
    cache_groups: tuple[str, ...] = ()
    #: The list reads nothing of the viewer: signed-in viewers share it too.
    cache_signed_in: bool = False
    cache_timeout: int = DEFAULT_TIMEOUT

    def _list_cache_key(self, request) -> str | None:
        if request.method not in ("GET", "HEAD"):
            return None
        if request.user.is_authenticated and not self.cache_signed_in:
            return None
        query = "&".join(sorted(request.query_params.urlencode().split("&")))
        parts = "|".join(
            (
                request.scheme,
                request.get_host(),
                request.path,
                query,
                translation.get_language() or "",
                timezone.get_current_timezone_name(),
                generations(tuple(sorted(self.cache_groups))),
            )
        )
        digest = hashlib.sha256(parts.encode()).hexdigest()[:32]
        name = f"{type(self).__module__}.{type(self).__qualname__}"
        return f"apicache:list:{name}:{digest}"

    def list(self, request, *args, **kwargs):
        return self.cached_list(
            request,
            lambda: super(SharedListCacheMixin, self).list(request, *args, **kwargs),
        )

    def cached_list(self, request, produce: Callable[[], Response]):
        """`produce()`'s response, from the cache when the viewer shares it."""
        key = self._list_cache_key(request)
        if key is None:
            return produce()
        entry = cache.get(key)
        if entry is None:
            response = produce()
            if response.status_code != 200 or not isinstance(response, Response):
                return response
            entry = {"data": response.data, "etag": _etag(response.data)}
            cache.set(key, entry, self.cache_timeout)
        else:
            response = Response(entry["data"])
        response["ETag"] = entry["etag"]
        # Browsers may keep it and revalidate; shared caches may not (the
        # signed-in copy goes out with the viewer's session cookie).
        patch_cache_control(response, private=True, no_cache=True)
        # 304 without a body when the client holds this version already.
        return get_conditional_response(request, etag=entry["etag"], response=response)
