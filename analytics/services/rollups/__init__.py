"""Daily rollups: raw events (and the owners' ledgers) into the daily tables.

`rollup_day(day=...)` recomputes one local day from scratch and replaces its
rows in one transaction, so running it twice changes nothing. Behaviour comes
from the raw events; money, sign-ups, quiz answers and community health come
from the owning apps' selectors (their rows are the truth and are never
deleted, unlike raw events). Days build on earlier days (first start in a
course, WAU/MAU), so a backfill goes forward in time.
"""

from .frames import day_bounds, load_events
from .runs import first_event_day, rollup_day, rollup_range
from .searches import normalise_query
from .site import community_health_settle, question_health

__all__ = [
    "community_health_settle",
    "day_bounds",
    "first_event_day",
    "load_events",
    "normalise_query",
    "question_health",
    "rollup_day",
    "rollup_range",
]
