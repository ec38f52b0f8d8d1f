"""What the admin index shows as today's work: queues and headline numbers.

Each app registers its own from its ``admin.py`` with a count read through its
selectors, so that core imports no domain app. The index reads every registered
item once per request: one query or two per item, whatever the data size.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import timezone


@dataclass(frozen=True)
class Queue:
    """Work waiting for staff: a count and the admin list that works it off."""

    key: str
    label: str
    count: Callable[[], int]
    url_name: str
    query: str = ""
    order: int = 100


@dataclass(frozen=True)
class Headline:
    """A number of the day: today's value (already formatted if it is money)."""

    key: str
    label: str
    value: Callable[[], object]
    order: int = 100


_queues: dict[str, Queue] = {}
_headlines: dict[str, Headline] = {}


def queue_register(
    *, key: str, label, count, url_name: str, query: str = "", order: int = 100
) -> None:
    _queues[key] = Queue(key, label, count, url_name, query, order)


def headline_register(*, key: str, label, value, order: int = 100) -> None:
    _headlines[key] = Headline(key, label, value, order)


def today_start() -> datetime.datetime:
    """Midnight of today in the site's time zone, as an aware datetime."""
    return timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time.min)
    )


def _url(queue: Queue) -> str | None:
    try:
        url = reverse(queue.url_name)
    except NoReverseMatch:
        return None
    return f"{url}?{queue.query}" if queue.query else url


def console_queues() -> list[dict]:
    """Every registered queue with its count and link, in their order."""
    return [
        {
            "key": q.key,
            "label": q.label,
            "count": q.count(),
            "url": _url(q),
        }
        for q in sorted(_queues.values(), key=lambda q: (q.order, q.key))
    ]


def console_headlines() -> list[dict]:
    return [
        {"key": h.key, "label": h.label, "value": h.value()}
        for h in sorted(_headlines.values(), key=lambda h: (h.order, h.key))
    ]
