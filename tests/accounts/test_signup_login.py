"""Sign-up, email verification, login and its limits (allauth + axes)."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.urls import reverse

from accounts.models import Profile, User
from tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "a-long-and-unusual-passphrase-42"


def _signup(client, email, password=GOOD_PASSWORD, **headers):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password},
        **headers,
    )


def test_signup_sends_a_verification_link_that_logs_in_and_leads_to_onboarding(
    client,
):
    response = _signup(client, "New.Person@Example.com")
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "new.person@example.com"
    assert Profile.objects.filter(user=user, onboarded_at__isnull=True).exists()
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    path = "/" + link.group(0).split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(path)
    assert EmailAddress.objects.get(user=user).verified
    assert response.status_code == 302
    assert response.url == reverse("accounts:onboarding")


@pytest.mark.parametrize("variant", ["taken@example.com", "TAKEN@Example.COM"])
def test_signup_with_a_registered_email_reveals_nothing_and_tells_the_owner(
    client, variant
):
    """No account enumeration: the page answers as for a new address; the owner
    of the address gets an email saying an account already exists."""
    UserFactory(email="taken@example.com")
    taken = _signup(client, variant, HTTP_ACCEPT_LANGUAGE="en")
    fresh = _signup(
        client.__class__(), "nobody-yet@example.com", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert taken.status_code == fresh.status_code == 302
    assert taken.url == reverse("account_email_verification_sent")
    assert taken.url == fresh.url
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
    to_owner = [m for m in mail.outbox if m.to == ["taken@example.com"]]
    assert len(to_owner) == 1
    assert "already" in to_owner[0].body.lower()
    assert "already registered" not in client.get(taken.url).content.decode()


def test_password_reset_answers_the_same_for_unknown_addresses(client):
    UserFactory(email="known@example.com")
    known = client.post(
        reverse("account_reset_password"), {"email": "known@example.com"}
    )
    unknown = client.post(
        reverse("account_reset_password"), {"email": "unknown@example.com"}
    )
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    # The known address gets a reset link, the unknown one a note that no
    # account uses it (it may be a typo of its owner, or someone else's probe).
    assert [m.to for m in mail.outbox] == [
        ["known@example.com"],
        ["unknown@example.com"],
    ]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_weak_password_is_refused_and_nothing_is_saved(client):
    response = _signup(client, "weak@example.com", "123456", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.exists()


def test_expired_verification_link_says_so(client, settings):
    _signup(client, "late@example.com")
    address = EmailAddress.objects.get(email="late@example.com")
    key = EmailConfirmationHMAC(address).key
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 0
    response = client.get(
        reverse("account_confirm_email", args=[key]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "expired or is invalid" in response.content.decode()
    client.post(reverse("account_confirm_email", args=[key]))
    assert not EmailAddress.objects.get(pk=address.pk).verified


def test_login_with_any_case_and_a_new_session_key(client):
    user = UserFactory(email="member@example.com")
    Profile.objects.filter(user=user).update(onboarded_at="2026-01-01T00:00Z")
    client.get(reverse("account_login"))
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    response = client.post(
        reverse("account_login"), {"login": "MEMBER@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session.session_key != before
    assert int(client.session["_auth_user_id"]) == user.pk


def test_first_login_before_onboarding_goes_to_onboarding(client):
    UserFactory(email="fresh@example.com")
    response = client.post(
        reverse("account_login"), {"login": "fresh@example.com", "password": PASSWORD}
    )
    assert response.url == reverse("accounts:onboarding")


def test_logout_and_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client):
    user = UserFactory(email="forgot@example.com")
    client.post(reverse("account_reset_password"), {"email": "Forgot@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(
        r"https?://\S+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body
    )
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    form_url = (
        response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    )
    response = client.post(
        form_url, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)


def _fail_login(client, email):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": "wrong-password"},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_site_login_is_rate_limited_after_repeated_failures(client):
    user = UserFactory(email="target@example.com")
    for _ in range(5):
        response = _fail_login(client, "target@example.com")
        assert "Too many failed login attempts" not in response.content.decode()
    response = _fail_login(client, "target@example.com")
    assert "Too many failed login attempts" in response.content.decode()
    # Even the right password is refused while the limit holds.
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.redis
def test_site_login_rate_limit_is_shared_through_redis(settings, client):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"kp-test-ratelimit-{id(client)}",
        }
    }
    from django.core.cache import cache

    cache.clear()
    UserFactory(email="redis-target@example.com")
    for _ in range(5):
        _fail_login(client, "redis-target@example.com")
    # Another client (another web node) sees the same counter.
    from django.test import Client

    response = _fail_login(Client(), "redis-target@example.com")
    assert "Too many failed login attempts" in response.content.decode()
    cache.clear()


def test_admin_login_is_locked_by_axes_after_repeated_failures(client, settings):
    staff = StaffFactory(email="boss@example.com")
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": staff.email, "password": "nope"})
    response = client.post(url, {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_admin_login_works_before_the_limit(client):
    staff = StaffFactory(email="boss2@example.com")
    client.post(reverse("admin:login"), {"username": staff.email, "password": "nope"})
    response = client.post(
        reverse("admin:login"), {"username": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == staff.pk


def test_csrf_is_enforced_on_login(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("account_login"), {"login": "x@example.com", "password": "x"}
    )
    assert response.status_code == 403


def test_rate_limit_settings_are_on(settings):
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"]
    assert timedelta(hours=settings.AXES_COOLOFF_TIME) > timedelta(0)


@pytest.mark.parametrize("minutes_later", [20, 6 * 60])
def test_confirming_later_in_the_same_browser_still_logs_in(client, minutes_later):
    """The email may arrive late (a busy worker) or be read after lunch: the
    learner who confirms in the browser they signed up in is logged in, not
    sent to the login page (allauth forgets the pending login after
    ACCOUNT_LOGIN_TIMEOUT, 15 minutes by default)."""
    import time
    from unittest import mock

    _signup(client, "later@example.com")
    address = EmailAddress.objects.get(email="later@example.com")
    path = reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])
    later = time.time() + minutes_later * 60
    with mock.patch("allauth.account.internal.stagekit.time.time", return_value=later):
        response = client.post(path)
    assert EmailAddress.objects.get(pk=address.pk).verified
    assert response.status_code == 302
    assert response.url == reverse("accounts:onboarding")
    assert client.get(reverse("accounts:onboarding")).status_code == 200


def test_confirming_in_another_browser_verifies_but_asks_to_log_in(client):
    """Only the browser that signed up is logged in by the link (allauth's rule:
    a leaked link must not open the account)."""
    from django.test import Client

    _signup(client, "phone@example.com")
    address = EmailAddress.objects.get(email="phone@example.com")
    other = Client()
    response = other.post(
        reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])
    )
    assert EmailAddress.objects.get(pk=address.pk).verified
    assert response.url.startswith(reverse("account_login"))


def test_a_new_password_from_the_reset_link_logs_in(client):
    """The same class of fault as the confirmation: a finished flow that asks
    to log in again. After choosing a new password the person is logged in."""
    UserFactory(email="forgot@example.com")
    client.post(reverse("account_reset_password"), {"email": "forgot@example.com"})
    link = re.search(
        r"https?://\S+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body
    )
    form_page = client.get(link.group(1), follow=True)
    action = (
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    )
    response = client.post(
        action, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_allauths_pages_say_the_platforms_chinese_word_for_email(client):
    """django-allauth's own Chinese says "Email" and 电子邮件; the platform says
    邮箱地址 everywhere (docs/glossary.md), its account pages included."""
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("account_email"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    text = page.content.decode()
    assert "邮箱地址" in text
    assert "Email" not in re.sub(r"<[^>]+>", " ", text)
    assert "电子邮件" not in text
