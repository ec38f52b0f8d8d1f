"""Mentions in the browser: typing "@李" offers the accounts, the choice links one."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Notification
from tests.community.factories import SpaceFactory, ThreadFactory
from tests.e2e.conftest import logged_in_context
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _person(name, handle):
    user = UserFactory()
    user.date_joined = timezone.now() - datetime.timedelta(days=30)
    user.save(update_fields=["date_joined"])
    user.profile.display_name = name
    user.profile.handle = handle
    user.profile.save()
    return user


def test_typing_at_offers_handles_and_the_reply_links_the_one_chosen(
    browser, live_server
):
    space = SpaceFactory(slug="reading")
    author = _person("王芳", "wangfang")
    thread = ThreadFactory(space=space, title="周末读书会", author=author)
    li_yang = _person("李洋", "李洋")
    namesake = _person("李洋", "liyang_sh")
    replier = _person("张三", "zhangsan")

    context = logged_in_context(browser, live_server, replier)
    page = context.new_page()
    page.goto(thread.get_absolute_url())
    box = page.locator("[data-testid=reply-form] textarea[name=body]")
    box.press_sequentially("同意，问问 @李", delay=40)
    options = page.get_by_role("listbox", name="可提及的用户").get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.first).to_contain_text("@李洋")
    expect(options.nth(1)).to_contain_text("@liyang_sh")
    box.press("ArrowDown")
    box.press("ArrowUp")
    box.press("Enter")
    expect(box).to_have_value("同意，问问 @李洋 ")
    expect(page.get_by_role("listbox", name="可提及的用户")).to_be_hidden()
    box.press_sequentially("怎么看", delay=20)
    page.locator("[data-testid=reply-form] button[type=submit]").click()

    mention = page.locator(".post-body a", has_text="@李洋")
    expect(mention).to_have_attribute(
        "href", reverse("accounts:profile", args=[li_yang.pk])
    )
    mention.click()
    expect(page.get_by_test_id("profile-handle")).to_have_text("@李洋")
    assert Notification.objects.filter(recipient=li_yang, kind="mention").exists()
    assert not Notification.objects.filter(recipient=namesake).exists()
    context.close()
