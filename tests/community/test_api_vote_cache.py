"""A member's votes (their list, and "my vote" on a thread's posts) are kept
for them (core.apicache's per-viewer copy): a repeat asks the database only
for the session's user, a vote cast, changed or withdrawn shows at once, and
one member's votes never show in another's lists."""

import pytest
from django.urls import reverse

from community.models import Vote
from community.services import vote_cast, vote_withdraw
from tests.rowcount import assert_repeat_reads_only_the_user

from .factories import PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db

VOTES = "/api/v1/community/votes/"


def _votes(client) -> list[tuple[int, int]]:
    response = client.get(VOTES)
    assert response.status_code == 200
    return [(row["post"], row["value"]) for row in response.json()["results"]]


def _my_vote(client, post) -> int:
    """The `my_vote` of `post` in its thread's list of posts."""
    response = client.get("/api/v1/community/posts/", {"thread": post.thread_id})
    assert response.status_code == 200
    return {row["id"]: row["my_vote"] for row in response.json()["results"]}[post.pk]


def test_a_repeat_of_my_votes_asks_only_for_the_user(client, member):
    vote_cast(user=member, post=PostFactory())
    client.force_login(member)
    assert assert_repeat_reads_only_the_user(client, VOTES)["count"] == 1


def test_a_vote_cast_changed_and_withdrawn_shows_at_once(client, member):
    thread = ThreadFactory()
    answer = PostFactory(thread=thread)
    client.force_login(member)
    assert _votes(client) == []
    assert _my_vote(client, answer) == 0
    vote_cast(user=member, post=answer)
    assert _votes(client) == [(answer.pk, 1)]
    assert _my_vote(client, answer) == 1
    vote_cast(user=member, post=answer, value=-1)
    assert _votes(client) == [(answer.pk, -1)]
    assert _my_vote(client, answer) == -1
    vote_withdraw(user=member, post=answer)
    assert _votes(client) == []
    assert _my_vote(client, answer) == 0


def test_one_members_votes_are_never_anothers(client, member, other_member):
    thread = ThreadFactory()
    answer = PostFactory(thread=thread)
    vote_cast(user=member, post=answer)
    client.force_login(member)
    assert _votes(client) == [(answer.pk, 1)]
    assert _my_vote(client, answer) == 1
    client.force_login(other_member)
    assert _votes(client) == []
    assert _my_vote(client, answer) == 0
    client.logout()
    assert client.get(VOTES).status_code == 403
    assert _my_vote(client, answer) == 0


def test_the_admin_does_not_move_a_vote_to_another_voter_or_post(
    admin_client, member, other_member
):
    post = PostFactory()
    vote_cast(user=member, post=post)
    vote = Vote.objects.get()
    url = reverse("admin:community_vote_change", args=[vote.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="user"' not in page and 'name="post"' not in page
    response = admin_client.post(
        url, {"user": other_member.pk, "post": PostFactory().pk, "value": "1"}
    )
    assert response.status_code == 403
    vote.refresh_from_db()
    assert (vote.user, vote.post) == (member, post)
    post.refresh_from_db()
    assert post.score == 1
