import pytest

from community import services
from community.models import Follow, Thread, Vote

from .factories import PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/community"


def test_spaces_and_threads_lists(client, space, django_assert_max_num_queries):
    for _ in range(3):
        ThreadFactory(space=space)
    with django_assert_max_num_queries(6) as small:
        response = client.get(f"{API}/threads/", {"space": space.pk})
    assert response.status_code == 200 and response.json()["count"] == 3
    for _ in range(12):
        ThreadFactory(space=space)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"{API}/threads/", {"space": space.pk}).json()["count"] == 15
    assert client.get(f"{API}/spaces/").json()["count"] == 1


def test_create_thread_and_post_and_vote(client, member, other_member, space):
    client.force_login(member)
    response = client.post(
        f"{API}/threads/",
        {
            "space": space.pk,
            "kind": "question",
            "title": "API question here",
            "body": "body",
            "tags": ["api"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    thread_id = response.json()["id"]
    client.force_login(other_member)
    response = client.post(
        f"{API}/posts/",
        {"thread": thread_id, "body": "An answer"},
        content_type="application/json",
    )
    assert response.status_code == 201
    post_id = response.json()["id"]
    client.force_login(member)
    for _ in range(2):
        response = client.post(
            f"{API}/posts/{post_id}/vote/",
            {"value": 1},
            content_type="application/json",
        )
    assert response.json()["score"] == 1
    assert Vote.objects.count() == 1
    assert client.post(f"{API}/posts/{post_id}/accept/").status_code == 200
    detail = client.get(f"{API}/threads/{thread_id}/").json()
    assert detail["accepted_post"] == post_id and detail["body"] == "body"


def test_api_bad_input_is_400_not_500(client, member, space):
    client.force_login(member)
    thread = ThreadFactory(space=space, author=member)
    own = thread.posts.get()
    assert (
        client.post(
            f"{API}/posts/{own.pk}/vote/", {"value": 1}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"{API}/posts/",
            {"thread": thread.pk, "body": ""},
            content_type="application/json",
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"{API}/posts/",
            {"thread": thread.pk, "body": "x" * 50_001},
            content_type="application/json",
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"{API}/threads/",
            {"space": 999999, "kind": "question", "title": "abcd", "body": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    thread.is_deleted = True
    thread.save()
    response = client.post(
        f"{API}/posts/",
        {"thread": thread.pk, "body": "hello"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert thread.posts.count() == 1


def test_api_edit_delete_only_own(client, member, other_member, space):
    post = PostFactory(thread=ThreadFactory(space=space), author=member)
    client.force_login(other_member)
    assert (
        client.patch(
            f"{API}/posts/{post.pk}/", {"body": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.delete(f"{API}/posts/{post.pk}/").status_code == 403
    client.force_login(member)
    assert (
        client.patch(
            f"{API}/posts/{post.pk}/",
            {"body": "edited"},
            content_type="application/json",
        ).status_code
        == 200
    )
    assert client.delete(f"{API}/posts/{post.pk}/").status_code == 204


def test_follows(client, member, space):
    thread = ThreadFactory(space=space)
    client.force_login(member)
    response = client.post(
        f"{API}/follows/",
        {"target": "thread", "thread": thread.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Follow.objects.filter(user=member, thread=thread).count() == 1
    assert client.delete(f"{API}/follows/{Follow.objects.get().pk}/").status_code == 204


def test_posts_list_query_count(client, member, space, django_assert_max_num_queries):
    thread = ThreadFactory(space=space)
    client.force_login(member)
    PostFactory(thread=thread)
    with django_assert_max_num_queries(8) as small:
        client.get(f"{API}/posts/", {"thread": thread.pk})
    for _ in range(10):
        PostFactory(thread=thread)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert (
            client.get(f"{API}/posts/", {"thread": thread.pk}).json()["count"] == 12
        )  # with the opening post
    assert Thread.objects.count() == 1


def test_deleted_post_text_is_not_served(client, member, space):
    post = PostFactory(
        thread=ThreadFactory(space=space), author=member, body="secret words"
    )
    services.post_delete(post=post, user=member)
    data = client.get(f"{API}/posts/{post.pk}/").json()
    assert data["is_deleted"] and data["body"] == "" and data["body_html"] == ""
    page = client.get(post.thread.get_absolute_url()).content.decode()
    assert "secret words" not in page
