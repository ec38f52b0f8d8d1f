import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from community import services
from community.models import ModerationAction, Report, Suspension

from .factories import PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(member, other_member, space):
    post = PostFactory(thread=ThreadFactory(space=space), author=other_member)
    report = services.report_create(
        post=post, reporter=member, reason="spam", detail="ads"
    )
    return report


def test_admin_pages_load(client, staff_user, reported, django_assert_max_num_queries):
    client.force_login(staff_user)
    for name in [
        "report",
        "post",
        "thread",
        "space",
        "moderationaction",
        "suspension",
        "tag",
        "vote",
    ]:
        response = client.get(reverse(f"admin:community_{name}_changelist"))
        assert response.status_code == 200, name
    with django_assert_max_num_queries(15):
        client.get(reverse("admin:community_post_changelist") + "?reported=queue")


def test_suspend_from_the_report_queue_with_an_intermediate_form(
    client, staff_user, reported
):
    client.force_login(staff_user)
    url = reverse("admin:community_report_changelist")
    data = {"action": "suspend_authors", ACTION_CHECKBOX_NAME: [reported.pk]}
    page = client.post(url, data)
    assert page.status_code == 200 and b'name="days"' in page.content
    assert not Suspension.objects.exists()
    response = client.post(
        url, {**data, "apply": "1", "days": "5", "reason": "spam links"}
    )
    assert response.status_code == 302
    suspension = Suspension.objects.get(user=reported.post.author)
    assert (suspension.until - suspension.created_at).days in (4, 5)
    action = ModerationAction.objects.get(action="suspend")
    assert action.moderator == staff_user and action.reason == "spam links"
    reported.refresh_from_db()
    assert reported.status == Report.Status.RESOLVED


def test_hide_and_restore_from_the_post_admin(client, staff_user, reported):
    client.force_login(staff_user)
    url = reverse("admin:community_post_changelist")
    post = reported.post
    client.post(
        url,
        {
            "action": "hide_posts",
            ACTION_CHECKBOX_NAME: [post.pk],
            "apply": "1",
            "reason": "spam",
        },
    )
    post.refresh_from_db()
    assert post.status == "hidden"
    client.post(url, {"action": "restore_posts", ACTION_CHECKBOX_NAME: [post.pk]})
    post.refresh_from_db()
    assert post.status == "visible"
    assert list(
        ModerationAction.objects.order_by("id").values_list("action", flat=True)
    ) == ["hide", "restore"]


@pytest.mark.parametrize(
    ("language", "heading", "leaked"),
    [
        ("en", "By when the voter joined", "By date joined"),
        ("zh-hans", "以 投票人注册时间", "加入日期"),
    ],
)
def test_vote_list_filter_says_it_is_the_voters_sign_up_date(
    client, staff_user, language, heading, leaked
):
    """Before: headed "By date joined", the user model's label, as if votes joined."""
    client.force_login(staff_user)
    page = client.get(
        reverse("admin:community_vote_changelist"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    titles = re.findall(r'<details data-filter-title="([^"]+)"', page)
    summaries = [
        " ".join(s.split())
        for s in re.findall(r"<summary>(.*?)</summary>", page, flags=re.S)
    ]
    assert len(titles) == 2, titles  # the vote's value and its voter's sign-up
    assert heading in summaries, summaries
    assert not [s for s in summaries if leaked in s], summaries


def test_report_form_cannot_close_or_retarget_a_report_behind_the_log(
    client, staff_user, reported, member
):
    """Closing a report is an action (it writes the moderation log); the change
    form shows the report but cannot set its status, target or reporter."""
    client.force_login(staff_user)
    url = reverse("admin:community_report_change", args=[reported.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="status"' not in page.content
    assert b'name="post"' not in page.content
    client.post(
        url,
        {
            "post": reported.post_id,
            "reporter": member.pk,
            "reason": "other",
            "detail": "edited",
            "status": Report.Status.DISMISSED,
        },
    )
    reported.refresh_from_db()
    assert reported.status == Report.Status.OPEN
    assert reported.reason == "spam" and reported.detail == "ads"
    assert reported.resolved_by is None
    assert client.get(reverse("admin:community_report_add")).status_code == 403
    delete = reverse("admin:community_report_delete", args=[reported.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Report.objects.filter(pk=reported.pk).exists()


def test_thread_form_cannot_feature_lock_or_delete_behind_the_log(
    client, staff_user, reported
):
    """Featuring, locking and deleting go through the named actions (logged,
    stamped with who did it); ticking the boxes on the change form does nothing."""
    thread = reported.post.thread
    client.force_login(staff_user)
    url = reverse("admin:community_thread_change", args=[thread.pk])
    page = client.get(url)
    assert page.status_code == 200
    for field in (b"is_featured", b"is_locked", b"is_deleted", b"accepted_post"):
        assert b'name="' + field + b'"' not in page.content
    client.post(
        url,
        {
            "title": "Renamed by staff",
            "space": thread.space_id,
            "author": staff_user.pk,
            "kind": thread.kind,
            "status": thread.status,
            "is_featured": "on",
            "is_locked": "on",
            "is_deleted": "on",
        },
    )
    thread.refresh_from_db()
    assert thread.title == "Renamed by staff"
    assert not (thread.is_featured or thread.is_locked or thread.is_deleted)
    assert thread.author_id != staff_user.pk
    client.post(
        reverse("admin:community_thread_changelist"),
        {"action": "feature_threads", ACTION_CHECKBOX_NAME: [thread.pk]},
    )
    thread.refresh_from_db()
    assert thread.is_featured and thread.featured_by == staff_user
    assert ModerationAction.objects.filter(action="feature", thread=thread).exists()
    assert client.get(reverse("admin:community_thread_add")).status_code == 403
