"""The forms of a page served from the anonymous page cache still work, each
visitor with their own CSRF token: the language switcher, signing in after a
cached page set the cookie, a returning visitor keeping their cookie."""

import re

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    _unmask_cipher_token,
)
from django.test import Client, RequestFactory
from django.urls import reverse

from core.csrf import masked_token
from tests.factories import PASSWORD, CourseFactory, UserFactory

pytestmark = pytest.mark.django_db
HOME = reverse("home")
FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]{64})"')


def _cached_home(client: Client):
    """The home page as the page cache serves it (a first visitor made it)."""
    Client().get(HOME)
    response = client.get(HOME)
    assert response.status_code == 200
    return response


def test_the_language_switcher_of_a_cached_page_works():
    visitor = Client(enforce_csrf_checks=True)
    page = _cached_home(visitor).content.decode()
    token = FORM_TOKEN.search(page).group(1)
    # The form's token and htmx's header are the same visitor's token.
    assert HEADER_TOKEN.search(page).group(1) == token
    switched = visitor.post(
        reverse("set_language"),
        {"language": "zh-hans", "next": "/", "csrfmiddlewaretoken": token},
    )
    assert switched.status_code == 302
    assert 'lang="zh-hans"' in visitor.get(HOME).content.decode()


def test_a_cached_page_refuses_a_form_without_the_visitors_token():
    visitor = Client(enforce_csrf_checks=True)
    _cached_home(visitor)
    other = FORM_TOKEN.search(_cached_home(Client()).content.decode()).group(1)
    refused = visitor.post(
        reverse("set_language"),
        {"language": "zh-hans", "next": "/", "csrfmiddlewaretoken": other},
    )
    assert refused.status_code == 403


def test_signing_in_after_a_cached_page_works():
    user = UserFactory()
    visitor = Client(enforce_csrf_checks=True)
    _cached_home(visitor)
    login = visitor.get(reverse("account_login")).content.decode()
    token = FORM_TOKEN.search(login).group(1)
    signed_in = visitor.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert signed_in.status_code == 302
    assert "_auth_user_id" in visitor.session


def test_a_returning_visitor_keeps_their_cookie_with_a_new_mask_each_time():
    CourseFactory()
    visitor = Client(enforce_csrf_checks=True)
    first = _cached_home(visitor)
    secret = first.cookies["csrftoken"].value
    tokens = set()
    for _ in range(3):
        page = visitor.get(HOME)
        token = HEADER_TOKEN.search(page.content.decode()).group(1)
        assert _unmask_cipher_token(token) == secret
        # The cookie is sent again (its expiry renewed), with the same secret.
        assert page.cookies["csrftoken"].value == secret
        tokens.add(token)
    assert len(tokens) == 3  # masked afresh for every response (BREACH)


def test_masked_token_is_what_get_token_gives():
    """A new visitor gets a new secret for their cookie; the token is that
    secret masked, in Django's alphabet; a visitor's secret is kept."""
    request = RequestFactory().get("/")
    token = masked_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert len(secret) == 32 and len(token) == 64
    assert set(secret + token) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret
    again = masked_token(request)
    assert again != token and _unmask_cipher_token(again) == secret
    other = RequestFactory().get("/")
    masked_token(other)
    assert other.META["CSRF_COOKIE"] != secret


def test_masked_tokens_use_the_whole_alphabet_evenly():
    """Every character at every position, none favoured: 204,800 characters
    give each of the 62 about 3,303 times (a standard deviation of 57); a
    byte taken modulo 62 would give the first 8 about 4,130."""
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "a" * 32
    masks = [masked_token(request)[:32] for _ in range(6400)]
    counts = dict.fromkeys(CSRF_ALLOWED_CHARS, 0)
    for mask in masks:
        for char in mask:
            counts[char] += 1
    assert min(counts.values()) > 2950 and max(counts.values()) < 3650, counts
    for position in (0, 31):
        assert {mask[position] for mask in masks} == set(CSRF_ALLOWED_CHARS)
