"""What the page benchmarks visit: the learner, the course, the lesson, the
thread and a signed-in session, found in the database of the settings given
(bench/bench_pages.py on PostgreSQL at bench scale, bench/embedded_pages.py on
`make run`'s SQLite file).

Found by a `manage.py shell` in a child process with the benchmark's own
environment, so that the benchmark itself imports no Django.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEARNER_EMAIL = "learner1@demo.kp"

# The most followed published course, the learner's most followed enrolment's
# first lesson, the public thread with the most replies, and a session of the
# learner written to the session store (the benchmark sends its cookie).
SCRIPT = r"""
import json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from community.models import Thread
from courses.models import Course, Lesson
from learning.models import Enrollment

learner = get_user_model().objects.get(email=LEARNER_EMAIL)
course = Course.objects.filter(status="published").order_by("-learner_count", "id").first()
enrolment = (
    Enrollment.objects.filter(user=learner, is_active=True)
    .order_by("-course__learner_count", "id").first()
)
lesson = (
    Lesson.objects.filter(section__course_id=enrolment.course_id)
    .order_by("section__position", "position", "id").first()
)
thread = (
    Thread.objects.filter(is_deleted=False, space__visibility="public", space__is_active=True)
    .order_by("-reply_count", "id").first()
)
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(learner.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = learner.get_session_auth_hash()
store.create()
found = {
    "course_url": course.get_absolute_url(),
    "lesson_url": f"/learn/lesson/{lesson.pk}/",
    "thread_url": thread.get_absolute_url() if thread else None,
    "session": store.session_key,
    "cookie_name": settings.SESSION_COOKIE_NAME,
    "courses": Course.objects.filter(status="published").count(),
    "debug": settings.DEBUG,
    "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
}
"""

# Every list endpoint of the API (a router's "<basename>-list" without
# arguments), anonymous when it answers 200 to anyone, signed in when it
# answers 200 to the learner.
API_LISTS_SCRIPT = r"""
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse


def names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (pattern.namespace + ":" if pattern.namespace else "")
            yield from names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and (pattern.name or "").endswith("-list"):
            yield namespace + pattern.name


anonymous, signed_in = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
signed_in.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
lists = []
for name in sorted(set(names(get_resolver().url_patterns))):
    try:
        path = reverse(name)
    except NoReverseMatch:
        continue
    if not path.startswith("/api/v1/"):
        continue
    if anonymous.get(path).status_code == 200:
        lists.append((path, False))
    if signed_in.get(path).status_code == 200:
        lists.append((path, True))
found["api_lists"] = lists
"""


def find(env: dict, *, api_lists: bool = False) -> dict:
    """The benchmark's targets in the database `env`'s settings point to
    (with `api_lists`, also every API list and whether it is read signed in)."""
    script = f"LEARNER_EMAIL = {LEARNER_EMAIL!r}\n" + SCRIPT
    if api_lists:
        script += API_LISTS_SCRIPT
    script += "print(json.dumps(found))\n"
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(ROOT / "manage.py"), "shell", "--no-imports", "-v0"]
        + ["-c", script],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(
            f"finding the pages to visit failed ({result.returncode}):\n{result.stderr}"
        )
    return json.loads(result.stdout.strip().splitlines()[-1])
