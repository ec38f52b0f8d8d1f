"""Seed people at bench scale into a throw-away SQLite database and time it.

Prints how long `seed_demo --scale bench` takes for the categories and
people steps, and how long the second (idempotent) run takes. Uses its own
VAR_DIR unless DATABASE_URL is set, so it never touches your data.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if not os.environ.get("DATABASE_URL"):
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="kp-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpplatform.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from accounts.models import User  # noqa: E402

STEPS = "courses.categories,accounts.people"

call_command("migrate", verbosity=0)
started = time.perf_counter()
call_command("seed_demo", scale="bench", only=STEPS, verbosity=0)
first = time.perf_counter() - started
users = User.objects.count()
started = time.perf_counter()
call_command("seed_demo", scale="bench", only=STEPS, verbosity=0)
second = time.perf_counter() - started
assert User.objects.count() == users, "second run added users"
print(f"users: {users}")
print(f"seed_people_first_run: {first:.1f} s ({users / first:.0f} users/s)")
print(f"seed_people_second_run: {second:.1f} s (adds nothing)")
