"""Issue 18's pages as `make run` serves them: SQLite, runserver, DEBUG on,
the demo data, the local-memory cache. Target: every page under 150 ms, first
visit included.

    make run   # once: installs, migrates, seeds the demo data (then stop it)
    env -u DATABASE_URL -u REDIS_URL .venv/bin/python bench/embedded_pages.py
    # or against a server already running (its caches are as they are):
    .venv/bin/python bench/embedded_pages.py --base http://127.0.0.1:8000

Without --base it starts `manage.py runserver --noreload` on a free port with
the project's default settings (a fresh clone's: no DATABASE_URL, no
REDIS_URL), as `make run` does but without its Celery worker, so that every
page's first visit is its first render since the server started (cold cache,
templates not yet compiled for the first page). Signed in is a session of
`learner1@demo.kp` written to the database. Each page is visited once
("first") and then --repeat times by the same browser (its cookies kept);
the table gives the first visit, the median and the worst of the repeats.
Not run by `make bench` (that one measures PostgreSQL under load).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script (`python bench/embedded_pages.py`): the project root on the path.
sys.path.insert(0, str(ROOT))

from bench import targets as bench_targets  # noqa: E402

TARGET_MS = 150


def embedded_env() -> dict:
    """A fresh clone's settings: the defaults, whatever this shell exports."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "kpplatform.settings"
    env["PYTHONPATH"] = str(ROOT)
    return env


def pages(found: dict) -> list[tuple[str, str, bool]]:
    """(name, path, signed in): issue 18's table."""
    rows = [
        ("home, anonymous", "/", False),
        ("catalogue", "/courses/", False),
        ('catalogue search "python"', "/courses/?q=python", False),
        ("course page", found["course_url"], False),
        ("community index", "/community/", False),
        ("thread page", found["thread_url"], False),
        ("home, signed in", "/", True),
        ("My learning", "/learn/", True),
        ("lesson page, enrolled", found["lesson_url"], True),
        ("course page, signed in", found["course_url"], True),
    ]
    return [row for row in rows if row[1]]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Keeps its cookies like a browser; follows no redirect (a redirect is
    reported, not timed as the page)."""

    def __init__(self, language: str, cookie: tuple[str, str] | None = None):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )
        self.language = language
        self.cookie = cookie

    def get(self, url: str) -> tuple[int, float, int]:
        """(status, ms, bytes)"""
        headers = {"Accept-Language": self.language}
        if self.cookie:
            headers["Cookie"] = f"{self.cookie[0]}={self.cookie[1]}"
        request = urllib.request.Request(url, headers=headers)  # noqa: S310
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=120) as response:
                body = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            body = error.read()
            status = error.code
        return status, (time.perf_counter() - started) * 1000, len(body)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (local URL)
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"runserver did not answer at {url}")


def measure(base: str, found: dict, *, repeat: int, language: str) -> bool:
    anonymous = Browser(language)
    signed_in = Browser(language, (found["cookie_name"], found["session"]))
    print(
        f"| {'page':28} | status | {'first':>8} | {'median':>8} | {'worst':>8}"
        f" | {'KB':>5} | < {TARGET_MS} ms |"
    )
    print(
        "|"
        + "-" * 30
        + "|--------|"
        + "-" * 10
        + ("|" + "-" * 10) * 2
        + "|-------|"
        + "-" * 10
        + "|"
    )
    all_met = True
    for name, path, signed in pages(found):
        browser = signed_in if signed else anonymous
        status, first, size = browser.get(base + path)
        repeats = [browser.get(base + path) for _ in range(repeat)]
        times = [ms for _, ms, _ in repeats]
        statuses = {status} | {s for s, _, _ in repeats}
        met = statuses == {200} and max(first, *times) < TARGET_MS
        all_met &= met
        print(
            f"| {name:28} | {','.join(map(str, sorted(statuses))):>6} |"
            f" {first:6.0f}ms | {statistics.median(times):6.0f}ms |"
            f" {max(times):6.0f}ms | {size / 1024:5.0f} | {'met' if met else 'MISSED':8} |",
            flush=True,
        )
    return all_met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="a running server (else one is started)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--language", default="zh-hans")
    parser.add_argument(
        "--settle",
        type=float,
        default=5,
        help="seconds between the server answering and the first visit (the time"
        " a person takes to open the address `make run` prints; the server warms"
        " itself meanwhile, core/warmup.py)",
    )
    args = parser.parse_args()

    env = embedded_env()
    found = bench_targets.find(env)
    server = None
    base = args.base
    if not base:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 (our own manage.py)
            [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload"]
            + [f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    try:
        wait_until_up(base + "/healthz/")
        if server:
            time.sleep(args.settle)
        load = os.getloadavg()
        print(
            f"{base} · {found['database']} · DEBUG {found['debug']} ·"
            f" cache {found['cache']} ·"
            f" {f'fresh runserver, first visit {args.settle:.0f} s after it answered' if server else 'running server'}"
            f" · {args.language} · load average {load[0]:.1f} {load[1]:.1f}"
            f" {load[2]:.1f} on {os.cpu_count()} cores\n"
        )
        met = measure(base, found, repeat=args.repeat, language=args.language)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
