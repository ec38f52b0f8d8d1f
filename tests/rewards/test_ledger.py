"""The points ledger: awards once, caps, reversals, balances, append-only."""

import pytest
from django.core.exceptions import ValidationError

from core import events
from rewards import selectors, services
from rewards.models import Event, PointBalance, PointEntry
from tests.factories import CourseFactory, UserFactory

from .factories import PointRuleFactory

pytestmark = pytest.mark.django_db


def vote(send, *, vote_id, post_id, author, voter, value=1):
    send(
        events.post_voted,
        vote_id=vote_id,
        post_id=post_id,
        author_id=author.pk,
        voter_id=voter.pk,
        value=value,
    )


def test_upvote_awards_the_author_once(send, old_user):
    PointRuleFactory(event=Event.POST_UPVOTED, points=10)
    author, voter = old_user(), old_user()
    vote(send, vote_id=1, post_id=5, author=author, voter=voter)
    vote(send, vote_id=1, post_id=5, author=author, voter=voter)  # delivered twice
    assert selectors.balance_of(author.pk) == 10
    assert selectors.ledger_sum(author.pk) == 10
    entry = PointEntry.objects.get(user=author)
    assert (entry.source_key, entry.object_key, entry.actor_id) == (
        "vote:1",
        "post:5",
        voter.pk,
    )
    assert selectors.balance_of(voter.pk) == 0


def test_downvote_and_inactive_rule_earn_nothing(send, old_user):
    rule = PointRuleFactory(event=Event.POST_UPVOTED, points=10)
    author, voter = old_user(), old_user()
    vote(send, vote_id=1, post_id=5, author=author, voter=voter, value=-1)
    rule.is_active = False
    rule.save()
    vote(send, vote_id=2, post_id=5, author=author, voter=voter)
    assert not PointEntry.objects.exists()


def test_upvote_turned_into_downvote_is_reversed(send, old_user):
    PointRuleFactory(event=Event.POST_UPVOTED, points=10)
    author, voter = old_user(), old_user()
    vote(send, vote_id=3, post_id=5, author=author, voter=voter)
    vote(send, vote_id=3, post_id=5, author=author, voter=voter, value=-1)
    vote(send, vote_id=3, post_id=5, author=author, voter=voter)  # flipped back
    assert selectors.balance_of(author.pk) == 0 == selectors.ledger_sum(author.pk)


def test_daily_cap_limits_points_per_day(send, old_user):
    PointRuleFactory(event=Event.POST_UPVOTED, points=10, daily_cap=25)
    author = old_user()
    for i in range(5):
        vote(send, vote_id=i, post_id=1, author=author, voter=old_user())
    assert selectors.balance_of(author.pk) == 25
    assert sorted(PointEntry.objects.values_list("points", flat=True)) == [5, 10, 10]


def test_zero_cap_means_nothing_is_earned(send, old_user):
    PointRuleFactory(event=Event.POST_UPVOTED, points=10, daily_cap=0)
    author = old_user()
    vote(send, vote_id=1, post_id=1, author=author, voter=old_user())
    assert selectors.balance_of(author.pk) == 0


def test_withdrawn_vote_writes_one_reversal(send, old_user):
    PointRuleFactory(event=Event.POST_UPVOTED, points=10)
    author, voter = old_user(), old_user()
    vote(send, vote_id=7, post_id=5, author=author, voter=voter)
    for _ in range(2):
        send(
            events.vote_withdrawn,
            vote_id=7,
            post_id=5,
            author_id=author.pk,
            voter_id=voter.pk,
        )
    entries = PointEntry.objects.filter(user=author).order_by("pk")
    assert [(e.kind, e.points) for e in entries] == [("award", 10), ("reversal", -10)]
    assert entries[1].reversal_of_id == entries[0].pk
    assert selectors.balance_of(author.pk) == 0 == selectors.ledger_sum(author.pk)
    # The same vote delivered again after withdrawal does not earn again.
    vote(send, vote_id=7, post_id=5, author=author, voter=voter)
    assert selectors.balance_of(author.pk) == 0


def test_removed_post_reverses_votes_and_accepted_answer(send, old_user):
    PointRuleFactory(event=Event.POST_UPVOTED, points=10)
    PointRuleFactory(event=Event.ANSWER_ACCEPTED, points=30)
    author, asker = old_user(), old_user()
    vote(send, vote_id=1, post_id=9, author=author, voter=old_user())
    vote(send, vote_id=2, post_id=9, author=author, voter=old_user())
    vote(send, vote_id=3, post_id=10, author=author, voter=old_user())
    send(
        events.answer_accepted,
        post_id=9,
        thread_id=4,
        author_id=author.pk,
        accepted_by_id=asker.pk,
    )
    assert selectors.balance_of(author.pk) == 60
    send(events.post_removed, post_id=9, thread_id=4, author_id=author.pk)
    assert selectors.balance_of(author.pk) == 10  # the vote on post 10 stays
    assert selectors.ledger_sum(author.pk) == 10
    assert PointEntry.objects.filter(kind="reversal").count() == 3


