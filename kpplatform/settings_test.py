"""Settings for pytest: the normal settings with fast, isolated services.

DATABASE_URL and REDIS_URL still come from the environment, so that `.ci/run`
runs the same suite on PostgreSQL and Redis.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="kp-test-"))

from .settings import *  # noqa: E402,F403
from .settings import CACHES, REDIS_URL, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
# Without REDIS_URL the settings pick kombu's filesystem transport for
# `make run`; in tests the URL alone decides (memory, or what a test sets).
CELERY_BROKER_TRANSPORT = None
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_RESULT_BACKEND = "cache+memory://"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client's host and the live server's: test settings only.
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "[::1]"]
ALLOW_TEST_PAYMENTS = True
if REDIS_URL:
    # Keep test keys apart from a development server sharing the same Redis.
    CACHES["default"]["KEY_PREFIX"] = f"kp-test-{os.getpid()}"
LOGGING = {"version": 1, "disable_existing_loggers": False}
TEST_ARTIFACTS_DIR = Path(os.environ.get("TEST_ARTIFACTS_DIR", "test-artifacts"))
from .settings import STATIC_ROOT  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Events go straight to the table in tests (the Redis buffer has its own tests).
ANALYTICS_EVENT_BUFFER = "database"
# Course page views too (recommendations.services.course_views; tested apart).
RECOMMENDATIONS_VIEW_BUFFER = "database"
# The suite passes without the optional embedding packages, and does not
# load them where they are installed (tests inject their own encoder).
GRADING_EMBEDDINGS = "off"
# No warm-up thread in the tests (core/warmup.py; tested apart).
WARMUP_ON_START = False
