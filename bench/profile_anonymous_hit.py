"""Where an anonymous page served from the page cache spends its time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_bench \\
    REDIS_URL=redis://127.0.0.1:6379/1 \\
        .venv/bin/python bench/profile_anonymous_hit.py [--only thread] [--profile]

Calls the WSGI application in this process the way gunicorn does (a bare
request as wrk sends it: no cookie, so every request is a new visitor), with
`bench.settings_bench`, on the database of DATABASE_URL (a copy of the bench
scale). Each page is requested once (its first render, timed), warmed, then
timed `--repeat` times: the median CPU time of a request next to the no-DB
view's, which is what bench/bench_pages.py's ratio compares under load
(gunicorn's and wrk's own share per request come on top of both).
`--profile` prints cProfile's top functions for the repeats. Not run by
`make bench` (the file name does not start with `bench_`): a tool to find
what to cut.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_bench"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
os.environ.setdefault("ALLOW_TEST_PAYMENTS", "1")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")
os.environ.setdefault("WARMUP_ON_START", "0")

NODB = "/courses/bench/nodb/"


def environ(path: str) -> dict:
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def request(app, path: str) -> tuple[str, int]:
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status
        # What gunicorn does with the headers: one string each.
        seen["headers"] = [f"{k}: {v}\r\n" for k, v in headers]

    result = app(environ(path), start_response)
    size = sum(len(chunk) for chunk in result)
    if hasattr(result, "close"):
        result.close()
    return seen["status"], size


def timed(app, path: str, repeat: int) -> list[float]:
    cpu = []
    for _ in range(repeat):
        started = time.process_time_ns()
        request(app, path)
        cpu.append((time.process_time_ns() - started) / 1000)
    return cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="pages whose name contains this")
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="cProfile's top")
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()

    from bench import targets as bench_targets

    found = bench_targets.find(dict(os.environ), api_lists=False)
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    pages = [
        ("no-DB view", NODB),
        ("home, anonymous", "/"),
        ('catalogue search "python"', "/courses/?q=python"),
        ("thread page", found["thread_url"]),
        ("catalogue", "/courses/"),
        ("course page", found["course_url"]),
        ("community index", "/community/"),
        ("leaderboard", "/rewards/leaderboard/"),
    ]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"| {'page':28} | {'first':>8} | {'bytes':>7} | {'CPU µs':>7} | {'÷ no-DB':>7} |"
    )
    print("|" + "-" * 30 + "|----------|---------|---------|---------|")
    base = None
    for name, path in pages:
        if base is not None and args.only and args.only.lower() not in name.lower():
            continue
        started = time.perf_counter()
        status, size = request(app, path)
        first = (time.perf_counter() - started) * 1000
        assert status.startswith("200"), (name, path, status)
        timed(app, path, 100)
        cpu = statistics.median(timed(app, path, args.repeat))
        if base is None:
            base = cpu
        print(
            f"| {name:28} | {first:6.0f}ms | {size:7} | {cpu:7.0f} |"
            f" {cpu / base:7.2f} |",
            flush=True,
        )
        if args.profile and path != NODB:
            import cProfile
            import pstats

            # CPU time: waiting for Redis or the scheduler is not this process's work.
            profiler = cProfile.Profile(time.process_time)
            profiler.runcall(timed, app, path, args.repeat)
            stats = pstats.Stats(profiler).strip_dirs()
            stats.sort_stats("tottime").print_stats(args.lines)
            stats.sort_stats("cumulative").print_stats(args.lines)
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
