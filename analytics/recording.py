"""Recording behaviour events: cheap, and never the reason a request fails.

`event_record(...)` hands one event to the configured buffer:

* ``database``: one INSERT (the embedded default, with no Redis);
* ``redis``: onto a Redis list that the `analytics.flush_events` task (every
  minute) moves into the table in batches. A web process gathers its events
  for up to `ANALYTICS_REDIS_BATCH_SECONDS` (1 s; 0 sends each at once) and
  hands them over in one RPUSH, from a timer thread or as soon as 200 are
  waiting: a page served from the cache does not wait for Redis a second
  time. When Redis does not answer within a few milliseconds, the events are
  inserted directly instead. Gathered events are handed over when the process
  exits; a process killed outright loses at most that last second (as a
  crash may lose the last rows committed without flushing the log).

`ANALYTICS_EVENT_BUFFER=auto` (the default) picks Redis when REDIS_URL is set.
Any failure is logged and swallowed: analytics must never break a page, a
payment or a post.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import logging
import os
import threading
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import Event

logger = logging.getLogger(__name__)

REDIS_KEY = "analytics:events"
LOCK_KEY = "analytics:events:flush-lock"
FLUSH_BATCH = 5000
_FIELDS = ("kind", "user_id", "course_id", "lesson_id", "object_id", "value", "data")

_redis_client = None


def buffer_name() -> str:
    name = getattr(settings, "ANALYTICS_EVENT_BUFFER", "auto")
    if name == "auto":
        return "redis" if _redis_url() else "database"
    return name


def _redis_url() -> str:
    return getattr(settings, "ANALYTICS_REDIS_URL", "") or settings.REDIS_URL


def redis_client():
    """A client with short timeouts: a slow Redis must not slow a request."""
    global _redis_client
    if _redis_client is None:
        import redis

        timeout = getattr(settings, "ANALYTICS_REDIS_TIMEOUT", 0.05)
        _redis_client = redis.Redis.from_url(
            _redis_url(), socket_timeout=timeout, socket_connect_timeout=timeout
        )
    return _redis_client


def _row(occurred_at: dt.datetime, fields: dict[str, Any]) -> Event:
    return Event(
        occurred_at=occurred_at,
        day=timezone.localdate(occurred_at),
        **fields,
    )


def _insert(event: Event) -> None:
    if connection.vendor != "postgresql":
        event.save(force_insert=True)
        return
    # The request must not wait for the disk: PostgreSQL commits this one
    # row without flushing its log (a crash may lose the last few events,
    # never corrupt anything; other transactions keep their durability).
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        event.save(force_insert=True)


def _push_redis(occurred_at: dt.datetime, fields: dict[str, Any]) -> None:
    payload = json.dumps(
        [occurred_at.timestamp(), *(fields[name] for name in _FIELDS)],
        separators=(",", ":"),
    )
    if getattr(settings, "ANALYTICS_REDIS_BATCH_SECONDS", 1.0) <= 0:
        redis_client().rpush(REDIS_KEY, payload)
        return
    _gathered.add(payload)


#: Events a process gathers before one RPUSH hands them all over.
BATCH_MAX = 200


class _Gathered:
    """This process's events waiting for their RPUSH (see the module)."""

    def __init__(self):
        self._reset()
        os.register_at_fork(after_in_child=self._reset)
        atexit.register(self.hand_over)

    def _reset(self) -> None:
        # A forked child starts empty: its parent hands its own events over.
        self.lock = threading.Lock()
        self.payloads: list[str] = []
        self.timer: threading.Timer | None = None

    def add(self, payload: str) -> None:
        with self.lock:
            self.payloads.append(payload)
            full = len(self.payloads) >= BATCH_MAX
            if not full and self.timer is None:
                seconds = getattr(settings, "ANALYTICS_REDIS_BATCH_SECONDS", 1.0)
                self.timer = threading.Timer(seconds, self._on_timer)
                self.timer.daemon = True
                self.timer.start()
        if full:
            self.hand_over()

    def _on_timer(self) -> None:
        try:
            self.hand_over()
        finally:
            # The timer's thread inserted the events if Redis failed.
            connection.close()

    def hand_over(self) -> int:
        """Push every gathered event now (inserted if Redis fails); how many."""
        with self.lock:
            payloads, self.payloads = self.payloads, []
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
        if not payloads:
            return 0
        try:
            redis_client().rpush(REDIS_KEY, *payloads)
        except Exception as error:  # Redis down or slow: write through
            logger.warning("analytics: Redis buffer failed (%s), inserting", error)
            try:
                Event.objects.bulk_create(
                    [_from_payload(p) for p in payloads], batch_size=1000
                )
            except Exception:
                logger.warning(
                    "analytics: %d events not recorded", len(payloads), exc_info=True
                )
        return len(payloads)


