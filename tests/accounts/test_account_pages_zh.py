"""The account pages and emails a person meets, read in Chinese, say 你 and
邮箱地址 / 邮件 like the rest of the platform (docs/glossary.md).

django-allauth's own Chinese says 您, 电子邮件 and "Email"; the strings the
platform uses are overridden in locale/ (core/third_party_strings.py ALLAUTH).
This walks every page, message and email of the flows the site offers (sign
up, confirm, log in, log out, reset, change and set a password, manage
addresses, confirm access again) as a person would, and reads what they see.
"""

import html
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long-and-unusual-passphrase-42"
# What the site never says in Chinese: the formal 你, allauth's words for an
# email address (邮箱地址) or an email (邮件), and for logging out (退出登录).
AVOIDED = re.compile(r"您|电子邮件|e-?mail|登出", re.IGNORECASE)
ADDRESS = re.compile(r"[\w.+-]+@[\w.-]+")


def _visible(text: str) -> str:
    """The text a reader sees: no markup, scripts, styles, links or addresses."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"https?://\S+", " ", html.unescape(text))
    return ADDRESS.sub(" ", text)


class Reader:
    """A zh-hans browser that keeps what each page and email said."""

    def __init__(self):
        self.client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        self.seen: list[tuple[str, str]] = []

    def read(self, name, response, status=200):
        assert response.status_code == status, (name, response.status_code)
        assert 'lang="zh-hans"' in response.content.decode(), name
        self.seen.append((name, _visible(response.content.decode())))
        return response

    def get(self, name, url, **kwargs):
        return self.read(name, self.client.get(url, follow=True, **kwargs))

    def post(self, name, url, data=None, status=200):
        response = self.client.post(url, data or {}, follow=True)
        return self.read(name, response, status)

    def read_mail(self):
        for message in mail.outbox:
            self.seen.append((f"email: {message.subject}", _visible(message.body)))
            self.seen.append(("email subject", _visible(message.subject)))
        mail.outbox.clear()

    def said(self, name: str, words: str) -> bool:
        return any(words in text for seen, text in self.seen if seen.startswith(name))

    def avoided(self):
        """(where, word, the words around it) for each word the site avoids."""
        return [
            (name, found.group(0), " ".join(text[start : found.end() + 20].split()))
            for name, text in self.seen
            for found in AVOIDED.finditer(text)
            for start in [max(0, found.start() - 20)]
        ]


def _link(path_start: str) -> str:
    for message in mail.outbox:
        found = re.search(
            rf"https?://[^/\s]+({re.escape(path_start)}\S+/)", message.body
        )
        if found:
            return found.group(1)
    raise AssertionError(f"no {path_start} link in {[m.body for m in mail.outbox]}")


def test_signing_up_confirming_and_logging_in_read_in_the_platforms_chinese():
    UserFactory(email="taken@example.com")
    reader = Reader()
    reader.get("log in", reverse("account_login"))
    reader.post(
        "log in, wrong password",
        reverse("account_login"),
        {"login": "taken@example.com", "password": "not-the-password"},
    )
    reader.get("sign up", reverse("account_signup"))
    reader.post(
        "sign up, passwords differ",
        reverse("account_signup"),
        {"email": "a@example.com", "password1": GOOD_PASSWORD, "password2": "other"},
    )
    reader.post(
        "sign up, an address already used",
        reverse("account_signup"),
        {
            "email": "taken@example.com",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    reader.client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    reader.post(
        "sign up",
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    confirm = _link("/accounts/confirm-email/")
    assert len(mail.outbox) == 2  # "already exists" to the owner, the link
    reader.read_mail()
    address = EmailAddress.objects.get(email="new@example.com")
    reader.get("confirm, expired link", reverse("account_confirm_email", args=["nope"]))
    reader.get("confirm", confirm)
    reader.post("confirmed", confirm)
    assert EmailAddress.objects.get(pk=address.pk).verified
    reader.get("log out", reverse("account_logout"))
    reader.post("logged out", reverse("account_logout"))
    reader.post(
        "logged in",
        reverse("account_login"),
        {"login": "new@example.com", "password": GOOD_PASSWORD},
    )
    assert "_auth_user_id" in reader.client.session
    assert reader.said("log in", "如果你还没有账号，请先")
    assert reader.said("log out", "确定要退出登录吗")
    assert reader.said("logged out", "你已退出登录")
    assert not reader.avoided(), reader.avoided()


def test_resetting_a_password_reads_in_the_platforms_chinese():
    UserFactory(email="forgot@example.com")
    reader = Reader()
    reader.get("reset", reverse("account_reset_password"))
    reader.post(
        "reset, unknown address",
        reverse("account_reset_password"),
        {"email": "nobody@example.com"},
    )
    reader.post(
        "reset sent", reverse("account_reset_password"), {"email": "forgot@example.com"}
    )
    link = _link("/accounts/password/reset/key/")
    assert len(mail.outbox) == 2  # "no account uses this address", the link
    reader.read_mail()
    reader.get("reset, bad link", "/accounts/password/reset/key/1-nope/")
    form = reader.get("new password", link)
    action = form.redirect_chain[-1][0] if form.redirect_chain else link
    reader.post("new password, differs", action, {"password1": "x", "password2": "y"})
    reader.post(
        "password reset",
        action,
        {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    reader.get("reset done", reverse("account_reset_password_from_key_done"))
    reader.read_mail()
    assert reader.said("email: ", "如果这不是你本人的操作，可以放心忽略这封邮件")
    assert reader.said("reset done", "你的密码已修改")
    assert not reader.avoided(), reader.avoided()


def test_the_account_settings_read_in_the_platforms_chinese():
    user = UserFactory(email="member@example.com")
    reader = Reader()
    reader.client.force_login(user)
    email = reverse("account_email")
    reader.get("addresses", email)
    reader.post("address added", email, {"action_add": "", "email": "two@example.com"})
    reader.post(
        "address, already yours", email, {"action_add": "", "email": "two@example.com"}
    )
    reader.post("resent", email, {"action_send": "", "email": "two@example.com"})
    reader.post(
        "unverified made primary",
        email,
        {"action_primary": "", "email": "two@example.com"},
    )
    reader.post(
        "primary removed", email, {"action_remove": "", "email": "member@example.com"}
    )
    reader.post(
        "address removed", email, {"action_remove": "", "email": "two@example.com"}
    )
    reader.read_mail()
    reader.get("reset while logged in", reverse("account_reset_password"))
    change = reverse("account_change_password")
    reader.get("change password", change)
    reader.post(
        "change password, wrong current one",
        change,
        {
            "oldpassword": "wrong",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    reader.post(
        "password changed",
        change,
        {
            "oldpassword": PASSWORD,
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    reader.get("confirm access", reverse("account_reauthenticate"))
    reader.post(
        "confirm access, wrong", reverse("account_reauthenticate"), {"password": "x"}
    )
    user.set_unusable_password()
    user.save()
    reader.client.force_login(user)
    reader.get("set password", reverse("account_set_password"))
    reader.post(
        "password set",
        reverse("account_set_password"),
        {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    reader.get("inactive", reverse("account_inactive"))
    reader.read_mail()
    assert reader.said("reset while logged in", "你已经以")
    assert reader.said("change password, wrong", "请输入你当前的密码")
    assert reader.said("confirm access", "为了你的账号安全，请再次验证身份")
    assert not reader.avoided(), reader.avoided()


def test_the_check_finds_allauths_own_words():
    """The reader above would see 您 and 电子邮件 if an override went missing."""
    assert AVOIDED.search(_visible("<p>您的电子邮件地址</p>"))
    assert AVOIDED.search(_visible("<td>Email</td>"))
    assert not AVOIDED.search(
        _visible('<input type="email" value="a@example.com">你 http://x/confirm-email/')
    )
