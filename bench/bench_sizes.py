"""Rows, sizes and key query plans of a seeded PostgreSQL database (docs/scaling.md).

Run against a database filled by `seed_demo --scale bench` or `--scale tenth`:

    DATABASE_URL=postgres://…/kp_bench .venv/bin/python bench/bench_sizes.py

Prints the largest tables (live rows from pg_stat_user_tables after ANALYZE,
total size with indexes from pg_total_relation_size), the database size, and
the execution time of a few key queries of the pages (EXPLAIN ANALYZE, best
of three runs, so that a cold cache does not count). Reads only.
"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402

from accounts.models import User  # noqa: E402
from community.models import Space  # noqa: E402
from community.selectors import thread_list  # noqa: E402
from courses import selectors as course_selectors  # noqa: E402
from courses.filters import CourseFilter  # noqa: E402
from courses.models import Course, Review  # noqa: E402
from learning.selectors import my_enrollments  # noqa: E402
from recommendations.models import ActiveRun, Recommendation  # noqa: E402
from rewards.models import PointEntry, PointTotal  # noqa: E402
from rewards.periods import current_start  # noqa: E402
from rewards.selectors import EARNED_KINDS, period_start  # noqa: E402

EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")
TOP_TABLES = 16


def mib(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB"


def tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT relname, n_live_tup, pg_total_relation_size(relid) "
            "FROM pg_stat_user_tables ORDER BY 3 DESC LIMIT %s",
            [TOP_TABLES],
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT pg_database_size(current_database())")
        (total,) = cursor.fetchone()
    print(f"database: {mib(total)}")
    print(f"{'table':<40} {'rows':>12} {'size':>14}")
    for name, live, size in rows:
        print(f"{name:<40} {live:>12,} {mib(size):>14}")


def best_ms(queryset) -> float:
    runs = []
    for _ in range(3):
        plan = queryset.explain(analyze=True)
        runs.append(float(EXECUTION.search(plan).group(1)))
    return min(runs)


def leaderboard(period: str):
    return (
        PointTotal.objects.filter(
            period=period, starts_on=current_start(period), scope=0, points__gt=0
        )
        .order_by("-points", "user_id")
        .values_list("user_id", "points")[:20]
    )


def ledger_sum(period: str):
    entries = PointEntry.objects.filter(kind__in=EARNED_KINDS)
    since = period_start(period)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    return (
        entries.values("user_id")
        .annotate(total=Sum("points"))
        .filter(total__gt=0)
        .order_by("-total", "user_id")[:20]
    )


def queries() -> None:
    learner = (
        User.objects.filter(email__endswith="@demo.kp", role="learner")
        .annotate(n=Count("enrollments"))
        .order_by("-n", "pk")
        .first()
    )
    course = Course.objects.order_by("-rating_count", "pk").first()
    space = Space.objects.order_by("-thread_count", "pk").first()
    anonymous = django.contrib.auth.models.AnonymousUser()
    catalogue = course_selectors.catalogue_queryset()
    active = ActiveRun.objects.order_by("pk").first()
    checks = {
        "catalogue, first page (popular)": CourseFilter({}, queryset=catalogue).qs[:12],
        'catalogue search "python"': CourseFilter(
            {"q": "python"}, queryset=catalogue
        ).qs[:12],
        "course page: its 20 latest reviews": Review.objects.filter(
            course=course, is_hidden=False
        )
        .select_related("user__profile")
        .order_by("-created_at")[:20],
        "My learning (the learner with most enrolments)": my_enrollments(learner)[:12],
        "community: the busiest space's first page": thread_list(
            user=anonymous, space=space
        )[:20],
        # The leaderboards read the totals kept with the ledger (PointTotal);
        # the sums over the ledger they replaced are measured for comparison.
        "leaderboard of the week (top 20)": leaderboard("week"),
        "leaderboard of all time (top 20)": leaderboard("all"),
        "  the week summed from the ledger (before)": ledger_sum("week"),
        "  all time summed from the ledger (before)": ledger_sum("all"),
    }
    if active is not None:
        checks["a learner's stored recommendations"] = Recommendation.objects.filter(
            run_id=active.run_id, user=learner
        ).order_by("rank")[:16]
    print(f"{'query':<50} {'best of 3':>10}")
    for name, queryset in checks.items():
        print(f"{name:<50} {best_ms(queryset):>8.2f} ms")


if __name__ == "__main__":
    if connection.vendor != "postgresql":
        raise SystemExit("bench_sizes.py reads PostgreSQL statistics: set DATABASE_URL")
    tables()
    queries()
