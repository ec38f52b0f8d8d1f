"""Time the signed-in pages in-process and say where the time goes.

    # make run conditions (SQLite, DEBUG on, demo data, local-memory cache):
    env -u DATABASE_URL -u REDIS_URL .venv/bin/python bench/profile_signed_in.py
    # one page, with its slowest queries and a pyinstrument profile:
    .venv/bin/python bench/profile_signed_in.py --only lesson --queries --profile

Signs in `learner1@demo.kp` (and `creator1@demo.kp` for the studio) with
Django's test client against the configured database (seed it first:
`manage.py seed_demo`), renders each page once to warm what a running server
keeps warm, then prints the median and worst of `--repeat` renders, the median CPU time
of this process (what the page costs, whatever else the shared machine is
doing), the number of queries and their time. Not run by `make bench` (the file name does
not start with `bench_`): it is a tool to find what to fix; bench_pages.py
measures the served pages under load.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpplatform.settings")


def targets() -> list[tuple[str, str, str]]:
    """(name, path, email of the signed-in user)"""
    from django.urls import reverse

    from community.models import Thread
    from courses.models import Course, Lesson
    from learning.models import Enrollment

    learner, creator = "learner1@demo.kp", "creator1@demo.kp"
    enrolment = (
        Enrollment.objects.filter(user__email=learner, is_active=True)
        .order_by("-course__learner_count", "id")
        .select_related("course")
        .first()
    )
    course = enrolment.course if enrolment else Course.objects.first()
    lesson = (
        Lesson.objects.filter(section__course=course)
        .order_by("section__position", "position", "id")
        .first()
    )
    thread = (
        Thread.objects.filter(
            is_deleted=False, space__visibility="public", space__is_active=True
        )
        .order_by("-reply_count", "id")
        .first()
    )
    pages = [
        ("home", reverse("home"), learner),
        ("My learning", reverse("learning:my_learning"), learner),
        ("lesson page", reverse("learning:lesson", args=[lesson.pk]), learner),
        ("course page", course.get_absolute_url(), learner),
        ("notifications", reverse("notifications:list"), learner),
        ("studio dashboard", reverse("courses:studio"), creator),
    ]
    if thread is not None:  # not before the community step of the seed
        pages.insert(4, ("community thread", thread.get_absolute_url(), learner))
    return pages


def profile(call) -> None:
    """pyinstrument's call tree when it is installed, else cProfile's top."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(call)
        stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
        stats.print_stats(45)
        return
    profiler = Profiler(interval=0.0005)
    with profiler:
        call()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", help="pages whose name contains this")
    parser.add_argument("--queries", action="store_true", help="slowest queries")
    parser.add_argument(
        "--profile", action="store_true", help="pyinstrument (else cProfile)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    users = get_user_model().objects
    print(
        f"database {connection.vendor} · DEBUG {settings.DEBUG} · cache "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]} · load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"| {'page':18} | {'median':>8} | {'worst':>8} | {'CPU':>8} | queries "
        "| query ms |"
    )
    print("|" + "-" * 20 + ("|" + "-" * 10) * 3 + "|---------|----------|")
    for name, path, email in targets():
        if args.only and args.only.lower() not in name.lower():
            continue
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(users.get(email=email))
        response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        times, cpu = [], []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        query_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        print(
            f"| {name:18} | {statistics.median(times):6.0f}ms | {max(times):6.0f}ms |"
            f" {statistics.median(cpu):6.0f}ms |"
            f" {len(captured.captured_queries):7} | {query_ms:8.0f} |",
            flush=True,
        )
        if args.queries:
            slow = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[
                :8
            ]
            for query in slow:
                print(
                    f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}"
                )
        if args.profile:
            profile(lambda path=path, client=client: client.get(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
