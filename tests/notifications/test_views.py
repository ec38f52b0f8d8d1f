"""The bell, the notifications page, marking read and the settings page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from notifications import registry, selectors, services
from notifications.models import Notification, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _reply(recipient, thread="Hello there", url="/community/"):
    return services.notification_send(
        recipient=recipient,
        kind="reply",
        actor=UserFactory(),
        params={"thread": thread},
        url=url,
    )


def test_bell_and_notifications(client, user):
    _reply(user)
    client.force_login(user)
    bell = client.get(reverse("notifications:bell")).content.decode()
    assert 'data-testid="unread-count">1' in bell
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Hello there" in page
    client.post(reverse("notifications:read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_bell_is_empty_for_anonymous_visitors(client):
    assert client.get(reverse("notifications:bell")).content == b""


def test_page_titles_follow_the_readers_language(client, user):
    _reply(user, thread="Decimal")
    client.force_login(user)
    english = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "replied in “Decimal”" in english.content.decode()
    chinese = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "回复了“Decimal”" in chinese.content.decode()


def test_list_page_query_count_does_not_grow(
    client, user, django_assert_max_num_queries
):
    for i in range(25):
        _reply(user, thread=f"Thread {i}")
    client.force_login(user)
    # session + user, count, one page of rows with actors and profiles.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="notification"') == 20


def test_open_marks_read_and_follows_only_local_links(client, user):
    n = _reply(user, url="/community/t/5/")
    client.force_login(user)
    response = client.post(
        reverse("notifications:read"), {"id": n.pk, "go": "/community/t/5/"}
    )
    assert response.url == "/community/t/5/"
    n.refresh_from_db()
    assert n.is_read
    response = client.post(
        reverse("notifications:read"), {"id": n.pk, "go": "https://evil.example/"}
    )
    assert response.url == reverse("notifications:list")


@pytest.mark.parametrize("bad", ["99999999999999999999999", "-3", "abc", "1e3", "١٢"])
def test_mark_read_with_a_bad_id_says_so_and_changes_nothing(client, user, bad):
    n = _reply(user)
    client.force_login(user)
    response = client.post(
        reverse("notifications:read"),
        {"id": bad},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "不是有效的通知编号" in response.content.decode()
    n.refresh_from_db()
    assert not n.is_read


def test_nobody_marks_someone_elses_notifications(client, user):
    theirs = _reply(UserFactory())
    client.force_login(user)
    client.post(reverse("notifications:read"), {"id": theirs.pk})
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_settings_page_saves_channels_per_topic(client, user):
    client.force_login(user)
    response = client.get(reverse("notifications:settings"))
    assert response.status_code == 200
    assert not NotificationPreference.objects.exists()  # GET writes nothing
    html = response.content.decode()
    for spec in registry.topics():
        assert str(spec.label) in html
    # Everything off except replies by email; the locked review outcomes stay on.
    response = client.post(
        reverse("notifications:settings"), {"reply__email": "on"}, follow=True
    )
    assert response.status_code == 200
    assert selectors.channels_for(user=user, topic="reply") == {registry.EMAIL}
    assert selectors.channels_for(user=user, topic="mention") == frozenset()
    assert selectors.channels_for(user=user, topic="course_moderation") == {
        registry.IN_APP,
        registry.EMAIL,
    }


def test_settings_page_needs_login(client):
    response = client.get(reverse("notifications:settings"))
    assert response.status_code == 302 and "login" in response.url


def test_old_community_addresses_redirect(client, user):
    client.force_login(user)
    response = client.get("/community/notifications/?unread=1")
    assert response.status_code == 302
    assert response.url == reverse("notifications:list") + "?unread=1"
    response = client.get("/community/notifications/settings/")
    assert response.url == reverse("notifications:settings")


def test_the_bell_is_on_the_page_before_htmx_loads_its_count(client, user):
    """The navbar does not move when the count arrives: the page already holds
    the same bell (without the count), and htmx swaps it for the counted one."""
    import re

    _reply(user)
    client.force_login(user)
    page = client.get(reverse("courses:catalogue")).content.decode()
    slot = re.search(
        r'<span hx-get="[^"]*" [^>]*data-testid="bell-slot">(.*?)</span>\s*$',
        page,
        re.S | re.M,
    )
    assert slot, "the bell's slot is rendered with the page"
    assert 'data-testid="bell"' in slot.group(1)
    assert "bi-bell" in slot.group(1)
    assert "unread-count" not in page  # the count stays htmx's (no query per page)
    bell = client.get(reverse("notifications:bell")).content.decode()
    assert 'data-testid="unread-count">1' in bell


def test_settings_column_headings_do_not_break_inside_a_chinese_word(client):
    """On a phone 站内 read 站 / 内 and 即时邮件 read 即时邮 / 件."""
    client.force_login(UserFactory())
    page = client.get(
        reverse("notifications:settings"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    headings = re.findall(r'<th scope="col" class="([^"]*)">([^<]*)</th>', page)
    kept = {text for classes, text in headings if "keep-words" in classes.split()}
    assert {"站内", "即时邮件", "邮件摘要"} <= kept
    css = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
    assert re.search(r"\.keep-words\s*\{\s*word-break:\s*keep-all", css)


@pytest.mark.parametrize(
    ("language", "approval", "moderation", "ambiguous"),
    [
        (
            "en",
            "Approval of my courses",
            "Moderation of my reviews",
            "My course reviews",
        ),
        ("zh-hans", "我的课程审核结果", "我的评价审核结果", "我的课程评价"),
    ],
)
def test_settings_tell_course_approval_from_moderation_of_my_reviews(
    client, language, approval, moderation, ambiguous
):
    """ "Reviews of my courses" beside "My course reviews" (我的课程评价): a
    creator read the second as learners' ratings of their courses; it is about
    reviews the viewer wrote being hidden by staff."""
    client.force_login(UserFactory())
    page = client.get(
        reverse("notifications:settings"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert approval in page
    assert moderation in page
    assert ambiguous not in page
