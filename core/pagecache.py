"""Whole-page cache for anonymous visitors, invalidated by generations.

`anonymous_page_cache(groups=...)` wraps a GET view. For a visitor who is not
signed in and has no message waiting, the rendered page is kept in the cache
(django-redis in production, local memory in the embedded default) under a key
made of the view, the language, the viewer's time zone, the htmx headers, the
full query string and the current *generation* of each group the page reads
("courses", "community", "rewards", "live"...). The apps that own the data bump
a group's generation after commit whenever something the page shows changes
(`invalidate_on_change(Model, groups=...)` in their `AppConfig.ready()`), so
the next request renders afresh: an edit shows at once, and nothing has to
know which keys exist. A timeout bounds what no signal reports (counters kept
with `UPDATE ... SET n = n + 1`, changes made by another process under the
embedded local-memory cache).

The CSRF token in a page is personal: it is stored as a placeholder and each
visitor gets their own (which also sets their CSRF cookie). Pages carry a weak
ETag, so a browser revalidating gets a 304 without a body.

Work a view must do on every request even when the page comes from the cache
(analytics events) goes in `on_hit(request, extra, *args, **kwargs)`; `extra`
is whatever the view put in `response.pagecache_extra` when it rendered.

Signed-in pages are mostly shared too: `{% shared_fragment %}`
(core/templatetags/platform_tags.py) keeps a part of a page that is the same
for every viewer with the same few values (a course page's syllabus for those
who may open its lessons, and for those who may not) under the same kind of
key: the fragment's name, the language, the time zone, the generations of its
groups and those values. The parts that are one user's (enrolment, progress,
predicted stars, wishlist, forms with their CSRF token) stay outside and are
rendered on every request; a fragment that holds a CSRF token is never stored.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control

#: Seconds a page is kept at most (counters changed without signals, other
#: processes' edits under a local-memory cache).
DEFAULT_TIMEOUT = 120
_GENERATION = "pagecache:gen:{}"
_PLACEHOLDER = "\x00kp-csrf-token\x00"
_MASKED_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_MESSAGES_COOKIE = "messages"


# --- invalidation ------------------------------------------------------------


def bump(*groups: str) -> None:
    """Make every cached page that reads one of `groups` stale, now."""
    for group in groups:
        key = _GENERATION.format(group)
        try:
            cache.incr(key)
        except ValueError:
            # Missing (first use, evicted): start from the clock, never from a
            # number an older generation may already have used.
            cache.set(key, time.time_ns(), None)


def bump_on_commit(*groups: str) -> None:
    """Bump now and again after commit.

    Now, so that this transaction's own requests (and tests, whose transaction
    never commits) see the change; after commit, because a concurrent request
    may have cached the old page between the two.
    """
    bump(*groups)
    transaction.on_commit(lambda: bump(*groups))


def invalidate_on_change(model: type, *, groups: Iterable[str]) -> None:
    """Bump `groups` after commit whenever a `model` row is saved or deleted."""
    groups = tuple(groups)

    def receiver(sender, **kwargs):
        bump_on_commit(*groups)

    # Keep a reference: signals hold receivers weakly.
    receiver.__name__ = f"pagecache_{model._meta.label_lower}_{'_'.join(groups)}"
    post_save.connect(receiver, sender=model, weak=False)
    post_delete.connect(receiver, sender=model, weak=False)


def generations(groups: tuple[str, ...]) -> str:
    """The current generation of each group, as one string for a cache key."""
    keys = [_GENERATION.format(g) for g in groups]
    found = cache.get_many(keys)
    return ".".join(str(found.get(k, 0)) for k in keys)


# --- shared fragments of signed-in pages -------------------------------------

_CSRF_FIELD = "csrfmiddlewaretoken"


def fragment_key(name: str, groups: Iterable[str], vary: Iterable) -> str:
    """The cache key of a shared fragment: same name, language, time zone,
    data generation and `vary` values, same fragment."""
    groups = tuple(sorted(groups))
    parts = "|".join(
        (
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            generations(groups),
            *(repr(v) for v in vary),
        )
    )
    digest = hashlib.sha256(parts.encode()).hexdigest()[:32]
    return f"pagecache:fragment:{name}:{digest}"


def fragment_get_or_render(
    *,
    name: str,
    groups: Iterable[str],
    vary: Iterable,
    render: Callable[[], str],
    timeout: int = DEFAULT_TIMEOUT,
) -> str:
    """The fragment from the cache, or `render()` (stored unless personal)."""
    key = fragment_key(name, groups, vary)
    html = cache.get(key)
    if html is None:
        html = render()
        # A form's CSRF token is the viewer's own: such a fragment is not shared.
        if _CSRF_FIELD not in html:
            cache.set(key, html, timeout)
    return html


# --- the decorator -----------------------------------------------------------


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.user.is_authenticated:
        return False
    if _MESSAGES_COOKIE in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.session_key and "_messages" in session)


def _key(request: HttpRequest, name: str, groups: tuple[str, ...]) -> str:
    query = "&".join(sorted(request.GET.urlencode().split("&")))
    parts = "|".join(
        (
            request.path,
            query,
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-Boosted", ""),
            request.headers.get("HX-Target", ""),
            generations(groups),
        )
    )
    digest = hashlib.sha256(parts.encode()).hexdigest()[:32]
    return f"pagecache:page:{name}:{digest}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    storage = getattr(request, "_messages", None)
    return not (storage is not None and getattr(storage, "_queued_messages", None))


def _template_of(request: HttpRequest, body: str) -> str:
    """The page with this visitor's CSRF tokens replaced by a placeholder."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or len(secret) != 32:
        return body

    def swap(match: re.Match) -> str:
        token = match.group(0)
        return _PLACEHOLDER if _unmask_cipher_token(token) == secret else token

    return _MASKED_TOKEN.sub(swap, body)


