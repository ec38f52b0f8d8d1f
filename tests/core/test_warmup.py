"""A web process warms itself when it starts (core/warmup.py): what its first
visitors used to wait for (jieba's dictionary on the first search, networkx on
the community index, every template's first compilation) is loaded in a thread
before they come, and nothing a request could see is changed by it."""

import logging

import pytest
from django.core.cache import cache
from django.template import engines

from core import warmup

pytestmark = pytest.mark.django_db


def test_every_app_warm_up_runs_without_error(django_assert_num_queries):
    cache.set("warmup-probe", "kept")
    with django_assert_num_queries(0):
        timings = warmup.run()
    assert set(timings) >= {
        "urls and translations",
        "templates",
        "money formats",
        "search analysers",
        "recommendations modules",
    }
    assert cache.get("warmup-probe") == "kept"


def test_the_project_templates_are_compiled_before_their_first_render():
    engine = engines["django"].engine
    for loader in engine.template_loaders:
        if hasattr(loader, "reset"):
            loader.reset()
    compiled = warmup.compile_templates()
    assert compiled > 100
    cached = next(
        loader
        for loader in engine.template_loaders
        if hasattr(loader, "get_template_cache")
    )
    assert "base.html" in cached.get_template_cache
    assert "courses/catalogue.html" in cached.get_template_cache


def test_a_failing_warm_up_is_logged_and_the_others_still_run(caplog, monkeypatch):
    monkeypatch.setattr(warmup, "_warmups", {})
    ran = []

    def broken():
        raise RuntimeError("no dictionary")

    warmup.register(broken, name="broken")
    warmup.register(lambda: ran.append(True), name="fine")
    with caplog.at_level(logging.ERROR, logger="core.warmup"):
        timings = warmup.run()
    assert ran == [True]
    assert set(timings) == {"fine"}
    assert "broken" in caplog.text


def test_the_web_process_starts_the_warm_up_unless_switched_off(settings, monkeypatch):
    monkeypatch.setattr(warmup, "_warmups", {})
    monkeypatch.setattr(warmup, "_started", type(warmup._started)())
    settings.WARMUP_ON_START = False
    assert warmup.start() is None
    settings.WARMUP_ON_START = True
    ran = []
    warmup.register(lambda: ran.append(True), name="probe")
    thread = warmup.start()
    thread.join(timeout=30)
    assert ran == [True]
    assert warmup.start() is None  # once a process
