import pytest
from django.urls import reverse

from community import services
from community.models import Post, Space, Thread, Vote
from learning.models import Enrollment
from notifications.models import Notification
from tests.factories import CourseFactory, UserFactory

from .factories import PostFactory, SpaceFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def test_index_and_space_pages_render(client, member, space):
    ThreadFactory(space=space, title="第一个问题：如何学习 Python？")
    assert client.get(reverse("community:index")).status_code == 200
    response = client.get(space.get_absolute_url())
    assert response.status_code == 200
    assert "第一个问题" in response.content.decode()


def test_unknown_space_and_thread_give_a_clear_404(client):
    response = client.get(reverse("community:space", args=["no-such-space"]))
    assert response.status_code == 404
    assert (
        "does not exist" in response.content.decode()
        or "不存在" in response.content.decode()
    )
    assert client.get(reverse("community:thread", args=[999999])).status_code == 404


def test_ask_flow_through_pages(client, member, space):
    client.force_login(member)
    url = reverse("community:thread_create", args=[space.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "question",
            "title": "How do decorators work?",
            "body": "Explain **please**",
            "tags": "python",
        },
    )
    thread = Thread.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == thread.get_absolute_url()
    )
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "<strong>please</strong>" in page


@pytest.mark.parametrize("body", ["", "x" * 50_001])
def test_bad_reply_gives_a_message_not_a_500(client, member, space, body):
    thread = ThreadFactory(space=space)
    client.force_login(member)
    response = client.post(
        reverse("community:post_create", args=[thread.pk]), {"body": body}, follow=True
    )
    assert response.status_code == 200
    assert Post.objects.filter(thread=thread).count() == 1
    assert response.context["messages"]


def test_reply_to_deleted_thread(client, member, space):
    thread = ThreadFactory(space=space, is_deleted=True)
    client.force_login(member)
    response = client.post(
        reverse("community:post_create", args=[thread.pk]), {"body": "hi"}, follow=True
    )
    assert response.status_code == 200
    assert Post.objects.filter(thread=thread).count() == 1
    assert any(
        "deleted" in str(m) or "删除" in str(m) for m in response.context["messages"]
    )


