"""`demo.bulk.bulk_insert` writes what `bulk_create` writes (COPY on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from community.models import Post, Tag, Vote
from demo.bulk import bulk_insert, bulk_set
from tests.community.factories import ThreadFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _thread():
    thread = ThreadFactory()
    return thread.author, thread


def test_rows_get_their_keys_and_stamps_and_can_be_referenced():
    author, thread = _thread()
    before = timezone.now()
    posts = bulk_insert(
        [
            Post(thread=thread, author=author, kind="answer", body=f"a{i}")
            for i in range(3)
        ]
    )
    assert all(post.pk for post in posts)
    stored = {p.pk: p for p in Post.objects.filter(thread=thread, kind="answer")}
    assert sorted(stored) == sorted(p.pk for p in posts)
    for post in posts:
        assert stored[post.pk].body == post.body
        assert stored[post.pk].created_at >= before
        assert stored[post.pk].created_at == post.created_at
    # The keys are real: rows pointing at them can be written next.
    voters = UserFactory.create_batch(2)
    votes = bulk_insert([Vote(post=posts[0], user=voter, value=1) for voter in voters])
    assert Vote.objects.filter(post=posts[0]).count() == 2
    assert {v.pk for v in votes} == set(
        Vote.objects.filter(post=posts[0]).values_list("pk", flat=True)
    )
    # A row saved the usual way afterwards gets a fresh key.
    other = Post.objects.create(thread=thread, author=author, kind="answer", body="x")
    assert other.pk not in stored


def test_ignore_conflicts_skips_what_exists_and_inserts_the_rest():
    Tag.objects.create(slug="python", name="Python")
    bulk_insert(
        [Tag(slug="python", name="other"), Tag(slug="django", name="Django")],
        ignore_conflicts=True,
    )
    assert dict(Tag.objects.values_list("slug", "name")) == {
        "python": "Python",
        "django": "Django",
    }


def test_nothing_to_insert_is_fine():
    assert bulk_insert([]) == []


def test_bulk_set_writes_the_named_fields_of_each_row_only():
    author, thread = _thread()
    posts = bulk_insert(
        [
            Post(thread=thread, author=author, kind="answer", body=f"a{i}")
            for i in range(3)
        ]
    )
    untouched = Post.objects.create(
        thread=thread, author=author, kind="answer", body="b"
    )
    bulk_set([Post(pk=posts[0].pk, score=5), Post(pk=posts[2].pk, score=-1)], ["score"])
    stored = dict(Post.objects.filter(kind="answer").values_list("pk", "score"))
    assert stored == {posts[0].pk: 5, posts[1].pk: 0, posts[2].pk: -1, untouched.pk: 0}
    assert Post.objects.get(pk=posts[0].pk).body == "a0"  # other fields kept


def test_values_are_stored_as_bulk_create_stores_them():
    """Values that Django prepares (a choices member, a lazy string, JSON, a
    naive or aware time, a boolean in an integer field) and those COPY takes
    as they are come out the same as through `bulk_create`."""
    import datetime

    from django.utils.translation import gettext_lazy

    from notifications.models import Notification

    user = UserFactory()
    aware = timezone.now().replace(microsecond=0)

    def rows(marker):
        return [
            Notification(
                recipient=user,
                kind=marker,
                params={"title": "Python", "n": 3, "nested": [1, None]},
                fallback_title=gettext_lazy("Notifications"),
                url="/courses/",
                in_app=False,
                read_at=aware,
                target_id=True,
            ),
            Notification(recipient_id=user.pk, kind=marker, actor=None, params={}),
        ]

    bulk_insert(rows("copy"))
    Notification.objects.bulk_create(rows("django"))
    fields = ["params", "fallback_title", "url", "in_app", "read_at", "target_id"]
    fields += ["actor_id", "recipient_id", "emailed_at"]

    def stored(marker):
        return list(
            Notification.objects.filter(kind=marker).order_by("pk").values(*fields)
        )

    assert stored("copy") == stored("django")
    assert stored("copy")[0]["read_at"] == aware
    assert stored("copy")[0]["target_id"] == 1
    assert isinstance(stored("copy")[0]["read_at"], datetime.datetime)
