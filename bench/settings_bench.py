"""Settings for bench/bench_pages.py: production-like (DEBUG off) over plain HTTP,
with the DB-free baseline view switched on."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
# One client address sends every request of the benchmark: the API throttles
# (120 a minute for an address by default) would answer 429 within a second.
# Lifted per second, not per minute: a throttle keeps the time of every request
# in its window, and a minute of the benchmark's requests (tens of thousands)
# read and written back on each request would cost what production never pays
# (at most 600 entries there).
for _rate in ("API_RATE_ANON", "API_RATE_USER", "API_RATE_WRITE", "API_RATE_SEARCH"):
    os.environ.setdefault(_rate, "100000000/s")

from kpplatform.settings import *  # noqa: E402,F403
from kpplatform.settings import STORAGES  # noqa: E402

BENCH_VIEWS = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# No collectstatic needed to render pages.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
