"""The threads the home feed suggests (community.suggestions.threads_to_suggest).

The learner's course spaces first, then the people they follow, then their
interests, then the community's best; never what they may not see, nothing
held, hidden or deleted, not their own, nobody deactivated. Read tier by tier
(issue 18: one sort of every visible thread took seconds at bench scale), the
result must be the ranking of every thread the rules let through.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import Space, Thread, Visibility
from community.suggestions import threads_to_suggest
from learning.models import Enrollment
from tests.factories import CategoryFactory, CourseFactory, UserFactory

from .factories import SpaceFactory, ThreadFactory

pytestmark = pytest.mark.django_db


class Community:
    """Spaces of every kind the rules tell apart, threads in each."""

    def __init__(self):
        self.learner = UserFactory()
        self.interest = CategoryFactory(slug="programming")
        self.child = CategoryFactory(slug="python", parent=self.interest)
        self.other = CategoryFactory(slug="cooking")
        self.interest_space = SpaceFactory(category=self.interest)
        self.child_space = SpaceFactory(category=self.child)
        self.other_space = SpaceFactory(category=self.other)
        self.taken = CourseFactory(category=self.other)
        Enrollment.objects.create(user=self.learner, course=self.taken, source="free")
        self.taken_space = self._course_space(self.taken, Space.Visibility.ENROLLED)
        # a course the learner does not have: its private space is never shown
        self.private_space = self._course_space(
            CourseFactory(category=self.interest), Space.Visibility.ENROLLED
        )
        self.public_course_space = self._course_space(
            CourseFactory(category=self.other), Space.Visibility.PUBLIC
        )
        self.followed = UserFactory()
        self.stranger = UserFactory()
        self.inactive = UserFactory(is_active=False)

    @staticmethod
    def _course_space(course, visibility):
        return SpaceFactory(
            kind=Space.Kind.COURSE, course=course, category=None, visibility=visibility
        )

    @property
    def spaces(self):
        return [
            self.interest_space,
            self.child_space,
            self.other_space,
            self.taken_space,
            self.private_space,
            self.public_course_space,
        ]

    def suggest(self, limit=6):
        return threads_to_suggest(
            user=self.learner,
            category_ids=[self.interest.pk],
            course_ids=[self.taken.pk],
            author_ids=[self.followed.pk],
            limit=limit,
        )


@pytest.fixture
def community():
    return Community()


def _expected(world: Community, limit: int) -> list[int]:
    """The rules and the ranking written out over every thread, in Python."""
    seen_spaces = {
        world.interest_space.pk,
        world.child_space.pk,
        world.other_space.pk,
        world.taken_space.pk,
        world.public_course_space.pk,
    }
    kept = [
        t
        for t in Thread.objects.select_related("author", "space__category")
        if t.status == Visibility.VISIBLE
        and not t.is_deleted
        and t.space_id in seen_spaces
        and t.author.is_active
        and t.author_id != world.learner.pk
    ]

    def rank(t):
        in_course = t.space_id == world.taken_space.pk
        by_followed = t.author_id == world.followed.pk
        category = t.space.category
        in_interest = category is not None and world.interest.pk in (
            category.pk,
            category.parent_id,
        )
        return (
            in_course,
            by_followed,
            in_interest,
            t.is_featured,
            t.score,
            t.last_activity_at,
            t.pk,
        )

    return [t.pk for t in sorted(kept, key=rank, reverse=True)[:limit]]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_suggestions_are_the_ranking_of_every_thread_the_rules_let_through(
    community, seed
):
    rng = random.Random(seed)
    authors = [
        community.followed,
        community.stranger,
        community.inactive,
        community.learner,
        UserFactory(),
    ]
    now = timezone.now()
    for _ in range(70):
        ThreadFactory(
            space=rng.choice(community.spaces),
            author=rng.choice(authors),
            status=rng.choice(
                [Visibility.VISIBLE] * 5 + [Visibility.HELD, Visibility.HIDDEN]
            ),
            is_deleted=rng.random() < 0.1,
            is_featured=rng.random() < 0.2,
            score=rng.choice([0, 0, 1, 2, 5]),
            # ties on purpose: the id decides then
            last_activity_at=now - timedelta(hours=rng.randint(0, 5)),
        )
    for limit in (1, 3, 6, 12, 40, 100):
        got = [t.pk for t in community.suggest(limit)]
        assert got == _expected(community, limit), limit


def test_each_source_in_its_order_and_flagged(community):
    best = ThreadFactory(space=community.other_space, is_featured=True, score=50)
    interest = ThreadFactory(space=community.child_space)
    followed = ThreadFactory(space=community.other_space, author=community.followed)
    course = ThreadFactory(space=community.taken_space)
    got = community.suggest()
    assert [t.pk for t in got] == [course.pk, followed.pk, interest.pk, best.pk]
    flags = [(t.in_course, t.by_followed, t.in_interest) for t in got]
    assert flags == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
        (False, False, False),
    ]


def test_never_what_the_learner_may_not_see_nor_held_hidden_deleted_own_or_inactive(
    community,
):
    never = [
        ThreadFactory(space=community.private_space, title="Private"),
        ThreadFactory(space=community.interest_space, status=Visibility.HELD),
        ThreadFactory(
            space=community.interest_space,
            status=Visibility.HELD,
            author=community.learner,
            title="Held, mine",
        ),
        ThreadFactory(space=community.interest_space, status=Visibility.HIDDEN),
        ThreadFactory(space=community.taken_space, is_deleted=True),
        ThreadFactory(space=community.taken_space, author=community.learner),
        ThreadFactory(space=community.taken_space, author=community.inactive),
        ThreadFactory(
            space=SpaceFactory(category=CategoryFactory(slug="closed"), is_active=False)
        ),
    ]
    shown = ThreadFactory(space=community.other_space, score=-3)
    got = [t.pk for t in community.suggest(limit=20)]
    assert got == [shown.pk]
    assert not {t.pk for t in never} & set(got)


def test_a_course_space_opens_with_the_enrolment(community):
    thread = ThreadFactory(space=community.private_space)
    assert thread.pk not in [t.pk for t in community.suggest()]
    Enrollment.objects.create(
        user=community.learner, course=community.private_space.course, source="free"
    )
    assert thread.pk in [t.pk for t in community.suggest()]


def test_two_queries_when_the_course_spaces_fill_the_list_five_at_most(
    community, django_assert_num_queries
):
    for _ in range(6):
        ThreadFactory(space=community.taken_space)
    # the ids of the best six, the six threads
    with django_assert_num_queries(2):
        assert len(community.suggest()) == 6
    ThreadFactory(space=community.other_space)
    with django_assert_num_queries(5):
        assert len(community.suggest(limit=7)) == 7


def test_anonymous_visitors_get_the_public_community_best(community):
    ThreadFactory(space=community.private_space)
    public = ThreadFactory(space=community.public_course_space, score=3)
    topic = ThreadFactory(space=community.interest_space)
    got = threads_to_suggest(user=None, limit=6)
    assert [t.pk for t in got] == [public.pk, topic.pk]
