"""Study heartbeats: the lesson page's signed ticket and the server-side caps.

The lesson page (which has already asked the access rule) embeds a signed
ticket naming the learner, the lesson and its course. The heartbeat endpoint
only checks the signature and the session's user: no database read, so a beat
costs one signature check, one cache round trip and one buffered event.
"""

from __future__ import annotations

import time

from django.core import signing
from django.core.cache import cache

SALT = "analytics.study"
#: A ticket is good for a long study session, not for ever.
TICKET_MAX_AGE = 12 * 60 * 60
#: The page sends a beat every 30 seconds; never credit more than this per beat.
MAX_SECONDS_PER_BEAT = 60
BEAT_KEY_TTL = 10 * 60


def ticket_for(*, user_id: int, lesson_id: int, course_id: int) -> str:
    return signing.dumps({"u": user_id, "l": lesson_id, "c": course_id}, salt=SALT)


def ticket_read(ticket: str) -> dict | None:
    try:
        data = signing.loads(ticket, salt=SALT, max_age=TICKET_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not all(k in data for k in ("u", "l", "c")):
        return None
    return data


def credited_seconds(*, user_id: int, lesson_id: int, claimed: int) -> int:
    """Seconds to credit for a beat: no more than the time since the last beat
    of this learner in this lesson (a replayed or forged beat gains nothing)."""
    key = f"analytics:beat:{user_id}:{lesson_id}"
    now = time.time()
    last = cache.get(key)
    cache.set(key, now, BEAT_KEY_TTL)
    limit = MAX_SECONDS_PER_BEAT
    if last is not None:
        limit = min(limit, int(now - float(last)) + 2)
    return max(0, min(int(claimed), limit))
