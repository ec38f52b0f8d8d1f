"""Page benchmark: catalogue, course page and lesson page under gunicorn on
PostgreSQL with the `bench` demo scale (10,000 courses), next to a view that
touches no database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_bench \\
        .venv/bin/python bench/bench_pages.py [--requests 300] [--threads 4]

It migrates, seeds `--scale bench` (skipped when the courses are there already),
starts gunicorn on a free local port, sends a bounded number of requests per
page from local threads, and prints requests/s, p50 and p99 per page and the
throughput ratio to the no-DB view.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SETTINGS = "bench.settings_bench"
SEED_STEPS = "courses.categories,accounts.people,courses.courses"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, env: dict) -> str:
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (local URL)
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def hit(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return time.perf_counter() - start, status


def run_page(url: str, *, requests: int, threads: int) -> dict:
    for _ in range(min(10, requests)):  # warm up caches and connections
        hit(url)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def one(_i):
        elapsed, status = hit(url)
        with lock:
            latencies.append(elapsed)
            statuses[status] = statuses.get(status, 0) + 1

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, range(requests)))
    wall = time.perf_counter() - start
    latencies.sort()
    return {
        "rps": requests / wall,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "bench_pages needs PostgreSQL: set DATABASE_URL=postgres://... "
            "(SQLite figures would say nothing about production)."
        )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": str(ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "1",
    }
    print("migrating…", flush=True)
    manage("migrate", "--noinput", "-v0", env=env)
    if not args.skip_seed:
        print("seeding --scale bench (courses, people)…", flush=True)
        started = time.monotonic()
        manage("seed_demo", "--scale", "bench", "--only", SEED_STEPS, "-v0", env=env)
        print(f"  seeded in {time.monotonic() - started:.0f}s", flush=True)
    # Fresh planner statistics, as autovacuum would have them in production.
    manage(
        "shell",
        "--no-imports",
        "-v0",
        "-c",
        "from django.db import connection\n"
        "connection.cursor().execute('VACUUM ANALYZE')",
        env=env,
    )
    targets = manage(
        "shell",
        "--no-imports",
        "-v0",
        "-c",
        "from courses.models import Course, Lesson\n"
        "from django.urls import NoReverseMatch, reverse\n"
        "print(Course.objects.filter(status='published').count())\n"
        "c = Course.objects.filter(status='published').order_by('-learner_count', 'id').first()\n"
        "print(c.get_absolute_url())\n"
        "lesson = Lesson.objects.filter(is_free_preview=True, kind='article', "
        "section__course__status='published').order_by('id').first()\n"
        "try:\n"
        "    print(reverse('learning:lesson', args=[lesson.pk]))\n"
        "except NoReverseMatch:\n"
        "    print('')\n",
        env=env,
    ).split()
    course_count, course_url, lesson_url = (targets + [""])[:3]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "kpplatform.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_until_up(base + "/courses/bench/nodb/")
        pages = [
            ("no-DB view", "/courses/bench/nodb/"),
            ("catalogue", "/courses/"),
            ("catalogue search 'python'", "/courses/?q=python&sort=relevance"),
            (
                "catalogue search '机器学习'",
                "/courses/?q=%E6%9C%BA%E5%99%A8%E5%AD%A6%E4%B9%A0",
            ),
            ("course page", course_url),
        ]
        if lesson_url:
            pages.append(("lesson page (free preview)", lesson_url))
        print(
            f"\n{course_count} published courses · gunicorn {args.workers} sync workers"
            f" · {args.requests} requests per page · {args.threads} client threads\n"
        )
        results = []
        for name, path in pages:
            results.append(
                (
                    name,
                    path,
                    run_page(base + path, requests=args.requests, threads=args.threads),
                )
            )
        baseline = results[0][2]["rps"]
        print(
            f"{'page':32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs no-DB':>9}  statuses"
        )
        for name, _path, r in results:
            print(
                f"{name:32} {r['rps']:8.1f} {r['p50']:8.1f} {r['p99']:8.1f}"
                f" {r['rps'] / baseline:9.2f}  {r['statuses']}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
