"""Votes in the admin: staff withdraw fraudulent votes only through the named
action, which takes back the score and the points exactly as the voter's own
withdrawal would; a vote cannot be added, edited or deleted as a row there."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Post, Vote
from rewards import selectors as rewards
from rewards.models import Event
from tests.factories import StaffFactory, UserFactory
from tests.rewards.factories import PointRuleFactory

from .factories import PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:community_vote_changelist"


def _old_account():
    return UserFactory(date_joined=timezone.now() - timedelta(days=60))


@pytest.fixture
def upvote_rule():
    return PointRuleFactory(event=Event.POST_UPVOTED, points=10)


def _opening_and_answer(author):
    thread = ThreadFactory(author=author)
    opening = Post.objects.get(thread=thread, kind=Post.Kind.OPENING)
    answer = PostFactory(thread=thread, author=author, kind=Post.Kind.ANSWER)
    return thread, opening, answer


def _state(thread, *posts, people):
    """What a member sees: scores, and everyone's points (balance and ledger)."""
    thread.refresh_from_db()
    for post in posts:
        post.refresh_from_db()
    return (
        thread.score,
        [post.score for post in posts],
        [(rewards.balance_of(p.pk), rewards.ledger_sum(p.pk)) for p in people],
    )


def _withdraw_in_admin(client, votes, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": "withdraw_votes", ACTION_CHECKBOX_NAME: [v.pk for v in votes]},
        **extra,
    )


def test_the_action_takes_back_what_the_voters_own_withdrawal_would(
    client, upvote_rule, django_capture_on_commit_callbacks
):
    """Two identical threads, each liked by the same two members: on one the
    members withdraw their votes, on the other staff do; afterwards both
    threads, both authors and the voters stand exactly alike."""
    by_members, by_staff = _old_account(), _old_account()
    fan, ring = _old_account(), _old_account()
    threads = {}
    with django_capture_on_commit_callbacks(execute=True):
        for author in (by_members, by_staff):
            thread, opening, answer = _opening_and_answer(author)
            services.vote_cast(user=fan, post=opening)
            services.vote_cast(user=fan, post=answer)
            services.vote_cast(user=ring, post=answer, value=-1)
            threads[author] = (thread, opening, answer)
    assert rewards.balance_of(by_staff.pk) == 20
    thread, opening, answer = threads[by_members]
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_withdraw(user=fan, post=opening)
        services.vote_withdraw(user=fan, post=answer)
        services.vote_withdraw(user=ring, post=answer)
    expected = _state(thread, opening, answer, people=[by_members, fan, ring])

    thread, opening, answer = threads[by_staff]
    client.force_login(StaffFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = _withdraw_in_admin(client, Vote.objects.filter(post__thread=thread))
    assert response.status_code == 302
    assert _state(thread, opening, answer, people=[by_staff, fan, ring]) == expected
    assert expected == (0, [0, 0], [(0, 0), (0, 0), (0, 0)])
    assert not Vote.objects.exists()


def test_only_the_selected_votes_go_and_the_history_names_who(
    client, upvote_rule, django_capture_on_commit_callbacks
):
    author, honest, fraud = _old_account(), _old_account(), UserFactory()
    _thread, _opening, answer = _opening_and_answer(author)
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(user=honest, post=answer)
        services.vote_cast(user=fraud, post=answer)
    assert rewards.balance_of(author.pk) == 20
    staff = StaffFactory()
    client.force_login(staff)
    fraudulent = Vote.objects.get(user=fraud)
    with django_capture_on_commit_callbacks(execute=True):
        response = _withdraw_in_admin(
            client, [fraudulent], follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
    answer.refresh_from_db()
    assert answer.score == 1
    assert list(Vote.objects.values_list("user", flat=True)) == [honest.pk]
    assert rewards.balance_of(author.pk) == 10 == rewards.ledger_sum(author.pk)
    assert [str(m) for m in response.context["messages"]] == [
        "1 vote withdrawn; scores and points updated."
    ]
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag) == (staff, DELETION)
    assert entry.object_id == str(fraudulent.pk)


def test_the_message_counts_in_english_and_chinese(
    client, django_capture_on_commit_callbacks
):
    answer = PostFactory(kind=Post.Kind.ANSWER)
    voters = [_old_account() for _ in range(2)]
    for voter in voters:
        services.vote_cast(user=voter, post=answer)
    client.force_login(StaffFactory())
    response = _withdraw_in_admin(
        client, Vote.objects.all(), follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert [str(m) for m in response.context["messages"]] == [
        "已取消 2 个投票；分数和积分已更新。"
    ]


def test_staff_cannot_add_edit_or_delete_a_vote_as_a_row(client, member):
    answer = PostFactory(kind=Post.Kind.ANSWER)
    services.vote_cast(user=member, post=answer)
    vote = Vote.objects.get()
    client.force_login(StaffFactory())
    assert client.get(reverse("admin:community_vote_add")).status_code == 403
    change = reverse("admin:community_vote_change", args=[vote.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="value"' not in page.content.decode()
    assert client.post(change, {"value": "-1"}).status_code == 403
    delete = reverse("admin:community_vote_delete", args=[vote.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert "delete_selected" not in listing and "withdraw_votes" in listing
    vote.refresh_from_db()
    answer.refresh_from_db()
    assert (vote.value, answer.score) == (1, 1)


def test_withdrawing_needs_the_permission_to_delete_votes(client, member):
    answer = PostFactory(kind=Post.Kind.ANSWER)
    services.vote_cast(user=member, post=answer)
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(
            codename="view_vote", content_type__app_label="community"
        )
    )
    client.force_login(viewer)
    listing = client.get(reverse(CHANGELIST))
    assert listing.status_code == 200
    assert "withdraw_votes" not in listing.content.decode()
    _withdraw_in_admin(client, Vote.objects.all())
    assert Vote.objects.count() == 1
    viewer.user_permissions.add(
        Permission.objects.get(
            codename="delete_vote", content_type__app_label="community"
        )
    )
    _withdraw_in_admin(client, Vote.objects.all())
    assert Vote.objects.count() == 0


def test_the_list_of_votes_asks_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    client.force_login(StaffFactory())
    for _ in range(5):
        services.vote_cast(user=_old_account(), post=PostFactory())
    with django_assert_max_num_queries(12) as few:
        client.get(reverse(CHANGELIST))
    for _ in range(10):
        services.vote_cast(user=_old_account(), post=PostFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
