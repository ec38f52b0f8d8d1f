"""The site's own error pages, in the visitor's language (platform rule: bad
input gets a clear message in the user's language, never a bare page).

Django's defaults answered 400/403/404 with an English "Not Found" page
without the site's header, 405 (require_safe, require_POST) and a bare
HttpResponseNotFound() with an empty body (a blank page in a browser), and a
stale form token with Django's English CSRF explanation.
"""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEADINGS = {
    404: ("This page does not exist", "这个页面不存在"),
    405: ("This page cannot be used this way", "这个页面不能这样使用"),
    "csrf": ("The form could not be sent", "表单未能提交"),
}


def _body(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("language,index", [("en", 0), ("zh-hans", 1)])
def test_unknown_address_answers_the_site_page_in_the_visitors_language(
    language, index
):
    response = Client().get(
        "/no-such-page-here/", HTTP_ACCEPT_LANGUAGE=language, follow=True
    )
    assert response.status_code == 404
    body = _body(response)
    assert HEADINGS[404][index] in body
    assert "Not Found" not in body
    assert 'href="/"' in body  # a way back


@pytest.mark.parametrize("language,index", [("en", 0), ("zh-hans", 1)])
def test_a_missing_course_is_the_same_page(language, index):
    response = Client().get(
        reverse("courses:detail", args=["no-such-course"]),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 404
    assert HEADINGS[404][index] in _body(response)


@pytest.mark.parametrize("language,index", [("en", 0), ("zh-hans", 1)])
def test_posting_to_a_page_without_a_form_explains_nothing_changed(
    user, language, index
):
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("learning:my_learning"), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert response["Content-Type"].startswith("text/html")
    assert HEADINGS[405][index] in _body(response)


@pytest.mark.parametrize("language,index", [("en", 0), ("zh-hans", 1)])
def test_a_stale_form_token_says_what_to_do(language, index):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("account_login"),
        {"login": "x@example.com", "password": "x"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 403
    body = _body(response)
    assert HEADINGS["csrf"][index] in body
    assert "CSRF verification failed" not in body


def test_answers_with_a_body_of_their_own_are_left_alone():
    """The API's JSON errors stay JSON."""
    response = Client().get("/api/v1/courses/999999999/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
