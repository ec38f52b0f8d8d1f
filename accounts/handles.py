"""Handles: the one name per account that `@mentions` resolve to.

A handle is 2–30 letters (any script), digits, `_`, `.` or `-`, starting and
ending with a letter or digit, unique whatever its case. A new account gets
`user<id>` until its owner chooses one; nobody else may take a `user<digits>`
handle, so these defaults never collide with a chosen one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

HANDLE_MAX_LENGTH = 30
HANDLE_RE = re.compile(r"^[^\W_](?:[\w.\-]{0,28}[^\W_])?$", re.UNICODE)
DEFAULT_HANDLE_RE = re.compile(r"^user\d+$", re.IGNORECASE)
_NOT_HANDLE_CHARS = re.compile(r"[^\w.\-]+", re.UNICODE)


def default_handle(user_id: int) -> str:
    return f"user{user_id}"


def is_valid_handle(handle: str) -> bool:
    return len(handle) >= 2 and bool(HANDLE_RE.match(handle))


def handle_from_name(name: str, *, user_id: int) -> str:
    """A handle made from a display name (spaces become `_`), else the default."""
    base = _NOT_HANDLE_CHARS.sub("_", name.strip()).strip("_.-")
    base = base[:HANDLE_MAX_LENGTH].rstrip("_.-")
    if not is_valid_handle(base) or DEFAULT_HANDLE_RE.match(base):
        return default_handle(user_id)
    return base


def handle_unique(
    base: str, taken: set[str], *, tried: dict[str, int] | None = None
) -> str:
    """`base`, or `base2`, `base3`... whichever is free (`taken` is lower-case).

    The chosen handle is added to `taken`. `tried` (base -> the number tried
    last), shared between calls that only add to `taken`, lets a run of many
    equal names start where the previous one stopped instead of at 2.
    """
    candidate = base
    number = tried.get(base, 2) if tried is not None else 2
    if number > 2:
        suffix = str(number)
        candidate = base[: HANDLE_MAX_LENGTH - len(suffix)] + suffix
    while candidate.lower() in taken:
        suffix = str(number)
        candidate = base[: HANDLE_MAX_LENGTH - len(suffix)] + suffix
        number += 1
    if tried is not None:
        tried[base] = number
    taken.add(candidate.lower())
    return candidate


def handles_for(names: Iterable[tuple[int, str]], taken: set[str]) -> dict[int, str]:
    """Unique handles for (user id, display name) pairs, in the order given."""
    tried: dict[str, int] = {}
    return {
        user_id: handle_unique(
            handle_from_name(name, user_id=user_id), taken, tried=tried
        )
        for user_id, name in names
    }