def test_removed_thread_reverses_feature_and_accepted_answers(send, old_user):
    PointRuleFactory(event=Event.THREAD_FEATURED, points=50)
    PointRuleFactory(event=Event.ANSWER_ACCEPTED, points=30)
    author, helper, staff = old_user(), old_user(), old_user()
    send(
        events.thread_featured,
        thread_id=4,
        author_id=author.pk,
        featured_by_id=staff.pk,
    )
    send(
        events.answer_accepted,
        post_id=9,
        thread_id=4,
        author_id=helper.pk,
        accepted_by_id=author.pk,
    )
    send(events.post_removed, post_id=None, thread_id=4, author_id=author.pk)
    assert selectors.balance_of(author.pk) == 0
    assert selectors.balance_of(helper.pk) == 0


def test_refund_reverses_sale_points(send, old_user):
    PointRuleFactory(event=Event.FIRST_SALE, points=100)
    PointRuleFactory(event=Event.ITEM_SOLD, points=5)
    course = CourseFactory()
    buyer = old_user()
    sale = dict(
        order_id=1,
        user_id=buyer.pk,
        offer_type="course",
        offer_id=course.pk,
        creator_id=course.creator_id,
        amount="99.00",
    )
    send(events.item_sold, order_item_id=11, **sale)
    send(events.item_sold, order_item_id=12, **sale)
    creator_entries = PointEntry.objects.filter(user_id=course.creator_id)
    assert sorted(creator_entries.values_list("points", flat=True)) == [5, 5, 100]
    assert {e.category_id for e in creator_entries} == {course.category_id}
    send(events.item_refunded, order_item_id=11, **sale)
    assert selectors.balance_of(course.creator_id) == 5
    assert selectors.ledger_sum(course.creator_id) == 5


def test_buying_your_own_course_earns_nothing(send):
    PointRuleFactory(event=Event.ITEM_SOLD, points=5)
    course = CourseFactory()
    send(
        events.item_sold,
        order_item_id=1,
        order_id=1,
        user_id=course.creator_id,
        offer_type="course",
        offer_id=course.pk,
        creator_id=course.creator_id,
        amount="1.00",
    )
    assert not PointEntry.objects.exists()


def test_course_and_daily_events(send, old_user):
    PointRuleFactory(event=Event.COURSE_PUBLISHED, points=40)
    PointRuleFactory(event=Event.DAILY_VISIT, points=1)
    PointRuleFactory(event=Event.REVIEW_WRITTEN, points=3)
    PointRuleFactory(event=Event.COURSE_COMPLETED, points=20)
    course = CourseFactory()
    learner = old_user()
    send(events.course_published, course_id=course.pk, creator_id=course.creator_id)
    send(events.daily_visit, user_id=learner.pk, date="2026-11-23")
    send(events.daily_visit, user_id=learner.pk, date="2026-11-23")
    send(events.daily_visit, user_id=learner.pk, date="2026-11-24")
    send(
        events.review_created,
        review_id=3,
        course_id=course.pk,
        user_id=learner.pk,
        rating=5,
    )
    send(
        events.course_completed,
        enrollment_id=8,
        course_id=course.pk,
        user_id=learner.pk,
        certificate_id=None,
    )
    assert selectors.balance_of(course.creator_id) == 40
    assert selectors.balance_of(learner.pk) == 1 + 1 + 3 + 20
    send(events.review_removed, review_id=3, course_id=course.pk, user_id=learner.pk)
    assert selectors.balance_of(learner.pk) == 22


def test_entries_are_append_only(send, old_user):
    PointRuleFactory(event=Event.POST_UPVOTED, points=10)
    author = old_user()
    vote(send, vote_id=1, post_id=1, author=author, voter=old_user())
    entry = PointEntry.objects.get()
    entry.points = 1000
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        PointEntry.objects.filter(pk=entry.pk).update(points=1000)
    with pytest.raises(TypeError):
        PointEntry.objects.all().delete()
    assert selectors.ledger_sum(author.pk) == 10


def test_adjustment_requires_a_reason_and_saves_nothing_without(staff_user):
    learner = UserFactory()
    with pytest.raises(ValidationError) as info:
        services.points_adjust(user=learner, points=50, reason="   ", by=staff_user)
    assert "reason" in info.value.message_dict
    assert not PointEntry.objects.exists()
    assert not PointBalance.objects.filter(user=learner, points__gt=0).exists()
    adjustment = services.points_adjust(
        user=learner, points=50, reason="Event prize", by=staff_user
    )
    assert adjustment.entry.created_by == staff_user
    assert adjustment.entry.kind == "adjustment"
    assert selectors.balance_of(learner.pk) == 50 == selectors.ledger_sum(learner.pk)
