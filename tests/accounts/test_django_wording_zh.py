"""Django's own messages on the site's pages read right in Chinese.

The sign-up form's "password too short" error showed in English (Django 5.2
changed its msgid, its Chinese catalogue kept the old one), its address error
said 邮件地址 (the glossary says 邮箱地址), the "Already have an account?" line
ended in an English full stop, and time-since phrases said "1 月，3 周前" (read
as "January") and 日 for days. Overridden in locale/ (core/third_party_strings.py
DJANGO_WORDING).
"""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.timesince import timesince

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_sign_up_errors_read_in_chinese(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-email", "password1": "short", "password2": "short"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    text = _text(response)
    assert "This password is too short" not in text
    assert "密码太短，至少需要 8 个字符。" in text
    assert "请输入有效的邮箱地址。" in text
    assert "邮件地址" not in text
    assert re.search(r"已经有账号了？请<a [^>]*>登录</a>。", response.content.decode())


def test_sign_up_error_stays_english_in_english(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "a@example.com", "password1": "short", "password2": "short"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "This password is too short. It must contain at least 8 characters." in (
        _text(response)
    )


def test_time_since_says_months_and_days_in_chinese():
    now = timezone.now()
    with translation.override("zh-hans"):
        month_ago = naturaltime(now - timedelta(days=52))
        days_ago = naturaltime(now - timedelta(days=27, hours=1))
        since = timesince(now - timedelta(days=40), now)
        until = naturaltime(now + timedelta(days=33))
    assert month_ago.startswith("1\xa0个月")
    assert "天" in days_ago and "日" not in days_ago
    assert since.startswith("1\xa0个月") and "月，" not in since.replace("个月，", "")
    assert "个月" in until
    for text in (month_ago, days_ago, since, until):
        assert not re.search(r"\d\xa0月", text), text
