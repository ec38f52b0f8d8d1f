"""`manage.py run_embedded --port N`: emails link to the port being served."""

import os
import socket
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from core.emails import PlatformSite
from core.management.commands import run_embedded


def _serve(monkeypatch, *args):
    seen = {}

    def popen(argv, **kwargs):
        seen["worker_site_url"] = os.environ.get("SITE_URL")
        return mock.Mock(pid=1)

    def fake_call_command(name, *a, **kw):
        if name == "runserver":
            seen["runserver"] = a
            seen["domain"] = PlatformSite().domain

    monkeypatch.setattr(run_embedded.subprocess, "Popen", popen)
    monkeypatch.setattr(run_embedded, "call_command", fake_call_command)
    monkeypatch.setattr(
        run_embedded.Command, "_port_free", staticmethod(lambda h, p: True)
    )
    call_command("run_embedded", *args)
    return seen


def test_emails_link_to_the_port_served(monkeypatch, settings):
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    settings.SITE_URL = "http://127.0.0.1:8000"
    seen = _serve(monkeypatch, "--port", "8301")
    assert seen["runserver"] == ("127.0.0.1:8301",)
    # The confirmation email read "注册了一个账户 on 127.0.0.1:8000" and the
    # worker's notification emails linked there, where nothing answered.
    assert seen["domain"] == "127.0.0.1:8301"
    assert seen["worker_site_url"] == "http://127.0.0.1:8301"


def test_a_site_url_set_by_the_operator_is_kept(monkeypatch, settings):
    monkeypatch.setenv("SITE_URL", "https://kp.example.com")
    settings.SITE_URL = "https://kp.example.com"
    seen = _serve(monkeypatch, "--port", "8301")
    assert seen["domain"] == "kp.example.com"
    assert seen["worker_site_url"] == "https://kp.example.com"


def test_a_port_in_use_starts_no_worker(monkeypatch):
    started = []
    monkeypatch.setattr(
        run_embedded.subprocess,
        "Popen",
        lambda *a, **k: started.append(a) or mock.Mock(pid=1),
    )
    monkeypatch.setattr(run_embedded, "call_command", lambda *a, **k: None)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # runserver leaves with os._exit on a port in use: a worker started
        # first was left running, orphaned, after the command had failed.
        with pytest.raises(CommandError, match=f"Port {port} .* is in use"):
            call_command("run_embedded", "--port", str(port))
    assert started == []
