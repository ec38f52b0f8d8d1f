"""Page benchmark: what users see, at the `bench` scale, next to a view that
touches no database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp REDIS_URL=redis://127.0.0.1:6379/1 \\
        .venv/bin/python bench/bench_pages.py [--duration 5] [--connections 16]

1. Seeds `seed_demo --scale bench` (every step: 20,000 learners, 10,000
   courses, enrolments, orders, community, rewards...) once into its own
   PostgreSQL database, `<database>_bench` next to DATABASE_URL's (or
   BENCH_DATABASE_URL); later runs find it seeded and skip this.
2. Builds the similar-threads index into the cache, as the worker keeps it
   (a thread page never builds it), and starts gunicorn (3 sync workers, `bench.settings_bench`: DEBUG off, Redis
   cache and sessions) on a free local port.
3. Drives every page of issue 18's table and the API lists with wrk (2 threads,
   16 connections), anonymous and signed in (a session of `learner1@demo.kp`),
   each one right after the no-DB view `/courses/bench/nodb/`, so that the
   ratio compares two runs under the same load of the (shared) machine.
   Before it is measured, each page is requested once (its status must be 200,
   redirects are not followed; the time of that first, cold request is
   printed) and then warmed: rounds of 2 s with two connections per worker
   until every worker has answered at least --warmup-requests requests on
   average and the median of a round is within 10 % of the round before
   (at most --warmup-seconds; a page that did not settle says so).
4. Prints req/s, p50, p99, errors (every answer that is not 2xx, redirects
   included, and socket errors: connect, read, write, timeout) and the ratio.

Needs `wrk` (Debian: `apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# Run as a script (`python bench/bench_pages.py`): the project root on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import targets as bench_targets  # noqa: E402
from bench.wrkrun import STATUS_LUA, first_request, warm_up, wrk  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SETTINGS = "bench.settings_bench"
NODB = "/courses/bench/nodb/"
SEEDED_MARK = "bench_seeded_scale"


def bench_database_url(database_url: str) -> str:
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") or "kp"
    return urlunsplit(parts._replace(path=f"/{name}_bench"))


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(*args: str, env: dict, capture: bool = True) -> str:
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=capture,
        text=True,
    )
    if result.returncode:
        raise SystemExit(
            f"manage.py {args[0]} failed ({result.returncode}):\n{result.stderr or ''}"
        )
    return result.stdout if capture else ""


def sql(env: dict, statement: str) -> str:
    return manage(
        "shell",
        "--no-imports",
        "-v0",
        "-c",
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        f"    c.execute({statement!r})\n"
        "    print(c.fetchone()[0] if c.description else '')",
        env=env,
    ).strip()


def seed(env: dict, *, force: bool) -> None:
    manage("migrate", "--noinput", "-v0", env=env)
    sql(env, f"CREATE TABLE IF NOT EXISTS {SEEDED_MARK} (seconds float)")
    done = sql(env, f"SELECT count(*) FROM {SEEDED_MARK}")  # noqa: S608 (constant)
    if done != "0" and not force:
        print("bench scale already seeded (delete the database to reseed)")
        return
    print("seeding --scale bench (every step)…", flush=True)
    started = time.monotonic()
    manage("seed_demo", "--scale", "bench", "-v1", env=env, capture=False)
    seconds = time.monotonic() - started
    sql(env, f"INSERT INTO {SEEDED_MARK} VALUES ({seconds:.1f})")  # noqa: S608
    print(f"seeded in {seconds:.0f} s", flush=True)
    # Fresh planner statistics, as autovacuum would have them in production.
    sql(env, "VACUUM ANALYZE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (local URL)
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def pages(found: dict) -> list[tuple]:
    """(name, path, signed in, target ratio): issue 18's pages, then every API
    list endpoint, anonymous where anyone may read it and signed in."""
    anonymous, signed_in = 0.50, 0.20
    rows = [
        ("home, anonymous", "/", False, anonymous),
        ("catalogue", "/courses/", False, anonymous),
        ('catalogue search "python"', "/courses/?q=python", False, anonymous),
        ("course page", found["course_url"], False, anonymous),
        ("community index", "/community/", False, anonymous),
        ("thread page", found["thread_url"], False, anonymous),
        ("leaderboard", "/rewards/leaderboard/", False, anonymous),
        ("home, signed in", "/", True, signed_in),
        ("My learning", "/learn/", True, signed_in),
        ("lesson page, enrolled", found["lesson_url"], True, signed_in),
        ("course page, signed in", found["course_url"], True, signed_in),
    ]
    rows = [row for row in rows if row[1]]
    for path, signed in found["api_lists"]:
        name = "API " + path.removeprefix("/api/v1/").rstrip("/")
        rows.append(
            (f"{name}{', signed in' if signed else ''}", path, signed, signed_in)
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="measure the bench database as it is (a seed still running elsewhere)",
    )
    parser.add_argument(
        "--only",
        help="run the pages whose name contains this (or one of several: a|b)",
    )
    parser.add_argument(
        "--warmup-requests",
        type=int,
        default=30,
        help="requests a worker answers (on average) before a page is measured",
    )
    parser.add_argument(
        "--warmup-seconds",
        type=float,
        default=40,
        help="longest warm-up of a page (it is reported as not settled)",
    )
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "bench_pages needs PostgreSQL: set DATABASE_URL=postgres://... "
            "(SQLite figures would say nothing about production)."
        )
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("bench_pages needs Redis: set REDIS_URL=redis://...")
    if shutil.which("wrk") is None:
        raise SystemExit("bench_pages needs wrk (Debian: apt-get install wrk).")
    url = bench_database_url(database_url)
    ensure_database(url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": str(ROOT),
        # Tasks go to the broker, as in production: run eagerly, every
        # search recorded on a cached page would be analysed inside the request.
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # Production settings refuse the development key and the dummy gateway.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        "ALLOW_TEST_PAYMENTS": "1",
        # The API throttles are lifted by bench.settings_bench.
    }
    print(f"bench database: {url.split('@')[-1]}", flush=True)
    if args.no_seed:
        manage("migrate", "--noinput", "-v0", env=env)
        sql(env, "VACUUM ANALYZE")
    else:
        seed(env, force=args.reseed)
    # What the worker keeps in the cache in production (every 30 minutes and
    # after new threads); a thread page never builds it (community.similarity).
    manage(
        "shell",
        "-c",
        "from community.similarity import rebuild_now; rebuild_now()",
        env=env,
    )
    targets = bench_targets.find(env, api_lists=True)
    courses = targets["courses"]
    cookie = f"{targets['cookie_name']}={targets['session']}"
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
    failed = False
    script_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (removed below)
        "w", suffix=".lua", delete=False
    )
    script_file.write(STATUS_LUA)
    script_file.close()
    script = script_file.name
    warm = {
        "cookie": "",
        "workers": args.workers,
        "per_worker": args.warmup_requests,
        "max_seconds": args.warmup_seconds,
        "script": script,
    }
    try:
        wait_until_up(base + NODB)
        warm_up(base + NODB, **warm)
        load = os.getloadavg()
        print(
            f"\n{courses} published courses · gunicorn {args.workers} sync workers ·"
            f" wrk 2 threads, {args.connections} connections, {args.duration} s a run"
            f" · warm-up ≥ {args.warmup_requests} requests a worker until the median"
            f" settles (≤ {args.warmup_seconds:.0f} s)"
            f" · load average {load[0]:.1f} on {os.cpu_count()} cores\n"
            "first: one request to the cold page (its first render since the server"
            " started, before the warm-up); warm-up: requests, seconds, median of the"
            " first → last round, * = did not settle\n",
            flush=True,
        )
        header = (
            f"| {'page':40} | {'first':>8} | {'warm-up':>27} | {'req/s':>7} "
            f"| {'p50':>8} | {'p99':>8} | {'errors':>6} "
            f"| {'no-DB req/s':>11} | {'ratio':>5} | target |"
        )
        print(header)
        print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
        error_notes = []
        for name, path, signed_in, target in pages(targets):
            if args.only and not any(
                part in name.lower() for part in args.only.lower().split("|")
            ):
                continue
            cookie_header = cookie if signed_in else ""
            status, first_ms = first_request(base + path, cookie_header)
            if status != 200:
                failed = True
                print(
                    f"| {name:40} | {first_ms:6.0f}ms | answers {status}, not measured"
                    " (a page must answer 200 to the benchmark) |",
                    flush=True,
                )
                continue
            warmed = warm_up(base + path, **{**warm, "cookie": cookie_header})
            nodb = wrk(
                base + NODB,
                duration=args.duration,
                connections=args.connections,
                script=script,
            )
            page = wrk(
                base + path,
                duration=args.duration,
                connections=args.connections,
                cookie=cookie_header,
                script=script,
            )
            ratio = page["rps"] / nodb["rps"] if nodb["rps"] else 0.0
            ok = ratio >= target and page["p99"] < 100 and page["errors"] == 0
            failed |= page["errors"] > 0
            for run, what in ((warmed, "warm-up"), (page, "run"), (nodb, "no-DB")):
                if run["errors"]:
                    error_notes.append(
                        f"{name} ({what}): "
                        + ", ".join(
                            f"{kind} {n}"
                            for kind, n in run.get(
                                "error_kinds", {"errors": run["errors"]}
                            ).items()
                        )
                    )
            warmed_text = (
                f"{warmed['requests']} req {warmed['seconds']:3.0f}s"
                f" {warmed['first_p50']:.0f}→{warmed['last_p50']:.0f}ms"
                f"{'' if warmed['settled'] else '*'}"
            )
            print(
                f"| {name:40} | {first_ms:6.0f}ms | {warmed_text:>27} |"
                f" {page['rps']:7.0f} | {page['p50']:6.1f}ms |"
                f" {page['p99']:6.1f}ms | {page['errors']:6} | {nodb['rps']:11.0f} |"
                f" {ratio:5.2f} | {'met' if ok else 'MISSED':6} |",
                flush=True,
            )
        load = os.getloadavg()
        print(f"\nload average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
        for note in error_notes:
            print("errors: " + note)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        os.unlink(script)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
