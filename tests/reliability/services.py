"""Private service processes for fault tests: they are stopped and started by
the tests, so they are never the shared Redis or PostgreSQL of this machine."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def need(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        message = f"fault tests need {binary} (apt-get install redis-server)"
        if IN_CI:
            pytest.fail(f"CI=true: {message}", pytrace=False)
        pytest.skip(message)
    return path


class RedisServer:
    """A redis-server of our own on a free port, in the foreground."""

    def __init__(self, port: int | None = None):
        self.binary = need("redis-server")
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def client(self):
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2)


# --- the platform's own processes (web, worker) on the test database --------

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")


def database_url() -> str:
    """The URL of the database this test run uses (pytest-django's test_ one)."""
    from django.db import connection

    conf = connection.settings_dict
    if connection.vendor != "postgresql":
        message = "fault tests with real processes need PostgreSQL (DATABASE_URL)"
        if IN_CI:
            pytest.fail(f"CI=true: {message}", pytrace=False)
        pytest.skip(message)
    auth = conf["USER"] or "postgres"
    if conf.get("PASSWORD"):
        auth += f":{conf['PASSWORD']}"
    return (
        f"postgres://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}"
        f"/{conf['NAME']}"
    )


def production_env(
    tmp_path, *, redis_url: str, database: str | None = None, **extra: str
) -> dict[str, str]:
    """Environment of a production-like process (DEBUG off) on the test
    database (or `database`) and the given Redis: the settings' own code
    paths, not the test settings (which run tasks eagerly in memory)."""
    import secrets

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "CELERY_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kpplatform.settings",
            "DATABASE_URL": database or database_url(),
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": f"kp-fault-{os.getpid()}",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ALLOW_TEST_PAYMENTS": "1",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "VAR_DIR": str(tmp_path / "var"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PROTECTED_MEDIA_ROOT": str(tmp_path / "protected"),
            "EMAIL_URL": "consolemail://",
            "GRADING_EMBEDDINGS": "off",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


class Process:
    """A child process in its own session, so that SIGKILL reaches all of it."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path):
        self.argv = argv
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log = open(self.log_path, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group (the main process and its pool)."""
        import signal

        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=20)
        self.process = None
        self.log.close()

    def stop(self, timeout: float = 20) -> None:
        import signal

        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill()
            return
        self.process = None
        self.log.close()

    def output(self) -> str:
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as handle:
                return handle.read()[-4000:]
        except OSError:
            return ""


def celery_worker(env, log_path, *, app: str = "kpplatform", concurrency: int = 1):
    """`celery -A kpplatform worker` (prefork), as `make worker` runs it."""
    return Process(
        [
            os.path.join(VENV_BIN, "celery"),
            "-A",
            app,
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env,
        log_path,
    )


def gunicorn(env, log_path, *, port: int, workers: int = 2, timeout: int = 30):
    """gunicorn serving kpplatform.wsgi, as the Procfile does."""
    return Process(
        [
            os.path.join(VENV_BIN, "gunicorn"),
            "kpplatform.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            str(timeout),
            "--graceful-timeout",
            "5",
        ],
        env,
        log_path,
    )


def wait_for_http(url: str, seconds: float = 60, process: Process | None = None):
    import requests

    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        if process is not None and not process.alive():
            raise RuntimeError(f"the server exited:\n{process.output()}")
        try:
            return requests.get(url, timeout=5)
        except requests.RequestException as error:
            last = error
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {seconds}s: {last}")


def wait_until(predicate, seconds: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
