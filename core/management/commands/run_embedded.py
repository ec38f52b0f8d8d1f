"""Serve the platform with a Celery worker (beat embedded) beside it.

Used by `make run`: one command, no server to install. The worker runs as a
child process on the configured broker (kombu's filesystem broker by default)
and stops with the web server.
"""

import os
import signal
import socket
import subprocess
import sys

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the web server and a Celery worker with embedded beat."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port, host, **options):
        if not self._port_free(host, port):
            # runserver would say so and leave with os._exit, skipping the
            # `finally` below: the worker stayed behind, running, orphaned.
            raise CommandError(
                f"Port {port} on {host} is in use (is the platform already "
                f"running?). Stop it, or choose another: --port {port + 1}"
            )
        self._site_url_follows_port(host, port)
        worker = subprocess.Popen(  # noqa: S603 (fixed argument list)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kpplatform",
                "worker",
                "-B",
                "--loglevel=INFO",
                "--concurrency=2",
                # A few messages in hand per process: the filesystem broker is
                # read by polling, and one at a time left the pool idle.
                "--prefetch-multiplier=4",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
            ]
        )
        url = f"http://{host}:{port}/"
        self.stdout.write(
            self.style.SUCCESS(f"\nThe platform is at {url}  (admin: {url}admin/)\n")
            + f"Broker: {settings.CELERY_BROKER_URL}  worker pid {worker.pid}"
        )
        if apps.is_installed("demo"):
            # By command name: core imports no project app.
            call_command("demo_logins", stdout=self.stdout)

        def stop(signum, frame):
            raise KeyboardInterrupt

        # `kill` (SIGTERM) stops the worker too, not only Ctrl-C.
        signal.signal(signal.SIGTERM, stop)
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        except KeyboardInterrupt:
            self.stdout.write("Stopping the worker…")
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()

    @staticmethod
    def _site_url_follows_port(host: str, port: int) -> None:
        """`run_embedded --port 8301` without SITE_URL or PORT in the
        environment: the links in emails (written by the worker, a child
        process reading the environment) pointed to port 8000, where nothing
        answered. As `make run` exports PORT, the site follows the port served."""
        if "SITE_URL" in os.environ or "PORT" in os.environ:
            return
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 (compared, not bound)
        site_url = f"http://{shown}:{port}"
        os.environ["SITE_URL"] = site_url
        settings.SITE_URL = site_url
        if "PAYMENT_HOST" not in os.environ:
            settings.PAYMENT_HOST = f"{shown}:{port}"

    @staticmethod
    def _port_free(host: str, port: int) -> bool:
        """Whether runserver could listen there (it reuses addresses, too)."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                return False
        return True
