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
        "template slots",
        "request machinery",
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


def test_a_first_page_builds_no_url_table_after_the_warm_up(client, monkeypatch):
    """Names in a namespace ("courses:detail") are reversed by a resolver of
    their own, filled on the namespace's first reverse in each language: the
    home page's first render filled 26 of them."""
    from django.urls import clear_url_caches
    from django.urls.resolvers import URLResolver

    clear_url_caches()
    warmup.urls_and_translations()
    built = []
    fill = URLResolver._populate

    def recording(resolver):
        built.append(str(resolver.pattern))
        return fill(resolver)

    monkeypatch.setattr(URLResolver, "_populate", recording)
    for language in ("zh-hans", "en"):
        assert client.get("/", HTTP_ACCEPT_LANGUAGE=language).status_code == 200
        assert client.get("/courses/", HTTP_ACCEPT_LANGUAGE=language).status_code == 200
    assert built == []


def test_every_template_slot_is_looked_up_before_its_first_render():
    """A slot's first render asked every installed app for its template (a
    failed lookup each, a copied exception with DEBUG on)."""
    from core.templatetags import platform_tags

    platform_tags.slot_templates_forget()
    assert platform_tags.slot_templates_warm() >= 10
    known = platform_tags._SLOT_TEMPLATES
    # Offered by pages, filled by other apps; and one no app may fill.
    assert "learning/slots/course_page.html" in known["course_page"]
    assert "rewards/slots/person_badge.html" in known["person_badge"]
    assert "catalogue_top" in known


def test_the_form_renderer_and_its_templates_are_ready_before_the_first_form():
    from django.forms.renderers import get_default_renderer

    get_default_renderer.cache_clear()
    warmup.request_machinery()
    renderer = get_default_renderer()
    cached = renderer.engine.engine.template_loaders[0].get_template_cache
    assert renderer.form_template_name in cached
    assert "django/forms/widgets/text.html" in cached


def test_the_task_client_is_loaded_without_sending_anything(
    django_assert_num_queries, monkeypatch
):
    from kombu import Producer

    from kpplatform.celery import warm_task_client

    sent = []
    monkeypatch.setattr(Producer, "publish", lambda *args, **kwargs: sent.append(1))
    with django_assert_num_queries(0):
        warm_task_client()
    assert sent == []


def test_what_the_process_loaded_is_frozen_out_of_the_garbage_collector(
    settings, monkeypatch
):
    """A full collection walked the warmed process's ~460,000 objects (0.3-0.8 s
    holding the GIL) in whichever first visit's allocations set it off: what
    Django's set-up and the warm-ups load is frozen, the warm-ups' garbage
    collected once before."""
    calls = []

    class FakeGc:
        @staticmethod
        def freeze():
            calls.append("freeze")

        @staticmethod
        def collect():
            calls.append("collect")

    settings.WARMUP_ON_START = True
    monkeypatch.setattr(warmup, "gc", FakeGc)
    monkeypatch.setattr(warmup, "_warmups", {})
    monkeypatch.setattr(warmup, "_started", type(warmup._started)())
    warmup.register(lambda: calls.append("warm-ups"), name="probe")
    warmup.start().join(timeout=30)
    assert calls == ["freeze", "warm-ups", "collect", "freeze"]


def test_the_task_app_is_finalized_before_the_first_task_is_sent(monkeypatch):
    """The first signed-in page queues a task (the daily visit): finalizing the
    app (binding every shared task) cost it 10-15 ms."""
    from kpplatform.celery import app, warm_task_client

    finalized = []
    monkeypatch.setattr(app, "finalize", lambda auto=False: finalized.append(auto))
    warm_task_client()
    assert finalized == [True]
