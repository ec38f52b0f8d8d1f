"""Concurrent votes on PostgreSQL: the same vote cast at once counts once."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from community import services
from community.models import Post, Vote
from tests.community.factories import PostFactory, SpaceFactory, ThreadFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_at_once(workers: int, target) -> list:
    barrier = threading.Barrier(workers)
    errors: list = []

    def run(index):
        try:
            barrier.wait(timeout=10)
            target(index)
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_same_vote_cast_concurrently_counts_once():
    answer = PostFactory(thread=ThreadFactory(space=SpaceFactory()))
    voter = UserFactory()

    errors = _run_at_once(
        8,
        lambda _i: services.vote_cast(
            user=voter, post=Post.objects.get(pk=answer.pk), value=1
        ),
    )
    assert errors == []
    answer.refresh_from_db()
    assert Vote.objects.filter(post=answer).count() == 1
    assert answer.score == 1


def test_many_voters_at_once_each_count_once():
    answer = PostFactory(thread=ThreadFactory(space=SpaceFactory()))
    voters = [UserFactory() for _ in range(6)]

    def vote_twice(index):
        post = Post.objects.get(pk=answer.pk)
        services.vote_cast(user=voters[index % 6], post=post, value=1)

    errors = _run_at_once(12, vote_twice)
    assert errors == []
    answer.refresh_from_db()
    assert Vote.objects.filter(post=answer).count() == 6
    assert answer.score == 6


def test_concurrent_accepts_leave_one_accepted_answer():
    asker = UserFactory()
    thread = ThreadFactory(space=SpaceFactory(), author=asker)
    answers = [PostFactory(thread=thread) for _ in range(4)]

    errors = _run_at_once(
        4,
        lambda i: services.answer_accept(
            post=Post.objects.get(pk=answers[i].pk), user=asker
        ),
    )
    assert errors == []
    assert Post.objects.filter(thread=thread, is_accepted=True).count() == 1
    thread.refresh_from_db()
    assert thread.accepted_post.is_accepted


def test_rate_limit_holds_under_concurrency(settings):
    settings.COMMUNITY_POSTS_PER_MINUTE = 3
    author = UserFactory()
    author.date_joined = timezone.now() - datetime.timedelta(days=30)
    author.save()
    space = SpaceFactory()
    threads = [ThreadFactory(space=space) for _ in range(6)]
    _run_at_once(
        6,
        lambda i: services.post_create(
            author=author, thread=threads[i], body=f"answer {i}"
        ),
    )
    # Six posts at once in six different threads: the lock on the author's row
    # makes the per-minute count exact.
    assert Post.objects.filter(author=author, kind="answer").count() == 3
