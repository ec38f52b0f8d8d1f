"""The email confirmation page names the address once.

A new account has no display name, so allauth's "Please confirm that x is an
email address for user x" read 请确认 x 是用户 x 的邮箱地址: the address twice.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "Please confirm that new@example.com is your email address."),
        ("zh-hans", "请确认 new@example.com 是你的邮箱地址。"),
    ],
)
def test_confirm_page_names_the_new_address_once(lang, sentence):
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
    response = client.get(link.group(1))
    assert response.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert sentence in text
    assert "for user" not in text and "是用户" not in text
    response = client.post(link.group(1))  # the page still confirms
    assert EmailAddress.objects.get(email="new@example.com").verified
