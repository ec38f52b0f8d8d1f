"""Browser tests of the community: the Q&A flow and XSS payloads in a real page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from community import services
from community.models import Post, Thread
from community.similarity import rebuild_now
from notifications.models import Notification
from tests.community.factories import SpaceFactory, ThreadFactory
from tests.e2e.conftest import logged_in_context
from tests.factories import UserFactory
from tests.xss import XSS_PAYLOADS

pytestmark = pytest.mark.django_db(transaction=True)


def _member():
    user = UserFactory()
    user.date_joined = timezone.now() - datetime.timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


def test_ask_see_similar_get_answer_accept_both_notified(browser, live_server):
    space = SpaceFactory(slug="python-space")
    ThreadFactory(
        space=space,
        title="如何用 Python 读取 CSV 文件？",
        body="用 open() 读出来是乱码。",
    )
    ThreadFactory(space=space, title="Night photography with a tripod")
    rebuild_now()
    asker, answerer = _member(), _member()

    asker_context = logged_in_context(browser, live_server, asker)
    page = asker_context.new_page()
    page.goto("/community/s/python-space/new/?kind=question")
    page.locator("input[name=title]").press_sequentially(
        "Python 读取 CSV 文件乱码", delay=30
    )
    similar = page.get_by_test_id("similar")
    expect(similar).to_contain_text("如何用 Python 读取 CSV 文件？")
    expect(similar).not_to_contain_text("Night photography")
    page.locator("textarea[name=body]").fill("我用 `csv.reader` 读出来是乱码，怎么办？")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("thread-title")).to_contain_text(
        "Python 读取 CSV 文件乱码"
    )
    thread = Thread.objects.get(title="Python 读取 CSV 文件乱码")
    thread_url = thread.get_absolute_url()

    answer_context = logged_in_context(browser, live_server, answerer)
    answer_page = answer_context.new_page()
    answer_page.goto(thread_url)
    answer_page.locator("[data-testid=reply-form] textarea[name=body]").fill(
        "加上 `encoding='utf-8-sig'`：\n\n```python\nopen(path, encoding='utf-8-sig')\n```"
    )
    answer_page.locator("[data-testid=reply-form] button[type=submit]").click()
    expect(answer_page.locator(".post-body pre code")).to_contain_text("utf-8-sig")

    # The asker sees the answer and an unread notification, and accepts it.
    page.goto(thread_url)
    expect(page.get_by_test_id("unread-count")).to_have_text(re.compile(r"^\s*1"))
    page.get_by_test_id("accept").click()
    expect(page.get_by_test_id("accepted")).to_be_visible()
    answer = Post.objects.get(thread=thread, kind="answer")
    assert Thread.objects.get(pk=thread.pk).accepted_post_id == answer.pk

    # Both are notified: the asker of the answer, the answerer of the acceptance.
    page.goto("/notifications/")
    expect(page.get_by_test_id("notifications")).to_contain_text(
        "Python 读取 CSV 文件乱码"
    )
    answer_page.goto("/notifications/")
    expect(answer_page.get_by_test_id("notification").first).to_contain_text(
        "Python 读取 CSV 文件乱码"
    )
    assert Notification.objects.filter(recipient=asker, kind="answer").exists()
    assert Notification.objects.filter(recipient=answerer, kind="accepted").exists()
    asker_context.close()
    answer_context.close()


def test_xss_payloads_never_fire_in_the_browser(browser, live_server):
    space = SpaceFactory(slug="xss-space")
    author, other = _member(), _member()
    body = "\n\n".join(XSS_PAYLOADS)
    thread = services.thread_create(
        author=author,
        space=space,
        kind="question",
        title="<img src=x onerror=alert(1)> title",
        body=body,
    )
    answer = services.post_create(author=other, thread=thread, body=body)
    services.post_create(
        author=author, thread=thread, body=XSS_PAYLOADS[2], parent=answer
    )
    context = logged_in_context(browser, live_server, other)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(
        "window.__xss = 0; window.alert = () => { window.__xss += 1; };"
    )
    for path in [
        thread.get_absolute_url(),
        "/community/",
        "/community/search/?q=title",
    ]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        # Hover and click user content to trigger any surviving handlers.
        for link in page.locator(".post-body a").all()[:20]:
            link.hover()
        page.wait_for_timeout(300)
        assert page.evaluate("window.__xss") == 0, path
    assert dialogs == []
    context.close()
