"""Course page views per learner: counted off the request path, written in batches.

A signed-in course page view adds one to the learner's `CourseView` counter
(a weak signal of interest for the retrain). Writing that row inside the
request cost a committed UPDATE per page view (30-40 ms on a busy
PostgreSQL, waiting for the log flush), so with a Redis buffer:

* `course_view_record` does one `HINCRBY` on a Redis hash (user:course → views
  since the last flush), under a few milliseconds' timeout;
* `course_views_flush` (beat, every minute; and first thing in every retrain)
  takes the hash and adds it to the table with one upsert per batch.

`RECOMMENDATIONS_VIEW_BUFFER=auto` (the default) buffers when REDIS_URL is
set; ``database`` (the embedded default, and tests) writes the row at once.
When Redis does not answer, the view is written directly instead. A worker
killed between the upsert and the delete of the taken hash counts that
batch twice at the next flush: the retrain caps views at 15 per pair and
reads them on a log scale, so this is harmless, and it is never lost.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from ..models import CourseView

logger = logging.getLogger(__name__)

BUFFER_KEY = "recommendations:course-views"
#: The hash being written to the table (renamed from BUFFER_KEY by a flush).
TAKEN_KEY = "recommendations:course-views:taken"
LOCK_KEY = "recommendations:course-views:flush-lock"
FLUSH_BATCH = 1000

_redis_client = None


def buffer_name() -> str:
    name = getattr(settings, "RECOMMENDATIONS_VIEW_BUFFER", "auto")
    if name == "auto":
        return "redis" if settings.REDIS_URL else "database"
    return name


def _redis():
    """A client with short timeouts: a slow Redis must not slow a page."""
    global _redis_client
    if _redis_client is None:
        import redis

        timeout = getattr(settings, "RECOMMENDATIONS_VIEW_REDIS_TIMEOUT", 0.05)
        _redis_client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
        )
    return _redis_client


def course_view_record(*, user_id: int, course_id: int) -> None:
    """Count one course page view of a signed-in learner (never raises for Redis)."""
    if buffer_name() == "redis":
        try:
            _redis().hincrby(BUFFER_KEY, f"{int(user_id)}:{int(course_id)}", 1)
            return
        except Exception as error:  # Redis down or slow: write through
            logger.warning("recommendations: view buffer failed (%s), writing", error)
    _course_view_write(user_id=user_id, course_id=course_id)


def _course_view_write(*, user_id: int, course_id: int) -> None:
    """One UPDATE, an INSERT the first time."""
    updated = CourseView.objects.filter(user_id=user_id, course_id=course_id).update(
        count=F("count") + 1, last_viewed_at=timezone.now()
    )
    if updated:
        return
    try:
        with transaction.atomic():
            CourseView.objects.create(user_id=user_id, course_id=course_id)
    except IntegrityError:  # a concurrent first view won the insert
        CourseView.objects.filter(user_id=user_id, course_id=course_id).update(
            count=F("count") + 1
        )


def course_views_add(counts: dict[tuple[int, int], int]) -> int:
    """Add `counts` ((user id, course id) → views) to the table; rows written.

    One `INSERT ... ON CONFLICT DO UPDATE` per batch (PostgreSQL and SQLite);
    pairs whose user or course no longer exists are left out.
    """
    from django.contrib.auth import get_user_model

    from courses.models import Course

    now = timezone.now()
    table = connection.ops.quote_name(CourseView._meta.db_table)
    written = 0
    pairs = sorted(counts)
    for start in range(0, len(pairs), FLUSH_BATCH):
        batch = pairs[start : start + FLUSH_BATCH]
        users = set(
            get_user_model()
            .objects.filter(pk__in={u for u, _c in batch})
            .values_list("pk", flat=True)
        )
        courses = set(
            Course.objects.filter(pk__in={c for _u, c in batch}).values_list(
                "pk", flat=True
            )
        )
        rows = [
            (user_id, course_id, counts[user_id, course_id], now)
            for user_id, course_id in batch
            if user_id in users and course_id in courses
        ]
        if not rows:
            continue
        values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        params = [value for row in rows for value in row]
        # Identifiers from the model, every value a parameter.
        sql = (
            f"INSERT INTO {table} (user_id, course_id, count, last_viewed_at) "  # noqa: S608
            f"VALUES {values} ON CONFLICT (user_id, course_id) DO UPDATE SET "
            f"count = {table}.count + excluded.count, "
            "last_viewed_at = excluded.last_viewed_at"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
        written += len(rows)
    return written


def _parse(raw: dict) -> dict[tuple[int, int], int]:
    counts: dict[tuple[int, int], int] = {}
    for field, value in raw.items():
        try:
            user_id, course_id = (int(part) for part in field.split(b":"))
            counts[user_id, course_id] = int(value)
        except (ValueError, TypeError):
            logger.warning("recommendations: unreadable buffered view dropped")
    return counts


def course_views_flush() -> int:
    """Move the buffered views into the table; the number of pairs written.

    One flusher at a time (a Redis lock). The hash is renamed before it is
    read, so views counted meanwhile go to a new hash; a taken hash left by a
    flusher that died is written first.
    """
    if buffer_name() != "redis":
        return 0
    client = _redis()
    if not client.set(LOCK_KEY, "1", nx=True, ex=300):
        return 0
    try:
        if not client.exists(TAKEN_KEY):
            if not client.exists(BUFFER_KEY):
                return 0
            client.rename(BUFFER_KEY, TAKEN_KEY)
        written = course_views_add(_parse(client.hgetall(TAKEN_KEY)))
        client.delete(TAKEN_KEY)
        return written
    finally:
        client.delete(LOCK_KEY)


def course_views_buffered() -> int:
    """How many (learner, course) pairs wait in the buffer (0 without Redis)."""
    if buffer_name() != "redis":
        return 0
    try:
        return int(_redis().hlen(BUFFER_KEY)) + int(_redis().hlen(TAKEN_KEY))
    except Exception:
        return 0
