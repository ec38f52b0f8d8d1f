"""People and threads to follow, from circles found in the interest graph."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from community.models import Follow, Post, Vote
from recommendations.circles import community_suggestions, interest_circles_refresh
from recommendations.models import InterestCircle
from tests.community.factories import PostFactory, SpaceFactory, ThreadFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_circles():
    space = SpaceFactory()
    coders = [UserFactory(with_profile=True) for _ in range(4)]
    cooks = [UserFactory(with_profile=True) for _ in range(4)]
    code_thread = ThreadFactory(space=space, author=coders[1], title="Python typing")
    cook_thread = ThreadFactory(space=space, author=cooks[1], title="Sourdough")
    for group, thread in ((coders, code_thread), (cooks, cook_thread)):
        for a in group:
            for b in group:
                if a != b:
                    Follow.objects.create(user=a, target="user", followed_user=b)
        for member in group[2:]:
            post = PostFactory(thread=thread, author=member, kind=Post.Kind.ANSWER)
            Vote.objects.create(post=post, user=group[1], value=1)
    # the newcomer replied once to a coder: they belong to the coders' circle
    newcomer = UserFactory(with_profile=True)
    PostFactory(
        thread=ThreadFactory(space=space, author=coders[0], title="Hello"),
        author=newcomer,
        kind=Post.Kind.ANSWER,
    )
    return {
        "coders": coders,
        "cooks": cooks,
        "newcomer": newcomer,
        "code_thread": code_thread,
        "cook_thread": cook_thread,
    }


def test_circles_follow_the_graph(two_circles):
    assert interest_circles_refresh() == 9
    circle = dict(InterestCircle.objects.values_list("user_id", "circle"))
    coders = {circle[u.pk] for u in two_circles["coders"]}
    cooks = {circle[u.pk] for u in two_circles["cooks"]}
    assert len(coders) == 1 and len(cooks) == 1 and coders != cooks
    assert circle[two_circles["newcomer"].pk] in coders


def test_suggestions_are_from_the_learners_circle(two_circles):
    interest_circles_refresh()
    picks = community_suggestions(two_circles["newcomer"], limit=5)
    assert set(picks.people) <= set(two_circles["coders"])
    assert picks.people
    assert two_circles["code_thread"] in picks.threads
    assert two_circles["cook_thread"] not in picks.threads
    # already followed people are not suggested again
    Follow.objects.create(
        user=two_circles["newcomer"], target="user", followed_user=picks.people[0]
    )
    again = community_suggestions(two_circles["newcomer"], limit=5)
    assert picks.people[0] not in again.people


def test_sidebar_slot_renders(two_circles):
    interest_circles_refresh()
    request = RequestFactory().get("/community/")
    request.user = two_circles["newcomer"]
    html = Template(
        '{% include "recommendations/slots/community_sidebar.html" %}'
    ).render(Context({"request": request}))
    assert 'data-testid="community-suggestions"' in html
    assert "Python typing" in html
