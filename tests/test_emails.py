"""Every email names the platform from the settings, in the reader's language.

The sites framework's default row says "example.com"; a verification email once
read "[example.com] 请确认…" and "来自example.com的 Hello!". Every email
template the project sends (allauth's account emails, through our adapter, and
the apps' own) is rendered here in both languages.
"""

import re
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.core.context import request_context
from django.core import mail
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from core.emails import email_site_context, email_subject
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://kp.test"
NAMES = {"zh-hans": "知识平台", "en": "Knowledge Platform"}
CJK = re.compile(r"[\u4e00-\u9fff]")

ALLAUTH_PREFIXES = sorted(
    str(p.relative_to(Path(allauth.__file__).parent / "templates"))[
        : -len("_subject.txt")
    ]
    for p in (Path(allauth.__file__).parent / "templates/account/email").glob(
        "*_subject.txt"
    )
)
# The apps' own email templates: every .txt under a templates/**/email/ folder.
OWN_TEMPLATES = sorted(
    str(p.relative_to(p.parents[len(p.relative_to(app / "templates").parts) - 1]))
    for app in ROOT.iterdir()
    if (app / "templates").is_dir() and app.name != ".venv"
    for p in (app / "templates").glob("**/email/*.txt")
    if "account/email" not in str(p)
)


def _no_default_site(text: str) -> None:
    assert "example.com" not in text, text
    assert "Hello!" not in text, text


@override_settings(SITE_URL=SITE)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("prefix", ALLAUTH_PREFIXES)
def test_every_account_email_names_the_platform_in_the_readers_language(
    rf, prefix, language
):
    user = UserFactory(email="reader@kp.test")
    context = {
        "user": user,
        "email": user.email,
        "code": "123456",
        "activate_url": f"{SITE}/accounts/confirm-email/key/",
        "password_reset_url": f"{SITE}/accounts/password/reset/key/x/",
        "signup_url": f"{SITE}/accounts/signup/",
        "password_reset_code": "ABC",
        "ip": "127.0.0.1",
        "user_agent": "Chromium",
        "timestamp": timezone.now(),
        "from_email": "old@kp.test",
        "to_email": "new@kp.test",
        "deleted_email": "old@kp.test",
    }
    request = rf.get("/")
    request.user = user
    with translation.override(language), request_context(request):
        message = get_adapter().render_mail(prefix, user.email, context)
    text = message.subject + "\n" + message.body
    _no_default_site(text)
    assert message.subject.startswith(f"[{NAMES[language]}] "), message.subject
    assert "kp.test" in message.body, message.body
    if language == "zh-hans":
        assert CJK.search(message.subject), message.subject
        # The greeting and closing are ours, translated; never allauth's
        # half-English "来自…的 Hello!".
        assert "你好，这里是知识平台。" in message.body, message.body
    else:
        assert not CJK.search(text), text
        assert "Hello, this is Knowledge Platform." in message.body


@override_settings(SITE_URL=SITE)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("template", OWN_TEMPLATES)
def test_every_app_email_ends_with_the_platforms_name_and_address(template, language):
    user = UserFactory()
    context = {
        **email_site_context(),
        "recipient": user,
        "user": user,
        "title": "Ticket confirmed",
        "link": f"{SITE}/live/1/",
        "items": [{"title": "Ticket confirmed", "link": f"{SITE}/live/1/"}],
        "settings_link": f"{SITE}/notifications/settings/",
        "application": {"status": "approved"},
        "apply_url": f"{SITE}/accounts/creator/apply/",
    }
    with translation.override(language):
        text = render_to_string(template, context)
        subject = email_subject(text)
    _no_default_site(text)
    assert bool(CJK.search(text)) is (language == "zh-hans"), text
    if template.endswith("_subject.txt"):
        assert subject.startswith(f"[{NAMES[language]}] "), subject
    else:
        assert text.rstrip().endswith(f"{NAMES[language]}\n{SITE}"), text


def test_there_are_email_templates_to_check():
    """The discovery above must find something, or the tests prove nothing."""
    assert "account/email/email_confirmation_signup" in ALLAUTH_PREFIXES
    assert "notifications/email/notification.txt" in OWN_TEMPLATES
    assert "accounts/email/creator_decision_message.txt" in OWN_TEMPLATES


@override_settings(SITE_URL=SITE)
def test_the_verification_email_of_a_new_signup_names_the_platform(client):
    """The reported case, end to end: sign up in Chinese, read the email."""
    client.post(
        reverse("account_signup"),
        {
            "email": "new@kp.test",
            "password1": "a-long-and-unusual-passphrase-42",
            "password2": "a-long-and-unusual-passphrase-42",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.startswith("[知识平台] ")
    assert "example.com" not in message.subject + message.body
    assert "Hello" not in message.body
    assert message.body.rstrip().endswith("kp.test")


def test_a_person_who_reads_english_gets_later_emails_in_english(client):
    """The language switcher is remembered; emails sent later (a notification,
    the creator decision) are written in it, not in the site's default."""
    from accounts.models import CreatorApplication
    from accounts.tasks import creator_application_notify
    from notifications.models import OutboxEmail
    from notifications.selectors import recipient_language

    user = UserFactory()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.profile.refresh_from_db()
    assert user.profile.language == "en"
    assert recipient_language(user) == "en"
    application = CreatorApplication.objects.create(
        user=user,
        motivation="teach",
        expertise="psychology",
        status=CreatorApplication.Status.APPROVED,
    )
    creator_application_notify(application_id=application.pk)
    email = OutboxEmail.objects.get(recipient=user)
    assert email.subject == "[Knowledge Platform] You are now a creator"
    assert "Your application to become a creator was approved" in email.body
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    user.profile.refresh_from_db()
    assert user.profile.language == "zh-hans"


def test_the_signup_language_is_remembered(client):
    from accounts.models import Profile

    client.post(
        reverse("account_signup"),
        {
            "email": "reader@kp.test",
            "password1": "a-long-and-unusual-passphrase-42",
            "password2": "a-long-and-unusual-passphrase-42",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert Profile.objects.get(user__email="reader@kp.test").language == "en"
