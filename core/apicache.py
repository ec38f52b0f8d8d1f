"""Shared API lists served from the cache, invalidated by generations.

`SharedListCacheMixin` on a DRF viewset keeps the data of its list response
(what the serializer produced, before rendering) in the cache for viewers to
whom the list is the same: anonymous clients always, and signed-in ones too
when the list reads nothing of the viewer (`cache_signed_in = True`: the
catalogue, categories, badges, leaderboards). A list that is the viewer's own
(community spaces and threads: the private spaces they may open, their held
threads, their votes) can be kept per viewer (`cache_per_viewer = True`): the
key adds the viewer's id, the copy also depends on the generation of their
core.pagecache group `viewer:<id>` (bumped when their enrolments,
memberships, follows... change) and of `cache_viewer_groups`, and
`viewer_cache_timeout(request)` caps how long it is kept (until the viewer's
access changes with time alone, such as a membership period that ends). The
key is made like the pages' (core.pagecache): the view, the host and scheme
(the `next` and `previous` links are absolute), the path, the sorted query
string, the language and the time zone; the list is stored with the
generation of each group in `cache_groups` read before it was made, which the
apps that own the data bump after commit, and served only while they are
still current (`core.pagecache.lookup`: the list and the generations in one
round trip). An edit shows at once; a timeout bounds what no signal reports
(counters kept with `UPDATE ... SET n = n + 1`, time passing for lists of
what is still to come).

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

from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from rest_framework.response import Response

from .pagecache import DEFAULT_TIMEOUT, lookup, store, viewer_group


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
    #: Signed-in viewers each get their own copy (see the module).
    cache_per_viewer: bool = False
    #: More groups a viewer's copy reads (what decides their access).
    cache_viewer_groups: tuple[str, ...] = ()

    def viewer_cache_timeout(self, request) -> int:
        """Seconds a viewer's copy may be kept (asked when it is stored)."""
        return self.cache_timeout

    def _viewer_keyed(self, request) -> bool:
        return (
            request.user.is_authenticated
            and not self.cache_signed_in
            and self.cache_per_viewer
        )

    def _list_cache_key(self, request) -> tuple[str, tuple[str, ...]] | None:
        """The list's key and the groups whose generations it is stored under
        (core.pagecache.lookup), or None when the viewer's list is not kept."""
        if request.method not in ("GET", "HEAD"):
            return None
        groups, viewer = self.cache_groups, ""
        if request.user.is_authenticated and not self.cache_signed_in:
            if not self.cache_per_viewer:
                return None
            viewer = str(request.user.pk)
            groups = (*groups, *self.cache_viewer_groups, viewer_group(viewer))
        query = "&".join(sorted(request.query_params.urlencode().split("&")))
        parts = "|".join(
            (
                viewer,
                request.scheme,
                request.get_host(),
                request.path,
                query,
                translation.get_language() or "",
                timezone.get_current_timezone_name(),
            )
        )
        digest = hashlib.sha256(parts.encode()).hexdigest()[:32]
        name = f"{type(self).__module__}.{type(self).__qualname__}"
        return f"apicache:v2:list:{name}:{digest}", tuple(sorted(set(groups)))

    def list(self, request, *args, **kwargs):
        return self.cached_list(
            request,
            lambda: super(SharedListCacheMixin, self).list(request, *args, **kwargs),
        )

    def cached_list(self, request, produce: Callable[[], Response]):
        """`produce()`'s response, from the cache when the viewer shares it."""
        keyed = self._list_cache_key(request)
        if keyed is None:
            return produce()
        key, groups = keyed
        # The list and its groups' generations in one round trip.
        entry, stamp = lookup(key, groups)
        if entry is None:
            response = produce()
            if response.status_code != 200 or not isinstance(response, Response):
                return response
            entry = {"data": response.data, "etag": _etag(response.data)}
            timeout = self.cache_timeout
            if self._viewer_keyed(request):
                timeout = min(timeout, self.viewer_cache_timeout(request))
            store(key, entry, stamp, timeout)
        else:
            response = Response(entry["data"])
        response["ETag"] = entry["etag"]
        # Browsers may keep it and revalidate; shared caches may not (the
        # signed-in copy goes out with the viewer's session cookie).
        patch_cache_control(response, private=True, no_cache=True)
        # 304 without a body when the client holds this version already.
        return get_conditional_response(request, etag=entry["etag"], response=response)
