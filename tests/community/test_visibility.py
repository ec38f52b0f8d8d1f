"""Every view of a post follows one rule (``selectors.visible_posts``).

Live posts for everyone, held ones for their author and staff, hidden ones for
staff, deleted ones' text for staff only: on the thread page, the edit history,
the report form, the edit form, comments, votes and the API alike.
"""

import pytest
from django.urls import reverse

from community import selectors, services
from community.models import Visibility
from tests.factories import StaffFactory, UserFactory

from .factories import PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/community"
SECRET = "the secret words of this post"


@pytest.fixture
def thread(space):
    return ThreadFactory(space=space)


@pytest.fixture
def deleted(thread, member):
    post = PostFactory(thread=thread, author=member, body=SECRET)
    services.post_edit(post=post, editor=member, body=SECRET + " (edited)")
    services.post_delete(post=post, user=member)
    return post


@pytest.fixture
def held(thread, member):
    return PostFactory(
        thread=thread, author=member, body=SECRET, status=Visibility.HELD
    )


@pytest.fixture
def hidden(thread, member):
    return PostFactory(
        thread=thread, author=member, body=SECRET, status=Visibility.HIDDEN
    )


def _pages(post):
    return [
        reverse("community:post_history", args=[post.pk]),
        reverse("community:report", args=[post.pk]),
        reverse("community:post_edit", args=[post.pk]),
    ]


def _get(client, url):
    response = client.get(url)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "other"])
@pytest.mark.parametrize("state", ["deleted", "held", "hidden"])
def test_history_report_and_edit_never_show_what_the_rule_hides(
    client, request, who, state
):
    post = request.getfixturevalue(state)
    if who == "other":
        client.force_login(UserFactory())
    for url in _pages(post):
        status, html = _get(client, url)
        assert SECRET not in html, url
        if who == "anonymous" and "history" not in url:
            assert status == 302  # login first; nothing shown
        else:
            assert status == 404, url
    response = client.get(f"{API}/posts/{post.pk}/")
    assert SECRET not in response.content.decode()


def test_the_author_sees_their_held_post_but_not_their_hidden_or_deleted_one(
    client, member, held, hidden, deleted
):
    client.force_login(member)
    status, html = _get(client, reverse("community:post_history", args=[held.pk]))
    assert status == 200 and SECRET in html
    for post in (hidden, deleted):
        status, html = _get(client, reverse("community:post_history", args=[post.pk]))
        assert status == 404 and SECRET not in html


def test_staff_read_every_state_on_pages_and_in_the_api_alike(
    client, thread, held, hidden, deleted
):
    client.force_login(StaffFactory())
    for post in (held, hidden, deleted):
        status, html = _get(client, reverse("community:post_history", args=[post.pk]))
        assert status == 200 and SECRET in html
    page = client.get(thread.get_absolute_url()).content.decode()
    listed = client.get(f"{API}/posts/", {"thread": thread.pk}).json()["results"]
    ids = {p["id"] for p in listed}
    assert {held.pk, hidden.pk, deleted.pk} <= ids
    for post in (held, hidden):
        assert f'id="post-{post.pk}"' in page
    # A deleted post is a placeholder on the page and in the API, for staff too.
    assert next(p for p in listed if p["id"] == deleted.pk)["body"] == ""


def test_page_and_api_list_the_same_posts_for_each_person(
    client, thread, member, held, hidden, deleted
):
    live = PostFactory(thread=thread, body="live answer")
    for viewer in (None, member, UserFactory(), StaffFactory()):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        api_ids = {
            p["id"]
            for p in client.get(f"{API}/posts/", {"thread": thread.pk}).json()[
                "results"
            ]
        }
        page = client.get(thread.get_absolute_url()).content.decode()
        page_ids = {
            p.pk for p in (live, held, hidden, deleted) if f'id="post-{p.pk}"' in page
        }
        assert page_ids == api_ids - {thread.posts.get(kind="opening").pk}, viewer
        assert live.pk in api_ids


def test_nobody_comments_on_or_votes_for_a_post_they_cannot_read(
    client, other_member, held, deleted
):
    client.force_login(other_member)
    for post in (held, deleted):
        response = client.post(
            reverse("community:comment_create", args=[post.pk]), {"body": "hi"}
        )
        assert response.status_code == 404
        response = client.post(
            f"{API}/posts/{post.pk}/vote/",
            {"value": 1},
            content_type="application/json",
        )
        assert response.status_code == 404
    assert held.comments.count() == 0 and held.votes.count() == 0


def test_one_rule_for_lists_and_single_posts(thread, member, held, hidden, deleted):
    people = [None, member, UserFactory(), StaffFactory()]
    for viewer in people:
        listed = set(selectors.visible_posts(viewer, thread=thread))
        for post in (held, hidden, deleted):
            post.refresh_from_db()
            assert (post in listed) == selectors.can_view_post(viewer, post), (
                viewer,
                post.status,
                post.is_deleted,
            )


@pytest.mark.parametrize(
    "query",
    [
        {"thread": "99999999999999999999999"},
        {"thread": "-1"},
        {"thread": "abc"},
    ],
)
def test_post_list_with_a_bad_thread_is_a_400(client, query):
    response = client.get(f"{API}/posts/", query)
    assert response.status_code == 400
    assert "thread" in response.json()


@pytest.mark.parametrize(
    "query",
    [
        {"space": "99999999999999999999999"},
        {"space": "x"},
        {"sort": "sideways"},
        {"filter": "everything"},
    ],
)
def test_thread_list_with_bad_parameters_is_a_400(client, query):
    assert client.get(f"{API}/threads/", query).status_code == 400


def test_huge_ids_in_urls_and_forms_are_not_found(client, member):
    huge = "99999999999999999999999"
    client.force_login(member)
    assert client.get(f"{API}/posts/{huge}/").status_code == 404
    assert client.get(f"{API}/threads/{huge}/").status_code == 404
    assert client.get(f"/community/t/{huge}/").status_code == 404
    assert client.get(f"/community/p/{huge}/history/").status_code == 404
    for target in ("thread", "tag", "user"):
        response = client.post(
            reverse("community:follow"), {"target": target, "id": huge}
        )
        assert response.status_code == 404
    response = client.post(
        f"{API}/posts/",
        {"thread": int(huge), "body": "hello"},
        content_type="application/json",
    )
    assert response.status_code == 400
    response = client.post(
        f"{API}/follows/",
        {"target": "thread", "thread": int(huge)},
        content_type="application/json",
    )
    assert response.status_code == 400