_gathered = _Gathered()


def gathered_hand_over() -> int:
    """Hand this process's gathered events to the buffer now (see the module)."""
    return _gathered.hand_over()


def event_record(
    *,
    kind: str,
    user_id: int | None = None,
    course_id: int | None = None,
    lesson_id: int | None = None,
    object_id: int | None = None,
    value: float | None = None,
    data: dict | None = None,
    occurred_at: dt.datetime | None = None,
) -> bool:
    """Record one event; False if it was dropped (it never raises).

    Inside a transaction the event is handed over when that transaction
    commits (and forgotten if it rolls back).
    """
    if not getattr(settings, "ANALYTICS_ENABLED", True):
        return False
    occurred_at = occurred_at or timezone.now()
    fields = {
        "kind": kind,
        "user_id": user_id,
        "course_id": course_id,
        "lesson_id": lesson_id,
        "object_id": object_id,
        "value": value,
        "data": data or {},
    }
    if transaction.get_connection().in_atomic_block:
        # Inside someone's transaction: write after it commits, outside it, so
        # that a failed write can never break (or be rolled back with) it.
        transaction.on_commit(lambda: _hand_over(occurred_at, fields))
        return True
    return _hand_over(occurred_at, fields)


def _hand_over(occurred_at: dt.datetime, fields: dict[str, Any]) -> bool:
    try:
        if buffer_name() == "redis":
            try:
                _push_redis(occurred_at, fields)
                return True
            except Exception as error:  # Redis down or slow: write through
                logger.warning("analytics: Redis buffer failed (%s), inserting", error)
        _insert(_row(occurred_at, fields))
        return True
    except Exception:
        logger.warning(
            "analytics: event %s not recorded", fields["kind"], exc_info=True
        )
        return False


def _from_payload(raw: bytes) -> Event:
    stamp, *values = json.loads(raw)
    occurred_at = dt.datetime.fromtimestamp(stamp, tz=dt.UTC)
    return _row(occurred_at, dict(zip(_FIELDS, values, strict=True)))


def events_flush(*, limit: int = 200_000) -> int:
    """Move buffered events from Redis into the table; the number moved.

    One flusher at a time (a Redis lock). Each batch is read, inserted, then
    trimmed off the list, so a crash between the two repeats a batch rather
    than losing it.
    """
    if buffer_name() != "redis":
        return 0
    gathered_hand_over()
    client = redis_client()
    if not client.set(LOCK_KEY, "1", nx=True, ex=300):
        return 0
    moved = 0
    try:
        while moved < limit:
            raw = client.lrange(REDIS_KEY, 0, FLUSH_BATCH - 1)
            if not raw:
                break
            rows = []
            for item in raw:
                try:
                    rows.append(_from_payload(item))
                except (ValueError, TypeError):
                    logger.warning("analytics: unreadable buffered event dropped")
            Event.objects.bulk_create(rows, batch_size=1000)
            client.ltrim(REDIS_KEY, len(raw), -1)
            moved += len(rows)
    finally:
        client.delete(LOCK_KEY)
    return moved


def buffered_count() -> int:
    if buffer_name() != "redis":
        return 0
    try:
        gathered_hand_over()
        return int(redis_client().llen(REDIS_KEY))
    except Exception:
        return 0


def events_import(rows: list[dict]) -> int:
    """Insert past events in bulk (demo data, imports): each dict holds
    ``occurred_at`` and the fields of `event_record`. Returns the count."""
    events = [
        _row(
            row["occurred_at"],
            {name: row.get(name, {} if name == "data" else None) for name in _FIELDS},
        )
        for row in rows
    ]
    Event.objects.bulk_create(events, batch_size=5000)
    return len(events)
