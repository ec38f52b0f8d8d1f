"""The session's user, kept in the cache between requests.

Django's `AuthenticationMiddleware` reads the signed-in user's row on every
request (one SELECT by primary key). On a page or API list served from the
cache that row is most of the database work left: about a third of a cached
signed-in API list's time. `CachedUserAuthenticationMiddleware` keeps the
loaded user in the cache instead, stamped (core.pagecache.lookup/store) with
the generation of two groups:

* `account:<id>`, bumped after every save or delete of that user (a login's
  `last_login`, a password or email change, a deactivation, a role granted in
  the admin), now and again after commit;
* `accounts:bulk`, bumped by every `User` queryset `update()` (which sends no
  signal), so a bulk change shows at once for everyone.

Everything else Django checks is still checked on every request, on the kept
copy as on a fresh one: the session's backend must be one of
AUTHENTICATION_BACKENDS, the backend must still accept the user (an inactive
account is refused), and the session's hash must match the user's password
hash (a password changed elsewhere signs the other sessions out). Only
backends that load users as `ModelBackend` does are served from the cache;
any other backend is asked every time. `AUTH_USER_CACHE_SECONDS` bounds how
long a copy is kept (0 turns the cache off); the copy is unpickled afresh for
each request, so what a view changes on `request.user` never leaks into
another request.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from core.pagecache import bump_on_commit, lookup, store

_KEY = "accounts:session-user:v1:{}"
BULK_GROUP = "accounts:bulk"


def account_group(user_id) -> str:
    """The cache group of one account's row (its kept session copy)."""
    return f"account:{user_id}"


def forget_user(user_id) -> None:
    """The kept copy of this user is stale (now and after commit)."""
    bump_on_commit(account_group(user_id))


def forget_all_users() -> None:
    """Every kept copy is stale (a bulk update of users), now and after commit."""
    bump_on_commit(BULK_GROUP)


def _timeout() -> int:
    return getattr(settings, "AUTH_USER_CACHE_SECONDS", 0)


def _loads_like_model_backend(backend) -> bool:
    return (
        isinstance(backend, ModelBackend)
        and type(backend).get_user is ModelBackend.get_user
    )


def _load(backend, user_id):
    """`backend.get_user(user_id)`, from the cache when it may be."""
    timeout = _timeout()
    if timeout <= 0 or not _loads_like_model_backend(backend):
        return backend.get_user(user_id)
    user_pk = auth.get_user_model()._meta.pk.to_python(user_id)
    key = _KEY.format(user_pk)
    kept, stamp = lookup(key, (account_group(user_pk), BULK_GROUP))
    if kept is not None:
        return kept if backend.user_can_authenticate(kept) else None
    user = backend.get_user(user_pk)
    if user is not None:
        store(key, user, stamp, timeout)
    return user


def get_user(request):
    """Django's `auth.get_user`, with the user loaded by `_load`."""
    user = None
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            backend = auth.load_backend(backend_path)
            user = _load(backend, user_id)
            if hasattr(user, "get_session_auth_hash"):
                user = _verified(request, user)
    return user or AnonymousUser()


def _verified(request, user):
    """The user when the session's hash still matches theirs (Django's check,
    fallback secrets included), else None and the session is flushed."""
    session_hash = request.session.get(auth.HASH_SESSION_KEY)
    session_auth_hash = user.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, session_auth_hash):
        return user
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        request.session.cycle_key()
        request.session[auth.HASH_SESSION_KEY] = session_auth_hash
        return user
    request.session.flush()
    return None


def _cached_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


class CachedUserAuthenticationMiddleware(AuthenticationMiddleware):
    """`AuthenticationMiddleware` whose `request.user` comes from `get_user`."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _cached_user(request))
