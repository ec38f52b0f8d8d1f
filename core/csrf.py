"""A visitor's CSRF form token for a page served from the page cache.

`masked_token(request)` does what `django.middleware.csrf.get_token` does (the
same secret in the CSRF cookie, a new one for a visitor who has none, a fresh
random mask over it for every response against BREACH, the cookie sent again
by CsrfViewMiddleware) with the random characters drawn from one read of the
operating system's generator instead of one `secrets.choice` each: Django draws
64 for a visitor without a cookie (secret and mask), which was a fifth of the
work of serving a cached page. Each character is uniform over Django's
alphabet (bytes that would favour some characters are dropped), as
`get_random_string` gives.
"""

from __future__ import annotations

import os

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_ALPHABET = CSRF_ALLOWED_CHARS.encode("ascii")
_SIZE = len(_ALPHABET)  # 62
#: Bytes from this value up are dropped: the rest map evenly onto the alphabet.
_LIMIT = 256 - 256 % _SIZE  # 248
_DROPPED = bytes(range(_LIMIT, 256))
#: A random byte below _LIMIT -> a position in the alphabet.
_TO_POSITION = bytes(b % _SIZE for b in range(256))
#: A position in the alphabet -> its character (positions 62-255 unused).
_TO_CHAR = _ALPHABET + bytes(256 - _SIZE)
#: A character of the alphabet -> its position.
_POSITION_OF = bytearray(256)
for _position, _char in enumerate(_ALPHABET):
    _POSITION_OF[_char] = _position
_POSITION_OF = bytes(_POSITION_OF)


def _random_positions(count: int) -> bytes:
    """`count` positions in the alphabet, each uniform and independent."""
    found = b""
    while len(found) < count:
        # 8 more than needed: 3 % of the bytes are dropped.
        found += os.urandom(count + 8).translate(_TO_POSITION, _DROPPED)
    return found[:count]


def masked_token(request: HttpRequest) -> str:
    """This visitor's masked CSRF token, as `get_token` would give it."""
    meta = request.META
    secret = meta.get("CSRF_COOKIE")
    if secret is None:
        secret = _random_positions(CSRF_SECRET_LENGTH).translate(_TO_CHAR).decode()
        meta["CSRF_COOKIE"] = secret
    # Sent again in process_response, as get_token asks (renews its expiry).
    meta["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_positions(CSRF_SECRET_LENGTH)
    secret_positions = secret.encode("ascii").translate(_POSITION_OF)
    cipher = bytes((s + m) % _SIZE for s, m in zip(secret_positions, mask, strict=True))
    return (mask + cipher).translate(_TO_CHAR).decode("ascii")