def _response_from(request: HttpRequest, entry: dict) -> HttpResponse:
    body = entry["body"]
    if _PLACEHOLDER in body:
        body = body.replace(_PLACEHOLDER, get_token(request))
    response = HttpResponse(body, content_type=entry["content_type"])
    for header, value in entry["headers"]:
        response.headers[header] = value
    return response


_KEPT_HEADERS = ("Content-Language", "Vary", "HX-Push-Url", "HX-Trigger")


def _finish(request: HttpRequest, response: HttpResponse, etag: str) -> HttpResponse:
    response.headers["ETag"] = etag
    # The page holds a per-visitor token: browsers may keep it, shared caches
    # may not, and a browser asks again (If-None-Match) before reusing it.
    patch_cache_control(response, private=True, no_cache=True)
    return get_conditional_response(request, etag=etag, response=response)


def anonymous_page_cache(
    *,
    groups: Iterable[str],
    timeout: int = DEFAULT_TIMEOUT,
    on_hit: Callable | None = None,
):
    """Serve a GET view's page from the cache to anonymous visitors (see module)."""
    groups = tuple(sorted(groups))

    def decorator(view):
        name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key = _key(request, name, groups)
            entry = cache.get(key)
            if entry is not None:
                if on_hit is not None:
                    on_hit(request, entry.get("extra"), *args, **kwargs)
                return _finish(request, _response_from(request, entry), entry["etag"])
            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                return response
            charset = response.charset or "utf-8"
            body = _template_of(request, response.content.decode(charset))
            etag = f'W/"{hashlib.sha256(body.encode()).hexdigest()[:24]}"'
            entry = {
                "body": body,
                "content_type": response.headers.get("Content-Type", "text/html"),
                "headers": [
                    (h, response.headers[h]) for h in _KEPT_HEADERS if h in response
                ],
                "etag": etag,
                "extra": getattr(response, "pagecache_extra", None),
            }
            cache.set(key, entry, timeout)
            return _finish(request, response, etag)

        wrapper.pagecache_groups = groups
        return wrapper

    return decorator
