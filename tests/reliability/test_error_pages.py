"""The site's own error pages (handler500): in the visitor's language, no
database needed; a database that is unavailable answers 503 with Retry-After
(tests/reliability/test_postgres_restart.py does it with a real restart)."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from courses import selectors as course_selectors

pytestmark = pytest.mark.django_db

PAGES = {
    "en": ("The site is briefly unavailable", "Something went wrong on our side"),
    "zh-hans": ("网站暂时无法访问", "我们这边出了点问题"),
}


def _failing(error):
    def catalogue_queryset(*args, **kwargs):
        raise error

    return catalogue_queryset


@pytest.mark.parametrize("language", PAGES)
@pytest.mark.parametrize(
    "error",
    [
        OperationalError("terminating connection due to administrator command"),
        InterfaceError("connection already closed"),
    ],
)
def test_database_unavailable_answers_503_in_the_visitors_language(
    monkeypatch, language, error
):
    monkeypatch.setattr(course_selectors, "catalogue_queryset", _failing(error))
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    response = client.get("/courses/?q=x")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert PAGES[language][0] in body
    assert f'lang="{language}"' in body
    assert "administrator command" not in body and "Traceback" not in body


@pytest.mark.parametrize("language", PAGES)
def test_other_errors_answer_the_sites_500_page(monkeypatch, language):
    monkeypatch.setattr(
        course_selectors, "catalogue_queryset", _failing(ValueError("boom"))
    )
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    response = client.get("/courses/?q=x")
    assert response.status_code == 500
    body = response.content.decode()
    assert PAGES[language][1] in body
    assert "boom" not in body


@pytest.mark.parametrize("language", PAGES)
@pytest.mark.parametrize(
    "error,status",
    [(ValueError("boom"), 500), (OperationalError("terminating connection"), 503)],
)
def test_an_error_page_that_cannot_render_still_answers_in_the_visitors_language(
    monkeypatch, language, error, status
):
    """A 500 handler must not raise: when the error page's own template fails
    (here the static manifest lacks an entry), a bare page says the same."""
    from django.template import loader

    monkeypatch.setattr(course_selectors, "catalogue_queryset", _failing(error))
    get_template = loader.get_template

    def broken(name, *args, **kwargs):
        if name in ("500.html", "503.html"):
            raise ValueError("Missing staticfiles manifest entry for 'css/site.css'")
        return get_template(name, *args, **kwargs)

    monkeypatch.setattr(loader, "get_template", broken)
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    response = client.get("/courses/?q=x")
    assert response.status_code == status
    body = response.content.decode()
    assert PAGES[language][0 if status == 503 else 1] in body
    assert "manifest" not in body and "boom" not in body
    if status == 503:
        assert response["Retry-After"] == "5"
