"""Raw events of one day as a DataFrame, and the helpers every table uses."""

from __future__ import annotations

import datetime as dt
import logging

import pandas as pd
from django.db import connection
from django.utils import timezone

from ...models import Event

logger = logging.getLogger(__name__)
K = Event.Kind

#: Kinds that mean someone is learning (an "active learner").
LEARNING_KINDS = {
    K.STUDY,
    K.VIDEO_SEEK,
    K.LESSON_VIEW,
    K.LESSON_START,
    K.LESSON_COMPLETE,
    K.COURSE_PROGRESS,
    K.COURSE_COMPLETE,
    K.QUIZ_ATTEMPT,
    K.SUBMISSION,
}
COMMUNITY_KINDS = {K.THREAD_CREATE, K.POST_CREATE, K.VOTE, K.ANSWER_ACCEPT}
EVENT_COLUMNS = [
    "kind",
    "user_id",
    "course_id",
    "lesson_id",
    "object_id",
    "value",
    "data",
]
#: A rewind is a seek back by more than this many seconds.
REWIND_SECONDS = 3
QUERY_LENGTH = 100


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day as [start, end) aware datetimes."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    end = timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz
    )
    return start, end


def load_events(day: dt.date) -> pd.DataFrame:
    rows = Event.objects.filter(day=day).values_list(*EVENT_COLUMNS)
    frame = pd.DataFrame.from_records(
        list(rows.iterator(chunk_size=20000)), columns=EVENT_COLUMNS
    )
    for column in ("user_id", "course_id", "lesson_id", "object_id", "value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["kind"] = frame["kind"].astype(str)
    return frame


def _data(frame: pd.DataFrame, key: str) -> pd.Series:
    return frame["data"].map(lambda d: d.get(key) if isinstance(d, dict) else None)


def _of(frame: pd.DataFrame, *kinds) -> pd.DataFrame:
    return frame[frame["kind"].isin(kinds)]


def _count_by(frame: pd.DataFrame, key: str) -> pd.Series:
    return frame.dropna(subset=[key]).groupby(key).size()


def _ids(series) -> list[int]:
    return [int(x) for x in series]


def bulk_insert(model, rows: list[dict]) -> None:
    """Insert rollup rows (dicts of field values): COPY on PostgreSQL,
    bulk_create elsewhere.

    Building model instances and the ORM's per-value preparation took most of
    a rollup's time; COPY takes the values as they are. Missing fields get
    their defaults (auto_now fields the current time).
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=2000)
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    names = [f.attname for f in fields]
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row.get(name, defaults[name]) for name in names])
