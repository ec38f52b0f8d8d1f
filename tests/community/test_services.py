import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community import services
from community.models import (
    ModerationAction,
    Post,
    PostRevision,
    Thread,
    Visibility,
    Vote,
)
from core import events
from notifications.models import Notification
from tests.factories import StaffFactory, UserFactory

from .factories import PostFactory, SpaceFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here (the site default is Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_messages_are_translated_to_chinese(member):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.thread_create(
            author=member,
            space=SpaceFactory(),
            kind="question",
            title="标题标题",
            body="",
        )
    assert "请先写点内容再发布" in error.value.messages[0]


def _ask(
    author, space, title="How to read a CSV file in Python?", body="I tried open()."
):
    return services.thread_create(
        author=author,
        space=space,
        kind="question",
        title=title,
        body=body,
        tags=["python", "csv"],
    )


def test_thread_create_renders_markdown_and_tags(
    member, space, django_capture_on_commit_callbacks
):
    received = []
    events.thread_created.connect(
        lambda **kw: received.append(kw), weak=False, dispatch_uid="t1"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            thread = _ask(
                member, space, body="Use `pandas`:\n\n```python\nimport pandas\n```"
            )
    finally:
        events.thread_created.disconnect(dispatch_uid="t1")
    opening = thread.posts.get(kind="opening")
    assert '<code class="language-python">' in opening.body_html
    assert sorted(t.slug for t in thread.tags.all()) == ["csv", "python"]
    assert (
        received
        and received[0]["thread_id"] == thread.pk
        and received[0]["kind"] == "question"
    )
    space.refresh_from_db()
    assert space.thread_count == 1


@pytest.mark.parametrize(
    "body, message",
    [("", "Write something"), ("   \n ", "Write something"), ("x" * 50_001, "50000")],
)
def test_bad_bodies_are_refused_and_nothing_is_saved(member, space, body, message):
    with pytest.raises(ValidationError) as error:
        _ask(member, space, body=body)
    assert message in " ".join(error.value.messages)
    assert not Thread.objects.exists() and not Post.objects.exists()


def test_answer_vote_twice_counts_once(member, other_member, space):
    thread = _ask(member, space)
    answer = services.post_create(
        author=other_member, thread=thread, body="Use csv.reader."
    )
    assert answer.kind == "answer"
    services.vote_cast(user=member, post=answer, value=1)
    services.vote_cast(user=member, post=answer, value=1)
    answer.refresh_from_db()
    assert answer.score == 1
    assert Vote.objects.filter(post=answer).count() == 1
    services.vote_cast(user=member, post=answer, value=-1)
    answer.refresh_from_db()
    assert answer.score == -1
    assert services.vote_withdraw(user=member, post=answer)
    answer.refresh_from_db()
    assert answer.score == 0


def test_voting_on_own_post_is_refused(member, space):
    thread = _ask(member, space)
    with pytest.raises(ValidationError, match="own post"):
        services.vote_cast(user=member, post=thread.posts.get(), value=1)
    assert not Vote.objects.exists()


def test_only_answers_can_be_voted_down(member, other_member, space):
    thread = _ask(member, space)
    with pytest.raises(ValidationError):
        services.vote_cast(user=other_member, post=thread.posts.get(), value=-1)


def test_nobody_edits_or_deletes_anothers_post(member, other_member, space):
    thread = _ask(member, space)
    opening = thread.posts.get()
    with pytest.raises(PermissionDenied):
        services.post_edit(post=opening, editor=other_member, body="hacked")
    with pytest.raises(PermissionDenied):
        services.post_delete(post=opening, user=other_member)
    opening.refresh_from_db()
    assert opening.body == "I tried open()." and not opening.is_deleted


def test_edit_keeps_history(member, space):
    thread = _ask(member, space)
    opening = thread.posts.get()
    services.post_edit(
        post=opening, editor=member, body="New text", title="A better title"
    )
    revision = PostRevision.objects.get(post=opening)
    assert revision.body == "I tried open()."
    assert revision.title == "How to read a CSV file in Python?"
    thread.refresh_from_db()
    assert thread.title == "A better title"


def test_soft_delete_and_replying_to_a_deleted_thread(member, other_member, space):
    thread = _ask(member, space)
    services.post_delete(post=thread.posts.get(), user=member)
    thread.refresh_from_db()
    assert thread.is_deleted and Thread.objects.filter(pk=thread.pk).exists()
    with pytest.raises(ValidationError, match="no longer exists"):
        services.post_create(author=other_member, thread=thread, body="Hello?")
    assert thread.posts.count() == 1


def test_comments_are_one_level(member, other_member, space):
    thread = _ask(member, space)
    answer = services.post_create(author=other_member, thread=thread, body="Answer")
    comment = services.post_create(
        author=member, thread=thread, body="Thanks", parent=answer
    )
    assert comment.kind == "comment"
    with pytest.raises(ValidationError, match="nested"):
        services.post_create(
            author=other_member, thread=thread, body="x", parent=comment
        )


def test_accept_answer_by_asker_notifies_both(
    member, other_member, space, django_capture_on_commit_callbacks
):
    thread = _ask(member, space)
    answer = services.post_create(author=other_member, thread=thread, body="Answer")
    with pytest.raises(PermissionDenied):
        services.answer_accept(post=answer, user=other_member)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_accept(post=answer, user=member)
    thread.refresh_from_db()
    assert thread.accepted_post_id == answer.pk
    assert Notification.objects.filter(recipient=other_member, kind="accepted").exists()
    # A second answer accepted replaces the first (one accepted answer per thread).
    third = UserFactory()
    second = services.post_create(author=third, thread=thread, body="Better")
    services.answer_accept(post=second, user=StaffFactory())
    assert list(Post.objects.filter(thread=thread, is_accepted=True)) == [second]


def test_mentions_and_followers_are_notified(
    member, other_member, space, django_capture_on_commit_callbacks
):
    mentioned = UserFactory(email="zhang.san@example.com")
    mentioned.profile.handle = "zhang.san"
    mentioned.profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        thread = _ask(member, space)
    services.follow_set(user=mentioned, follow=True, thread=thread)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            author=other_member, thread=thread, body="Ask @zhang.san please"
        )
    kinds = dict(Notification.objects.values_list("recipient_id", "kind"))
    assert kinds[member.pk] == "answer"
    assert kinds[mentioned.pk] == "mention"
    assert other_member.pk not in kinds


def test_suspended_users_cannot_post(member, space):
    services.user_suspend(user=member, moderator=StaffFactory(), days=3, reason="spam")
    with pytest.raises(PermissionDenied, match="suspended"):
        _ask(member, space)
    assert ModerationAction.objects.filter(
        action="suspend", target_user=member
    ).exists()


def test_rate_limit(member, space, settings):
    settings.COMMUNITY_POSTS_PER_MINUTE = 2
    _ask(member, space, title="First question here")
    _ask(member, space, title="Second question here")
    with pytest.raises(ValidationError, match="too fast"):
        _ask(member, space, title="Third question here")
    assert Thread.objects.count() == 2


def test_too_many_links_is_held_and_recorded(member, space):
    body = " ".join(f"https://spam{i}.example.com" for i in range(8))
    thread = _ask(member, space, body=body)
    assert thread.status == Visibility.HELD
    action = ModerationAction.objects.get(action="hold")
    assert action.moderator is None and "links" in action.reason


def test_new_account_posting_fast_is_held(space):
    newcomer = UserFactory()  # joined just now
    for i in range(3):
        _ask(newcomer, space, title=f"Newcomer question {i}")
    fourth = _ask(newcomer, space, title="Newcomer question 4")
    assert fourth.status == Visibility.HELD


def test_hide_restore_warn_are_recorded(member, other_member, space):
    staff = StaffFactory()
    thread = _ask(member, space)
    answer = services.post_create(author=other_member, thread=thread, body="rude")
    services.report_create(post=answer, reporter=member, reason="abuse")
    services.post_hide(post=answer, moderator=staff, reason="rude")
    answer.refresh_from_db()
    thread.refresh_from_db()
    assert answer.status == "hidden" and thread.reply_count == 0
    assert answer.reports.get().status == "resolved"
    services.post_restore(post=answer, moderator=staff, reason="on appeal")
    services.user_warn(user=other_member, moderator=staff, reason="be kind")
    actions = list(
        ModerationAction.objects.filter(target_user=other_member).values_list(
            "action", flat=True
        )
    )
    assert set(actions) >= {"hide", "restore", "warn"}
    kinds = Notification.objects.filter(recipient=other_member).values_list(
        "kind", flat=True
    )
    assert sorted(kinds) == ["post_hidden", "post_restored", "user_warned"]
    with pytest.raises(PermissionDenied):
        services.post_hide(post=answer, moderator=member, reason="x")


def test_feature_by_moderator_only(
    member, other_member, space, django_capture_on_commit_callbacks
):
    thread = ThreadFactory(space=space, author=member)
    with pytest.raises(PermissionDenied):
        services.thread_feature(thread=thread, user=other_member)
    space.moderators.add(other_member)
    received = []
    events.thread_featured.connect(
        lambda **kw: received.append(kw), weak=False, dispatch_uid="f1"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.thread_feature(thread=thread, user=other_member)
    finally:
        events.thread_featured.disconnect(dispatch_uid="f1")
    thread.refresh_from_db()
    assert thread.is_featured and received[0]["featured_by_id"] == other_member.pk


def test_suspension_expires(member, space):
    suspension = services.user_suspend(
        user=member, moderator=StaffFactory(), days=1, reason="x"
    )
    suspension.until = timezone.now() - datetime.timedelta(seconds=1)
    suspension.save()
    assert _ask(member, space).pk


def test_post_voted_event(
    member, other_member, space, django_capture_on_commit_callbacks
):
    answer = PostFactory(thread=ThreadFactory(space=space), author=member)
    received = []
    events.post_voted.connect(
        lambda **kw: received.append(kw), weak=False, dispatch_uid="v1"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.vote_cast(user=other_member, post=answer)
            services.vote_cast(user=other_member, post=answer)
    finally:
        events.post_voted.disconnect(dispatch_uid="v1")
    assert len(received) == 1 and received[0]["author_id"] == member.pk


def test_locked_thread_refuses_replies(member, other_member, space):
    thread = _ask(member, space)
    with pytest.raises(PermissionDenied):
        services.thread_lock(thread=thread, user=other_member)
    services.thread_lock(thread=thread, user=StaffFactory(), reason="resolved")
    with pytest.raises(ValidationError, match="locked"):
        services.post_create(author=other_member, thread=thread, body="late")
    assert ModerationAction.objects.filter(action="lock", thread=thread).exists()


def test_counters_follow_hide_restore_and_delete(member, space):
    from community.models import Tag

    staff = StaffFactory()
    thread = _ask(member, space)
    opening = thread.posts.get()
    counts = lambda: (  # noqa: E731
        type(space).objects.get(pk=space.pk).thread_count,
        Tag.objects.get(slug="python").thread_count,
    )
    assert counts() == (1, 1)
    services.post_hide(post=opening, moderator=staff, reason="spam")
    assert counts() == (0, 0)
    services.post_restore(post=opening, moderator=staff)
    assert counts() == (1, 1)
    services.post_delete(post=opening, user=member)
    assert counts() == (0, 0)
