"""Onboarding asks for a display name (optional): without one, a new member
shows as "user<number>" in the community, on leaderboards and reviews."""

import pytest
from django.urls import reverse

from accounts.models import Profile
from tests.community.factories import ThreadFactory
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "accounts:onboarding"


def test_a_new_member_who_enters_a_name_is_shown_by_it(client):
    user = UserFactory()
    topic = CategoryFactory()
    thread = ThreadFactory(author=user)
    client.force_login(user)
    page = client.get(reverse(URL), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "显示名称" in page and 'name="display_name"' in page
    response = client.post(
        reverse(URL), {"display_name": "  小林  ", "interests": [topic.pk]}
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert profile.display_name == "小林"
    assert profile.onboarded_at is not None
    for url in (reverse("accounts:profile", args=[user.pk]), thread.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "小林" in html, url
        # Only the handle (@user<number>, unchanged) may still say it.
        assert f"user{user.pk}" not in html.replace(f"@user{user.pk}", ""), url
    # Back on the page, the name is filled in.
    assert 'value="小林"' in client.get(reverse(URL)).content.decode()


def test_leaving_the_name_empty_keeps_the_default_or_the_chosen_one(client):
    user = UserFactory()
    topic = CategoryFactory()
    client.force_login(user)
    client.post(reverse(URL), {"display_name": "", "interests": [topic.pk]})
    user.refresh_from_db()
    assert Profile.objects.get(user=user).display_name == ""
    assert user.display_name == f"user{user.pk}"
    Profile.objects.filter(user=user).update(display_name="Lin")
    client.post(reverse(URL), {"display_name": "  ", "interests": [topic.pk]})
    assert Profile.objects.get(user=user).display_name == "Lin"


@pytest.mark.parametrize(
    ("language", "error"), [("en", "at most 60 characters"), ("zh-hans", "60")]
)
def test_a_name_too_long_is_refused_in_the_pages_language_keeping_the_topics(
    client, language, error
):
    user = UserFactory()
    topics = [CategoryFactory() for _ in range(3)]
    client.force_login(user)
    response = client.post(
        reverse(URL),
        {"display_name": "x" * 61, "interests": [topics[0].pk, topics[2].pk]},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    if language == "zh-hans":
        assert "Ensure this value" not in html
        assert "字符" in html
    # The topics chosen stay chosen; nothing was saved.
    assert f'value="{topics[0].pk}" id="interest-{topics[0].pk}" checked' in html
    assert f'value="{topics[2].pk}" id="interest-{topics[2].pk}" checked' in html
    assert f'value="{topics[1].pk}" id="interest-{topics[1].pk}" checked' not in html
    profile = Profile.objects.get(user=user)
    assert profile.display_name == "" and profile.onboarded_at is None
