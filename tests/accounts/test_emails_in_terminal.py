"""`make run` prints emails in its terminal (EMAIL_URL unset): after signing
up, a newcomer was told to look in their inbox and spam folder for a link that
was in the terminal. The page says where it is, in development only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def _sign_up(client):
    return client.post(
        reverse("account_signup"),
        {
            "email": "newcomer@example.com",
            "password1": "a-long-and-unusual-passphrase-42",
            "password2": "a-long-and-unusual-passphrase-42",
        },
        headers={"accept-language": "zh-hans"},
        follow=True,
    ).content.decode()


def test_make_run_says_the_confirmation_link_is_in_the_terminal(client, settings):
    settings.DEBUG, settings.EMAIL_BACKEND = True, CONSOLE
    page = _sign_up(client)
    assert 'data-testid="emails-in-terminal"' in page
    assert "确认链接就在那里" in page


@pytest.mark.parametrize(
    ("debug", "backend"),
    [(False, CONSOLE), (True, "django.core.mail.backends.locmem.EmailBackend")],
)
def test_no_such_hint_where_emails_are_sent_or_in_production(
    client, settings, debug, backend
):
    settings.DEBUG, settings.EMAIL_BACKEND = debug, backend
    page = _sign_up(client)
    assert "验证你的邮箱地址" in page
    assert 'data-testid="emails-in-terminal"' not in page
