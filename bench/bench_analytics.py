"""Analytics benchmark: dashboards over 10 million raw events, a day's rollup,
and what recording an event costs a request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_bench \\
        .venv/bin/python bench/bench_analytics.py [--events 10000000] [--days 60]

It migrates, generates the raw events (skipped when the table holds them
already), rolls up the last `--rollup-days` days (the dashboards read only
rollups), then prints, against the targets of issue 12:

* a day's rollup in seconds (target < 60 s);
* each staff dashboard's render time, median and p95 (target < 300 ms);
* `event_record` per call, one INSERT and one Redis RPUSH (target < 2 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from analytics import recording  # noqa: E402
from analytics.dashboards import DASHBOARDS  # noqa: E402
from analytics.models import DailySiteStat, Event  # noqa: E402
from analytics.services.rollups import rollup_day  # noqa: E402
from bench.analyticsdata import generate  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def timed_get(client: Client, url: str, requests: int) -> list[float]:
    client.get(url)  # warm up
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--rollup-days", type=int, default=30)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--records", type=int, default=2000)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    have = Event.objects.count()
    if have < args.events:
        started = time.perf_counter()
        generate(
            events=args.events - have,
            days=args.days,
            seed=have,
            progress=lambda line: None,
        )
        print(
            f"generated: {args.events - have} events in "
            f"{time.perf_counter() - started:.1f} s"
        )
    total = Event.objects.count()
    print(f"raw events: {total}")

    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in range(args.rollup_days - 1, -1, -1)]
    done = set(DailySiteStat.objects.filter(day__in=days).values_list("day", flat=True))
    timings = []
    for day in days:
        if day in done and day != days[-2]:
            continue
        started = time.perf_counter()
        summary = rollup_day(day=day)
        timings.append((time.perf_counter() - started, summary["events"], day))
    worst = max(timings)
    print(
        f"rollup of a day: mean {statistics.mean(t for t, _n, _d in timings):.1f} s, "
        f"max {worst[0]:.1f} s ({worst[1]} events on {worst[2]}) "
        f"over {len(timings)} days (target < 60 s)"
    )

    staff, _ = User.objects.get_or_create(
        email="bench-staff@bench.kp",
        defaults={"is_staff": True, "is_superuser": True, "role": User.Role.STAFF},
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(staff)
    slowest = 0.0
    for name in DASHBOARDS:
        times = timed_get(
            client, reverse("admin:analytics_dashboard", args=[name]), args.requests
        )
        slowest = max(slowest, statistics.median(times))
        print(
            f"dashboard {name}: median {ms(statistics.median(times))}, "
            f"p95 {ms(p95(times))}"
        )
    longest = client.get(
        reverse("admin:analytics_dashboard", args=["growth"]),
        {"start": (today - dt.timedelta(days=364)).isoformat()},
    )
    assert longest.status_code == 200
    times = timed_get(
        client,
        reverse("admin:analytics_dashboard", args=["growth"])
        + f"?start={(today - dt.timedelta(days=364)).isoformat()}",
        args.requests,
    )
    print(f"dashboard growth, one year: median {ms(statistics.median(times))}")
    print(f"slowest dashboard median: {ms(slowest)} (target < 300 ms)")

    before = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for buffer in ("database", "redis"):
        if buffer == "redis" and not os.environ.get("REDIS_URL"):
            print("event_record redis: skipped (no REDIS_URL)")
            continue
        with override_settings(ANALYTICS_EVENT_BUFFER=buffer):
            recording.event_record(kind="visit", user_id=1)  # connect first
            times = []
            for n in range(args.records):
                started = time.perf_counter()
                recording.event_record(kind="visit", user_id=n + 1)
                times.append(time.perf_counter() - started)
        print(
            f"event_record {buffer}: median {ms(statistics.median(times))}, "
            f"p95 {ms(p95(times))} (target < 2 ms)"
        )
    if os.environ.get("REDIS_URL"):
        recording.events_flush()
    Event.objects.filter(id__gt=before).delete()  # leave the data set as it was
    return 0


if __name__ == "__main__":
    sys.exit(main())
