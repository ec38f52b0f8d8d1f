"""Whole-page cache for anonymous visitors, invalidated by generations.

`anonymous_page_cache(groups=...)` wraps a GET view. For a visitor who is not
signed in and has no message waiting, the rendered page is kept in the cache
(django-redis in production, local memory in the embedded default) under a key
made of the view, the language, the viewer's time zone, the htmx headers and
the full query string, stamped with the *generation* of each group the page
reads ("courses", "community", "rewards", "live"...) as it was before the page
was made. The apps that own the data bump a group's generation after commit
whenever something the page shows changes (`invalidate_on_change(Model,
groups=...)` in their `AppConfig.ready()`); a request reads the page and the
current generations in one round trip (`lookup`) and serves the page only if
its stamp is still current, else renders afresh and overwrites it: an edit
shows at once, and nothing has to know which keys exist. A timeout bounds what
no signal reports (counters kept with `UPDATE ... SET n = n + 1`, changes made
by another process under the embedded local-memory cache). A web process
keeps its own copy of the anonymous pages it served last, so that a hit reads
only the generations from the cache while they match the copy's stamp.

The CSRF token in a page is personal: it is stored as a placeholder and each
visitor gets their own (which also sets their CSRF cookie). Pages carry a weak
ETag, so a browser revalidating gets a 304 without a body.

Work a view must do on every request even when the page comes from the cache
(analytics events) goes in `on_hit(request, extra, *args, **kwargs)`; `extra`
is whatever the view put in `response.pagecache_extra` when it rendered.
What a page's parts learn while rendering can travel with it:
`replay_on_hit` announces an event again on each hit, `keep_while` asks a
check on each hit and renders afresh when it fails.

Signed-in pages are mostly shared too: `{% shared_fragment %}`
(core/templatetags/platform_tags.py) keeps a part of a page that is the same
for every viewer with the same few values (a course page's syllabus for those
who may open its lessons, and for those who may not) under the same kind of
key: the fragment's name, the language, the time zone and those values, stamped
with the generations of its groups. The parts that are one user's (enrolment,
progress, predicted stars, wishlist, forms with their CSRF token) stay outside
and are rendered on every request; a fragment that holds a CSRF token is never
stored.

A signed-in viewer's own pages (My learning, a lesson, a course page as they
see it) are kept whole for that viewer by `viewer_page_cache` (a decorator) or
`viewer_page` (inside a view), keyed like the anonymous
pages plus the viewer's id, and stamped with the generation of their own group
`viewer:<id>` too. The apps bump that group whenever something of this viewer's
that their pages show changes (`invalidate_viewer_on_change(Model)` in their
`AppConfig.ready()`, `bump_viewer(user_id)` in services that write with
`UPDATE`): an enrolment, a completed lesson, a payment shows at once. Access is
never decided by the cache. A view either checks it before asking for the
page, or decides it inside `render` (a page answering anything but 200 is not
kept), in which case everything that can take access back must bump one of
the page's groups, and access that ends with time must `keep_while` a check
of that time (the lesson player, learning/views/player.py).
"""

from __future__ import annotations

import collections
import functools
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control

from core.csrf import masked_token

#: Seconds a page is kept at most (counters changed without signals, other
#: processes' edits under a local-memory cache).
DEFAULT_TIMEOUT = 120
_GENERATION = "pagecache:gen:{}"
_PLACEHOLDER = b"\x00kp-csrf-token\x00"
_MASKED_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
_MESSAGES_COOKIE = "messages"
#: Pages and fragments, stored as (generations, value) by `store`.
_PREFIX = "pagecache:v2:"


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


def viewer_group(user_id) -> str:
    """The page-cache group of one signed-in viewer's own data."""
    return f"viewer:{user_id}"


def bump_viewer(*user_ids) -> None:
    """Make the cached pages of these viewers stale, now and after commit."""
    groups = [viewer_group(user_id) for user_id in user_ids if user_id]
    if groups:
        bump_on_commit(*groups)


