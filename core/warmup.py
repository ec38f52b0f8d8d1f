"""Warm a web process when it starts, not on its visitors' first requests.

A fresh process pays one-off costs on the first request that needs them: a
module imported inside a function (networkx for the community's circles),
jieba's dictionary (the first search: 1-2 s), babel's locale data (the first
price), every template compiled on its first render. Under `make run` the first
visit of a page paid them (several hundred ms to seconds), and so does every
new gunicorn worker.

The WSGI module (kpplatform/wsgi.py: runserver, `make run` and gunicorn load
it) calls `start()`, which runs every registered warm-up in a daemon thread
once the application is loaded. Apps register theirs in `AppConfig.ready`:

    from core import warmup
    warmup.register(warm_search, name="jieba dictionary", order=90)

They run by `order` (lowest first: what most pages need before what one
page needs).

A warm-up changes nothing a request could see (no rows, no cache entries): it
only loads code and data files a request would load. One that fails is logged
and skipped. `WARMUP_ON_START = False` turns the whole thing off.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

_warmups: dict[str, tuple[int, Callable[[], object]]] = {}
_started = threading.Event()
done = threading.Event()


def register(function: Callable[[], object], *, name: str, order: int = 50) -> None:
    """Run `function` once when a web process starts, in `order` (a second
    registration under the same name replaces the first)."""
    _warmups[name] = (order, function)


def import_modules(*names: str) -> Callable[[], None]:
    """A warm-up that imports these modules (imported lazily by the code that
    needs them, to keep other commands and the tests quick to start)."""

    def warm() -> None:
        for name in names:
            importlib.import_module(name)

    return warm


def compile_templates() -> int:
    """Compile every template of the project (not of the installed packages)
    into the cached loader, as their first renders would. Returns how many."""
    from django.template import TemplateSyntaxError, engines

    root = Path(settings.BASE_DIR).resolve()
    count = 0
    for engine in engines.all():
        directories = getattr(engine, "template_dirs", ())
        for directory in map(Path, directories):
            directory = directory.resolve()
            if not directory.is_relative_to(root) or ".venv" in directory.parts:
                continue
            for path in sorted(directory.rglob("*.html")):
                try:
                    engine.get_template(path.relative_to(directory).as_posix())
                except TemplateSyntaxError:
                    logger.exception("warm-up: template %s does not compile", path)
                    continue
                count += 1
    return count


def urls_and_translations() -> None:
    """Every language's message catalogues and URL reverse table (Django
    builds both on a language's first request; reversing the URLs of a page
    cost its first render 150 ms)."""
    from django.urls import get_resolver
    from django.utils import translation

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Home")
            get_resolver().reverse_dict  # noqa: B018 (built on first access)


def run() -> dict[str, float]:
    """Run every registered warm-up now; seconds each took (None if failed)."""
    timings: dict[str, float] = {}
    for name, (_order, function) in sorted(
        _warmups.items(), key=lambda item: item[1][0]
    ):
        started = time.perf_counter()
        try:
            function()
        except Exception:
            logger.exception("warm-up %r failed", name)
            continue
        timings[name] = time.perf_counter() - started
    return timings


def start() -> threading.Thread | None:
    """Run the warm-ups in a daemon thread, once per process."""
    if not getattr(settings, "WARMUP_ON_START", True) or _started.is_set():
        return None
    _started.set()

    def target() -> None:
        started = time.perf_counter()
        timings = run()
        done.set()
        logger.info(
            "warm-up done in %.1f s (%s)",
            time.perf_counter() - started,
            ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timings.items()),
        )

    thread = threading.Thread(target=target, name="warm-up", daemon=True)
    thread.start()
    return thread


register(urls_and_translations, name="urls and translations", order=0)
register(compile_templates, name="templates", order=10)
