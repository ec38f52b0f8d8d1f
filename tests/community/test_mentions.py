"""`@handle` names one account: it is told, and the mention links to its profile."""

import pytest
from django.urls import reverse

from community import services
from core.markdown import COMMUNITY_POST, render_markdown
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _person(name, handle):
    user = UserFactory()
    user.profile.display_name = name
    user.profile.handle = handle
    user.profile.save()
    return user


def test_a_mention_tells_the_one_account_with_that_handle(
    member, other_member, space, django_capture_on_commit_callbacks
):
    li_yang = _person("李洋", "李洋")
    namesake = _person("李洋", "liyang")
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(
            author=member,
            space=space,
            kind="discussion",
            title="周末读书会",
            body="请 @李洋 看看，顺便问 @nobody，邮件 a@李洋 不算。",
        )
    mentioned = set(
        Notification.objects.filter(kind="mention").values_list(
            "recipient_id", flat=True
        )
    )
    assert mentioned == {li_yang.pk}
    assert not Notification.objects.filter(recipient=namesake).exists()
    html = thread.posts.get(kind="opening").body_html
    profile_url = reverse("accounts:profile", args=[li_yang.pk])
    assert (
        f'<a href="{profile_url}" rel="nofollow noopener noreferrer ugc">@李洋</a>'
        in (html)
    )
    assert "@nobody" in html and html.count("<a ") == 1


def test_mentions_in_code_and_links_stay_as_written():
    links = {"ana": "/accounts/u/5/"}
    html = render_markdown(
        "`@ana` and [@ana](https://example.com) and @ana.",
        profile=COMMUNITY_POST,
        mentions=links,
    )
    assert "<code>@ana</code>" in html
    assert 'href="https://example.com"' in html
    assert html.count('href="/accounts/u/5/"') == 1
    assert (
        '<a href="/accounts/u/5/" rel="nofollow noopener noreferrer ugc">@ana</a>.'
        in html
    )


def test_an_edited_post_links_the_new_mention(member, space):
    ana = _person("Ana", "ana")
    thread = services.thread_create(
        author=member, space=space, kind="discussion", title="Hello there", body="hi"
    )
    post = thread.posts.get(kind="opening")
    services.post_edit(post=post, editor=member, body="hi @ANA")
    post.refresh_from_db()
    assert reverse("accounts:profile", args=[ana.pk]) in post.body_html