def test_vote_on_own_post_via_htmx_shows_message(client, member, space):
    thread = ThreadFactory(space=space, author=member)
    post = thread.posts.get()
    client.force_login(member)
    response = client.post(
        reverse("community:vote", args=[post.pk]),
        {"value": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert not Vote.objects.exists()


def test_vote_via_htmx(client, member, space):
    post = PostFactory(thread=ThreadFactory(space=space))
    client.force_login(member)
    for _ in range(2):
        response = client.post(
            reverse("community:vote", args=[post.pk]),
            {"value": "1"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    post.refresh_from_db()
    assert post.score == 1


def test_other_users_cannot_edit_or_delete_via_pages(
    client, member, other_member, space
):
    thread = ThreadFactory(space=space, author=member)
    post = thread.posts.get()
    client.force_login(other_member)
    assert client.get(reverse("community:post_edit", args=[post.pk])).status_code == 403
    assert (
        client.post(
            reverse("community:post_edit", args=[post.pk]), {"body": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("community:post_delete", args=[post.pk])).status_code == 403
    )
    post.refresh_from_db()
    assert not post.is_deleted and post.body != "x"


def test_similar_fragment(client, space):
    ThreadFactory(space=space, title="如何在 Python 中读取 CSV 文件")
    ThreadFactory(space=space, title="Photography lighting at night")
    from community.similarity import rebuild_now

    rebuild_now()
    response = client.get(reverse("community:similar"), {"title": "Python 读取 CSV"})
    body = response.content.decode()
    assert "CSV" in body and "Photography" not in body


def test_report_and_feature_pages(client, member, other_member, space):
    thread = ThreadFactory(space=space, author=member)
    client.force_login(other_member)
    response = client.post(
        reverse("community:report", args=[thread.posts.get().pk]), {"reason": "spam"}
    )
    assert response.status_code == 302
    assert (
        client.post(reverse("community:feature", args=[thread.pk])).status_code == 403
    )


# --- privacy -------------------------------------------------------------------------


@pytest.fixture
def private_space(db):
    course = CourseFactory(price="99.00")
    return services.space_ensure_for_course(course=course)


def test_private_course_space_is_invisible_to_outsiders(client, member, private_space):
    assert private_space.visibility == Space.Visibility.ENROLLED
    thread = ThreadFactory(space=private_space, title="Secret homework solution")
    client.force_login(member)
    assert client.get(private_space.get_absolute_url()).status_code == 404
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert (
        "Secret homework" not in client.get(reverse("community:index")).content.decode()
    )
    assert (
        "Secret homework"
        not in client.get(reverse("community:search"), {"q": "Secret"}).content.decode()
    )
    assert (
        "Secret homework"
        not in client.get(
            reverse("community:similar"), {"title": "Secret homework"}
        ).content.decode()
    )
    assert (
        client.get("/api/v1/community/threads/", {"space": private_space.pk}).json()[
            "results"
        ]
        == []
    )
    assert client.get(f"/api/v1/community/threads/{thread.pk}/").status_code == 404
    # Enrolled: visible everywhere.
    Enrollment.objects.create(
        user=member, course=private_space.course, source="purchase"
    )
    assert client.get(thread.get_absolute_url()).status_code == 200
    assert (
        "Secret homework"
        in client.get(reverse("community:search"), {"q": "Secret"}).content.decode()
    )
    assert client.get(f"/api/v1/community/threads/{thread.pk}/").status_code == 200


def test_private_space_notifications_skip_outsiders(
    member, other_member, private_space, django_capture_on_commit_callbacks
):
    creator = private_space.course.creator
    Enrollment.objects.create(
        user=other_member, course=private_space.course, source="purchase"
    )
    thread = ThreadFactory(space=private_space, author=other_member)
    services.follow_set(
        user=member, follow=True, thread=ThreadFactory(space=SpaceFactory())
    )
    # member follows the private thread while enrolled, then loses access.
    Enrollment.objects.create(
        user=member, course=private_space.course, source="purchase"
    )
    services.follow_set(user=member, follow=True, thread=thread)
    Enrollment.objects.filter(user=member).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            author=creator, thread=thread, body="Hi @" + member.email.split("@")[0]
        )
    assert not Notification.objects.filter(recipient=member).exists()
    assert Notification.objects.filter(recipient=other_member).exists()


def test_course_published_creates_spaces(django_capture_on_commit_callbacks):
    from core import events
    from courses.models import Course

    course = CourseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        events.send_on_commit(
            events.course_published,
            sender=Course,
            course_id=course.pk,
            creator_id=course.creator_id,
        )
    assert Space.objects.filter(course=course, visibility="public").exists()
    assert Space.objects.filter(category=course.category).exists()


def test_creator_changes_space_visibility(client, private_space):
    creator = private_space.course.creator
    client.force_login(creator)
    url = reverse("community:space_settings", args=[private_space.slug])
    assert client.post(url, {"visibility": "public"}).status_code == 302
    private_space.refresh_from_db()
    assert private_space.visibility == "public"
    client.force_login(UserFactory())
    assert client.post(url, {"visibility": "enrolled"}).status_code in (403, 404)


@pytest.mark.parametrize(
    ("language", "error"),
    [("en", "This field is required."), ("zh-hans", "该字段是必填项。")],
)
def test_space_settings_without_a_choice_says_why_and_keeps_the_visibility(
    client, private_space, language, error
):
    """An empty POST (no radio chosen) came back as the same blank form."""
    client.force_login(private_space.course.creator)
    url = reverse("community:space_settings", args=[private_space.slug])
    response = client.post(url, {}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert 'data-testid="visibility-error"' in response.content.decode()
    assert error in response.content.decode()
    private_space.refresh_from_db()
    assert private_space.visibility == "enrolled"


# --- query counts ---------------------------------------------------------------------


def _grow(space, threads: int, answers: int):
    for _ in range(threads):
        thread = ThreadFactory(space=space)
        for _ in range(answers):
            answer = PostFactory(thread=thread)
            PostFactory(thread=thread, kind="comment", parent=answer)


def test_thread_list_query_count_is_constant(
    client, member, space, django_assert_max_num_queries
):
    client.force_login(member)
    _grow(space, 2, 1)
    with django_assert_max_num_queries(14) as small:
        client.get(space.get_absolute_url())
    _grow(space, 15, 3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(space.get_absolute_url())
    assert response.status_code == 200


def test_thread_page_query_count_is_constant(
    client, member, space, django_assert_max_num_queries
):
    client.force_login(member)
    thread = ThreadFactory(space=space)
    PostFactory(thread=thread)
    with django_assert_max_num_queries(20) as small:
        client.get(thread.get_absolute_url())
    for _ in range(12):
        answer = PostFactory(thread=thread)
        PostFactory(thread=thread, kind="comment", parent=answer)
        services.vote_cast(user=member, post=answer)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(thread.get_absolute_url())
    assert response.status_code == 200


def test_following_filter_covers_threads_tags_and_people(client, member, space):
    from community.models import Tag

    followed_thread = ThreadFactory(space=space, title="Followed thread itself")
    tagged = ThreadFactory(space=space, title="Thread with a followed tag")
    tag = Tag.objects.create(slug="django", name="django")
    tagged.tags.add(tag)
    by_person = ThreadFactory(space=space, title="Thread by a followed person")
    ThreadFactory(space=space, title="Thread nobody follows")
    services.follow_set(user=member, follow=True, thread=followed_thread)
    services.follow_set(user=member, follow=True, tag=tag)
    services.follow_set(user=member, follow=True, followed_user=by_person.author)
    client.force_login(member)
    page = client.get(
        space.get_absolute_url(), {"filter": "following"}
    ).content.decode()
    assert "Followed thread itself" in page
    assert "followed tag" in page and "followed person" in page
    assert "nobody follows" not in page


def test_profile_slot_shows_activity_respecting_privacy(rf, member, space):
    from django.template import Context, Template

    ThreadFactory(space=space, author=member, title="My public question")
    private = services.space_ensure_for_course(course=CourseFactory(price="5.00"))
    ThreadFactory(space=private, author=member, title="My private question")
    request = rf.get("/")
    request.user = UserFactory()
    html = Template('{% load platform_tags %}{% slot "profile" %}').render(
        Context({"profile_user": member, "request": request})
    )
    assert "My public question" in html and "My private question" not in html


def test_home_block_for_anonymous(client):
    assert client.get("/").status_code == 200


def test_course_page_slot_links_the_course_space(rf):
    from django.template import Context, Template

    course = CourseFactory()
    space = services.space_ensure_for_course(course=course)
    request = rf.get("/")
    html = Template('{% load platform_tags %}{% slot "course_page" %}').render(
        Context({"course": course, "request": request})
    )
    assert space.get_absolute_url() in html


def test_edit_page_changes_title_body_and_tags(client, member, space):
    thread = services.thread_create(
        author=member,
        space=space,
        kind="question",
        title="Old title here",
        body="old",
        tags=["python"],
    )
    opening = thread.posts.get()
    client.force_login(member)
    response = client.post(
        reverse("community:post_edit", args=[opening.pk]),
        {"title": "New title here", "body": "new **body**", "tags": "django, orm"},
    )
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.title == "New title here"
    assert sorted(t.slug for t in thread.tags.all()) == ["django", "orm"]
    from community.models import Tag

    assert Tag.objects.get(slug="python").thread_count == 0
    assert Tag.objects.get(slug="django").thread_count == 1
    assert opening.revisions.count() == 1


def test_community_pages_keep_site_layout_and_sidebar(client, member, space):
    # community/base.html's inner block must not share a name with the site
    # base.html's "main" block, or the container, flash messages and the
    # community sidebar all disappear.
    client.force_login(member)
    for url in (
        reverse("community:index"),
        reverse("community:bookmarks"),
        space.get_absolute_url(),
    ):
        html = client.get(url).content.decode()
        assert 'class="container"' in html, url
        assert f'action="{reverse("community:search")}"' in html, url
