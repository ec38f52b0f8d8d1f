"""Security headers on every page, and templates the CSP can enforce.

The Content-Security-Policy allows scripts from our own static files only.
An inline `<script>` or an `on*=` attribute in a template would be blocked by
the browser (and is a sign of HTML built by hand): move the code to a static
file and pass data through `data-` attributes or `json_script`. Browser checks
of the same rule on real pages: tests/e2e/test_csp.py.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "node_modules", "var", ".git", "test-artifacts"}
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.DOTALL)


def _project_templates() -> list[Path]:
    found = []
    for path in ROOT.rglob("*.html"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIP_DIRS or "templates" not in parts:
            continue
        found.append(path)
    return found


def test_templates_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in _project_templates()}
    assert "templates/base.html" in names
    assert len(names) > 50


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in _project_templates():
        text = path.read_text(encoding="utf-8")
        for match in SCRIPT_TAG.finditer(text):
            attributes = match.group(1)
            if "src=" in attributes or "application/json" in attributes:
                continue
            line = text.count("\n", 0, match.start()) + 1
            offenders.append(f"{path.relative_to(ROOT)}:{line}: inline <script>")
        for match in EVENT_ATTRIBUTE.finditer(text):
            line = text.count("\n", 0, match.end()) + 1
            offenders.append(f"{path.relative_to(ROOT)}:{line}: on*= attribute")
    assert not offenders, (
        "The Content-Security-Policy blocks inline scripts. Move the code to a "
        "static .js file (data- attributes or json_script for data; "
        "static/js/site.js has data-confirm, data-autosubmit, data-print):\n"
        + "\n".join(offenders)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/courses/", "/accounts/login/", "/admin/login/"]
)
def test_pages_carry_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";")
    )
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in policy
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_api_and_api_docs_carry_the_policy(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>" not in body
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_hsts_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]


def test_production_defaults_turn_hsts_on():
    """settings.py with DEBUG off (as the deploy check runs it) sends HSTS."""
    from kpplatform import settings as module

    assert not module.DEBUG  # settings_test loads it with DEBUG=0
    assert module.SECURE_HSTS_SECONDS >= 31536000