def invalidate_viewer_on_change(
    model: type, *, user_of: Callable | str = "user_id"
) -> None:
    """Bump the viewer whose row of `model` was saved or deleted.

    `user_of` names the attribute holding the user id, or is a function of
    the instance returning it.
    """
    if isinstance(user_of, str):
        attribute = user_of

        def user_of(instance):
            return getattr(instance, attribute, None)

    def receiver(sender, instance, **kwargs):
        bump_viewer(user_of(instance))

    receiver.__name__ = f"pagecache_viewer_{model._meta.label_lower}"
    post_save.connect(receiver, sender=model, weak=False)
    post_delete.connect(receiver, sender=model, weak=False)


def generations(groups: tuple[str, ...]) -> str:
    """The current generation of each group, as one string for a cache key."""
    keys = [_GENERATION.format(g) for g in groups]
    found = cache.get_many(keys)
    return ".".join(str(found.get(k, 0)) for k in keys)


# --- entries stamped with the generations they were made under ---------------


def lookup(key: str, groups: Iterable[str]) -> tuple[object | None, tuple | None]:
    """What `store` kept under `key` while `groups` were at their current
    generations, and those generations (the stamp to store a fresh value with).

    One round trip: the entry and the generations in one `get_many`. An entry
    made under older generations is not returned (it is overwritten when the
    fresh value is stored). The stamp is None when a generation cannot be
    known (the cache does not answer): nothing may be stored then.
    """
    keys = [_GENERATION.format(g) for g in groups]
    found = cache.get_many([key, *keys])
    stamp = _stamp(keys, found)
    stored = found.get(key)
    if (
        stamp is not None
        and isinstance(stored, tuple)
        and len(stored) == 2
        and stored[0] == stamp
    ):
        return stored[1], stamp
    return None, stamp


def _stamp(keys: list[str], found: dict) -> tuple | None:
    stamp = tuple(found.get(k) for k in keys)
    return _start_generations(keys, stamp) if None in stamp else stamp


def _start_generations(keys: list[str], stamp: tuple) -> tuple | None:
    """Give the groups that have no generation yet (first use, evicted) one
    from the clock, never a number an older generation may already have used
    (so an entry stamped before an eviction never matches again)."""
    missing = [k for k, value in zip(keys, stamp, strict=True) if value is None]
    for k in missing:
        # False: another request started it (read below), or the cache does
        # not answer (then one call is enough to find out).
        if not cache.add(k, time.time_ns(), None):
            break
    found = cache.get_many(missing)
    stamp = tuple(
        found.get(k) if v is None else v for k, v in zip(keys, stamp, strict=True)
    )
    return None if None in stamp else stamp


def store(key: str, value, stamp: tuple | None, timeout: int) -> None:
    """Keep `value` under `key` for `lookup`, stamped with the generations
    that `lookup` returned before the value was made: a change during the
    making bumps a generation, so the value is never served."""
    if stamp is not None and timeout > 0:
        cache.set(key, (stamp, value), timeout)


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
    parts = "|".join(
        (
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            *(repr(v) for v in vary),
        )
    )
    digest = hashlib.sha256(parts.encode()).hexdigest()[:32]
    key = f"{_PREFIX}fragment:{name}:{digest}"
    html, stamp = lookup(key, tuple(sorted(set(groups))))
    if html is None:
        html = render()
        # A form's CSRF token is the viewer's own: such a fragment is not shared.
        if _CSRF_FIELD not in html:
            store(key, html, stamp, timeout)
    return html


# --- the decorator -----------------------------------------------------------


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.user.is_authenticated:
        return False
    return not _messages_waiting(request)


def _messages_waiting(request: HttpRequest) -> bool:
    """A flash message to show: the page is this one request's (an emptied
    cookie, as a deleted one may linger in some clients, is no message)."""
    if request.COOKIES.get(_MESSAGES_COOKIE):
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.session_key and "_messages" in session)


def _key(request: HttpRequest, name: str, viewer: str = "") -> str:
    """The page's key, whatever the generations (`lookup` compares them)."""
    # The raw parameters, sorted: no parsing on a hit (two spellings of the
    # same parameters are two entries, never one page for two queries).
    query = "&".join(sorted(request.META.get("QUERY_STRING", "").split("&")))
    meta = request.META
    parts = "|".join(
        (
            viewer,
            request.path,
            query,
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            meta.get("HTTP_HX_REQUEST", ""),
            meta.get("HTTP_HX_BOOSTED", ""),
            meta.get("HTTP_HX_TARGET", ""),
        )
    )
    digest = hashlib.sha256(parts.encode()).hexdigest()[:32]
    return f"{_PREFIX}page:{name}:{digest}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    storage = getattr(request, "_messages", None)
    return not (storage is not None and getattr(storage, "_queued_messages", None))


