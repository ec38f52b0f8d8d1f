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

What the process has loaded by then is handed to `gc.freeze()` (before the
warm-ups and after them): the cyclic garbage collector no longer walks it.
A warmed process holds about 460,000 tracked objects (modules, compiled
templates, URL tables, jieba's dictionary), all kept for its whole life, and
a full collection walked every one of them: 0.3-0.8 s holding the GIL, in
whichever request's allocations set it off, often one of the first visits.
"""

from __future__ import annotations

import gc
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


def project_templates():
    """(engine, name, path) of every template of the project (not of the
    installed packages)."""
    from django.template import engines

    root = Path(settings.BASE_DIR).resolve()
    for engine in engines.all():
        directories = getattr(engine, "template_dirs", ())
        for directory in map(Path, directories):
            directory = directory.resolve()
            if not directory.is_relative_to(root) or ".venv" in directory.parts:
                continue
            for path in sorted(directory.rglob("*.html")):
                yield engine, path.relative_to(directory).as_posix(), path


def compile_templates() -> int:
    """Compile every template of the project into the cached loader, as their
    first renders would. Returns how many."""
    from django.template import TemplateSyntaxError

    count = 0
    for engine, name, path in project_templates():
        try:
            engine.get_template(name)
        except TemplateSyntaxError:
            logger.exception("warm-up: template %s does not compile", path)
            continue
        count += 1
    return count


def _namespaces(patterns, prefix: str = "") -> list[str]:
    """Every URL namespace of `patterns`, nested ones as "outer:inner"."""
    from django.urls import URLResolver

    found = []
    for pattern in patterns:
        if not isinstance(pattern, URLResolver):
            continue
        inner = prefix
        if pattern.namespace:
            inner = f"{prefix}{pattern.namespace}:"
            found.append(inner.removesuffix(":"))
        found += _namespaces(pattern.url_patterns, inner)
    return found


def urls_and_translations() -> None:
    """Every language's message catalogues, date and number formats and URL
    reverse tables (Django builds each on a language's first request;
    reversing the URLs of a page cost its first render 150 ms).

    A name in a namespace ("courses:detail") is reversed by a resolver of its
    own, built and filled on the namespace's first reverse in each language:
    the home page's first render filled 26 of them (250 ms under load)."""
    from django.urls import NoReverseMatch, get_resolver, reverse
    from django.utils import formats, translation

    namespaces = _namespaces(get_resolver().url_patterns)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Home")
            formats.get_format("DATETIME_FORMAT")
            get_resolver().reverse_dict  # noqa: B018 (built on first access)
            for namespace in namespaces:
                try:
                    # No such name: only the namespace's resolver is built.
                    reverse(f"{namespace}:-warm-up-")
                except NoReverseMatch:
                    pass


def request_machinery() -> None:
    """What the first request of any page imports or builds: the template
    context processors, the message storage and the form renderer with its
    form, field and widget templates (a separate template engine)."""
    from django.forms.renderers import get_default_renderer
    from django.template import engines
    from django.utils.module_loading import import_string

    for engine in engines.all():
        inner = getattr(engine, "engine", None)
        if inner is not None:
            inner.template_context_processors  # noqa: B018 (imported on first access)
    import_string(settings.MESSAGE_STORAGE)
    renderer = get_default_renderer()
    names = [
        renderer.form_template_name,
        renderer.field_template_name,
        "django/forms/errors/list/default.html",
    ]
    widgets = Path(importlib.import_module("django.forms").__file__).parent
    names += [
        path.relative_to(widgets / "templates").as_posix()
        for path in sorted((widgets / "templates/django/forms/widgets").glob("*.html"))
    ]
    for name in names:
        renderer.get_template(name)


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
        # What Django's set-up loaded lives as long as the process: no
        # collection walks it again (neither the warm-ups' nor the visitors').
        gc.freeze()
        timings = run()
        # The warm-ups' garbage freed once, here, then what they loaded frozen.
        gc.collect()
        gc.freeze()
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
register(request_machinery, name="request machinery", order=15)
