"""The demo-data framework behind `manage.py seed_demo`.

Each app that has demo data has a module `demo/seeds/<app>.py` defining
`SEED_STEPS`: a list of `SeedStep(order, name, run)`, registered in
`demo/seeds/__init__.py`. `run(ctx)` must be deterministic for a given seed
(use `ctx.rng(name)`) and idempotent (get-or-create on natural keys), so that
a second run adds nothing. Steps run in `order`, each in one transaction.

Long content (texts, question banks, the sample video) is data under
`demo/data/`, read with `load_data`. The planted interest clusters are shared
by every app's seed, so that enrolments, reviews, threads and votes follow the
same tastes and the recommender has structure to find.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import random
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import yaml
from tqdm import tqdm

#: Long demo content (texts, question banks, media) lives in data files here.
DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.cache
def load_data(name: str) -> Any:
    """The parsed content of `demo/data/<name>`, read once.

    YAML files (`.yaml`) give their data, other files (Markdown) their text.
    The result is shared between callers: never change it in place.
    """
    path = DATA_DIR / name
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text) if path.suffix == ".yaml" else text


# (slug, Chinese name, English name, parent slug or None), parents first.
CATEGORIES: list[tuple[str, str, str, str | None]] = [
    (row["slug"], row["zh"], row["en"], row["parent"])
    for row in load_data("categories.yaml")["categories"]
]

# Top-level category slugs that tend to go together.
INTEREST_CLUSTERS: list[list[str]] = load_data("categories.yaml")["interest_clusters"]

SCALES = {
    # learners, creators
    "small": {"learners": 120, "creators": 12},
    "bench": {"learners": 20000, "creators": 400},
    # A tenth of the platform docs/scaling.md plans for (1M learners, 50k
    # courses): the rest of the data follows the learners.
    "tenth": {"learners": 100000, "creators": 1000},
}

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 (printed on purpose: demo accounts)


def login_hint() -> str:
    """The demo accounts to sign in with, as printed by `seed_demo` and `make run`."""
    return (
        f"Demo logins (password for all: {DEMO_PASSWORD}):\n"
        "  staff:    staff@demo.kp\n"
        "  creator:  creator1@demo.kp\n"
        "  learner:  learner1@demo.kp"
    )


@dataclasses.dataclass
class SeedContext:
    scale: str
    seed: int
    stdout: TextIO
    quiet: bool = False
    data: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def sizes(self) -> dict[str, int]:
        return SCALES[self.scale]

    def rng(self, name: str) -> random.Random:
        """A generator of its own per step, so that steps do not shift each other."""
        return random.Random(f"{self.seed}:{name}")

    def progress(
        self, iterable: Iterable, *, total: int | None = None, desc: str = ""
    ) -> Iterator:
        return iter(
            tqdm(
                iterable,
                total=total,
                desc=desc,
                file=self.stdout,
                disable=self.quiet,
                leave=False,
            )
        )

    def log(self, message: str) -> None:
        if not self.quiet:
            self.stdout.write(message + "\n")


@dataclasses.dataclass(frozen=True)
class SeedStep:
    order: int
    name: str
    run: Callable[[SeedContext], None]


@contextlib.contextmanager
def side_effects_applied_directly() -> Iterator[None]:
    """Run the tasks that seeding triggers in this process, not in the worker.

    Points, badges, levels, notifications and recommendation signals of the
    demo data are applied as each step commits (through the same tasks and
    services as in production), so that `make run` leaves the worker no
    backlog. The demo addresses are fictional: their emails are delivered to
    Django's dummy backend (the outbox rows are marked sent).
    """
    from celery import current_app
    from django.test.utils import override_settings

    conf = current_app.conf
    saved = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager = True
    conf.task_eager_propagates = True
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
        ):
            yield
    finally:
        conf.task_always_eager, conf.task_eager_propagates = saved