def _template_of(request: HttpRequest, body: bytes) -> bytes:
    """The page with this visitor's CSRF tokens replaced by a placeholder."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or len(secret) != 32:
        return body

    def swap(match: re.Match) -> bytes:
        token = match.group(0)
        return _PLACEHOLDER if _unmask_cipher_token(token.decode()) == secret else token

    return _MASKED_TOKEN.sub(swap, body)


def _response_from(request: HttpRequest, entry: dict) -> HttpResponse:
    body = entry["body"]
    if _PLACEHOLDER in body:
        body = body.replace(_PLACEHOLDER, masked_token(request).encode("ascii"))
    response = HttpResponse(body, content_type=entry["content_type"])
    for header, value in entry["headers"]:
        response.headers[header] = value
    return response


_KEPT_HEADERS = ("Content-Language", "Vary", "HX-Push-Url", "HX-Trigger")


def _finish(request: HttpRequest, response: HttpResponse, etag: str) -> HttpResponse:
    response.headers["ETag"] = etag
    # The page holds a per-visitor token: browsers may keep it, shared caches
    # may not, and a browser asks again (If-None-Match) before reusing it.
    if "Cache-Control" in response:
        patch_cache_control(response, private=True, no_cache=True)
    else:  # what patch_cache_control writes, without parsing an empty header
        response.headers["Cache-Control"] = "private, no-cache"
    if _CONDITIONAL.isdisjoint(request.META):
        return response  # nothing to compare: the whole page
    return get_conditional_response(request, etag=etag, response=response)


_CONDITIONAL = frozenset(
    (
        "HTTP_IF_MATCH",
        "HTTP_IF_NONE_MATCH",
        "HTTP_IF_MODIFIED_SINCE",
        "HTTP_IF_UNMODIFIED_SINCE",
    )
)


def replay_on_hit(request: HttpRequest | None, signal_name: str, **kwargs) -> None:
    """Announce `core.events.<signal_name>` again whenever this page is served
    from the cache (the rendering that announced it first is skipped then).

    For announcements made while rendering (a recommendation list shown);
    the caller sends the first one itself.
    """
    if request is not None:
        if not hasattr(request, "_pagecache_replays"):
            request._pagecache_replays = []
        request._pagecache_replays.append((signal_name, kwargs))


def keep_while(request: HttpRequest | None, check: str, *args) -> None:
    """Serve this page from the cache only while `check(*args)` is true.

    `check` is the dotted path of a function (an app's selector) asked on
    every hit, for what the page hides or shows that changes without a
    signal (an account deactivated with an UPDATE, a suspension that ends):
    when it answers False the page is rendered afresh and stored again.
    """
    if request is not None:
        if not hasattr(request, "_pagecache_checks"):
            request._pagecache_checks = []
        request._pagecache_checks.append((check, args))


def _still_valid(entry: dict) -> bool:
    from django.utils.module_loading import import_string

    return all(import_string(check)(*args) for check, args in entry.get("checks") or ())


def _replay(entry: dict) -> None:
    from core import events

    for signal_name, kwargs in entry.get("replays") or ():
        events.send_on_commit(getattr(events, signal_name), sender=None, **kwargs)


#: This process's copies of the anonymous pages it served last, by key:
#: (stamp, entry). A hit then reads only the generations from the cache, not
#: the page (70-80 us of CPU for 40 kB, not counting Redis's own).
_local: collections.OrderedDict = collections.OrderedDict()
_LOCAL_MAX = 64
_local_lock = threading.Lock()


def forget_local() -> None:
    """Drop this process's copies (the tests, with each emptied cache)."""
    with _local_lock:
        _local.clear()


def _local_lookup(key: str, groups: tuple[str, ...]) -> tuple[object | None, tuple]:
    """As `lookup`, from this process's copy while the generations it was
    made under are current and the entry's timeout has not passed."""
    with _local_lock:
        kept = _local.get(key)
    if kept is not None and kept[1]["expires"] > time.time():
        keys = [_GENERATION.format(g) for g in groups]
        stamp = _stamp(keys, cache.get_many(keys))
        if stamp is not None and stamp == kept[0]:
            return kept[1], stamp
    entry, stamp = lookup(key, groups)
    _keep_local(key, entry, stamp)
    return entry, stamp


def _keep_local(key: str, entry: dict | None, stamp: tuple | None) -> None:
    with _local_lock:
        if entry is None or stamp is None or "expires" not in entry:
            _local.pop(key, None)
            return
        _local[key] = (stamp, entry)
        _local.move_to_end(key)
        while len(_local) > _LOCAL_MAX:
            _local.popitem(last=False)


def _serve(
    request: HttpRequest,
    key: str,
    groups: tuple[str, ...],
    render: Callable[[], HttpResponse],
    timeout: int,
    on_hit: Callable[[object], None] | None,
    local: bool = False,
) -> HttpResponse:
    """The page stored under `key` for the current generations of `groups`,
    or `render()` stored there when it may be (and kept in this process when
    `local`)."""
    entry, stamp = _local_lookup(key, groups) if local else lookup(key, groups)
    if entry is not None and _still_valid(entry):
        if on_hit is not None:
            on_hit(entry.get("extra"))
        _replay(entry)
        return _finish(request, _response_from(request, entry), entry["etag"])
    response = render()
    if not _storable(request, response):
        return response
    body = _template_of(request, response.content)
    etag = f'W/"{hashlib.sha256(body).hexdigest()[:24]}"'
    entry = {
        "body": body,
        "content_type": response.headers.get("Content-Type", "text/html"),
        "headers": [(h, response.headers[h]) for h in _KEPT_HEADERS if h in response],
        "etag": etag,
        "extra": getattr(response, "pagecache_extra", None),
        "replays": getattr(request, "_pagecache_replays", None),
        "checks": getattr(request, "_pagecache_checks", None),
        "expires": time.time() + timeout,
    }
    store(key, entry, stamp, timeout)
    if local and timeout > 0:
        _keep_local(key, entry, stamp)
    return _finish(request, response, etag)


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
            return _serve(
                request,
                _key(request, name),
                groups,
                lambda: view(request, *args, **kwargs),
                timeout,
                _hit_callback(on_hit, request, args, kwargs),
                local=True,
            )

        wrapper.pagecache_groups = groups
        return wrapper

    return decorator


def _hit_callback(on_hit, request, args, kwargs):
    if on_hit is None:
        return None
    return lambda extra: on_hit(request, extra, *args, **kwargs)


# --- one signed-in viewer's pages --------------------------------------------


def _viewer_cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or not request.user.is_authenticated:
        return False
    return not _messages_waiting(request)


def viewer_page(
    request: HttpRequest,
    *,
    name: str,
    groups: Iterable[str],
    render: Callable[[], HttpResponse],
    timeout: int = DEFAULT_TIMEOUT,
    on_hit: Callable[[object], None] | None = None,
) -> HttpResponse:
    """This signed-in viewer's page from the cache, or `render()` (see module).

    Called by a view once it has decided that the viewer may see the page;
    `on_hit(extra)` does what must happen on every request.
    """
    if not _viewer_cacheable(request):
        return render()
    user_id = request.user.pk
    groups = (*sorted(set(groups)), viewer_group(user_id))
    key = _key(request, name, viewer=str(user_id))
    return _serve(request, key, groups, render, timeout, on_hit)


def viewer_page_cache(
    *,
    groups: Iterable[str],
    timeout: int = DEFAULT_TIMEOUT,
    on_hit: Callable | None = None,
):
    """`viewer_page` around a whole GET view (pages any signed-in user may see).

    Anonymous visitors go straight to the view (or to `anonymous_page_cache`
    under it). `on_hit(request, extra, *args, **kwargs)` as there.
    """
    groups = tuple(sorted(groups))

    def decorator(view):
        name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return view(request, *args, **kwargs)
            return viewer_page(
                request,
                name=name,
                groups=groups,
                render=lambda: view(request, *args, **kwargs),
                timeout=timeout,
                on_hit=_hit_callback(on_hit, request, args, kwargs),
            )

        wrapper.pagecache_groups = groups
        return wrapper

    return decorator
