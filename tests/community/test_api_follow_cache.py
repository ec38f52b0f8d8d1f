"""A member's follows (My follows, API) are kept for them (core.apicache's
per-viewer copy): a repeat asks the database only for the session's user; a
follow made or removed by any path shows at once (the API, the pages' follow
buttons, the service, following a thread one starts, a followed thread, tag
or person deleted); one member's follows never show in another's list."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from community import services
from community.models import Follow, Tag, Thread
from tests.factories import UserFactory
from tests.rowcount import assert_repeat_reads_only_the_user

from .factories import ThreadFactory

pytestmark = pytest.mark.django_db

FOLLOWS = "/api/v1/community/follows/"


def _follows(client) -> list[tuple]:
    response = client.get(FOLLOWS)
    assert response.status_code == 200
    return [
        (row["target"], row["thread"] or row["tag"] or row["followed_user"])
        for row in response.json()["results"]
    ]


def test_a_repeat_of_my_follows_asks_only_for_the_user(client, member):
    services.follow_set(user=member, follow=True, thread=ThreadFactory())
    client.force_login(member)
    assert assert_repeat_reads_only_the_user(client, FOLLOWS)["count"] == 1


def test_a_follow_made_and_removed_through_the_api_shows_at_once(client, member):
    thread = ThreadFactory()
    client.force_login(member)
    assert _follows(client) == []
    response = client.post(
        FOLLOWS, {"target": "thread", "thread": thread.pk}, "application/json"
    )
    assert response.status_code == 201
    assert _follows(client) == [("thread", thread.pk)]
    assert client.delete(f"{FOLLOWS}{response.json()['id']}/").status_code == 204
    assert _follows(client) == []


def test_the_pages_follow_buttons_show_at_once(client, member, other_member):
    thread = ThreadFactory()
    tag = Tag.objects.create(slug="django", name="Django")
    client.force_login(member)
    assert _follows(client) == []
    url = reverse("community:follow")
    for target, pk in (
        ("thread", thread.pk),
        ("tag", tag.pk),
        ("user", other_member.pk),
    ):
        client.post(url, {"target": target, "id": pk, "follow": "1"})
    assert sorted(_follows(client)) == sorted(
        [("thread", thread.pk), ("tag", tag.pk), ("user", other_member.pk)]
    )
    client.post(url, {"target": "tag", "id": tag.pk, "follow": "0"})
    assert sorted(_follows(client)) == sorted(
        [("thread", thread.pk), ("user", other_member.pk)]
    )


def test_following_a_thread_one_starts_shows_at_once(client, member, space):
    client.force_login(member)
    assert _follows(client) == []
    thread = services.thread_create(
        author=member,
        space=space,
        kind=Thread.Kind.DISCUSSION,
        title="How do I pass a queryset to a template?",
        body="I tried a few things and none of them worked for me yet.",
    )
    assert _follows(client) == [("thread", thread.pk)]


def test_a_followed_thread_tag_or_person_deleted_leaves_the_list_at_once(
    client, member
):
    thread = ThreadFactory()
    tag = Tag.objects.create(slug="python", name="Python")
    person = UserFactory()
    for target in ({"thread": thread}, {"tag": tag}, {"followed_user": person}):
        services.follow_set(user=member, follow=True, **target)
    client.force_login(member)
    assert len(_follows(client)) == 3
    thread.delete()
    assert sorted(_follows(client)) == sorted([("tag", tag.pk), ("user", person.pk)])
    Tag.objects.filter(pk=tag.pk).delete()
    assert _follows(client) == [("user", person.pk)]
    get_user_model().objects.filter(pk=person.pk).delete()
    assert _follows(client) == []


def test_one_members_follows_are_never_anothers(client, member, other_member):
    thread = ThreadFactory()
    services.follow_set(user=member, follow=True, thread=thread)
    client.force_login(member)
    assert _follows(client) == [("thread", thread.pk)]
    client.force_login(other_member)
    assert _follows(client) == []
    services.follow_set(user=other_member, follow=True, followed_user=member)
    assert _follows(client) == [("user", member.pk)]
    client.force_login(member)
    assert _follows(client) == [("thread", thread.pk)]
    client.logout()
    assert client.get(FOLLOWS).status_code == 403


def test_the_admin_does_not_move_a_follow_to_another_follower(
    admin_client, member, other_member
):
    services.follow_set(user=member, follow=True, thread=ThreadFactory())
    follow = Follow.objects.get()
    url = reverse("admin:community_follow_change", args=[follow.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="user"' not in page
