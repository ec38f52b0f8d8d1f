"""Shared API lists from the cache: fast repeats, edits shown at once, nothing
personal shared, the throttles still counting."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Space
from community.services import vote_cast
from courses.models import Course
from courses.services import course_update
from tests.community.factories import PostFactory, SpaceFactory, ThreadFactory
from tests.factories import CourseFactory, UserFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

COURSES = "/api/v1/courses/"
THREADS = "/api/v1/community/threads/"
SPACES = "/api/v1/community/spaces/"
SHARED_LISTS = (
    COURSES,
    "/api/v1/categories/",
    SPACES,
    THREADS,
    "/api/v1/live/lectures/",
    "/api/v1/live/experts/",
    "/api/v1/rewards/badges/",
    "/api/v1/rewards/leaderboard/",
)


def _titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


def test_a_repeat_anonymous_list_touches_no_database(client):
    CourseFactory(title="Cached course")
    ThreadFactory()
    for url in SHARED_LISTS:
        first = client.get(url)
        assert first.status_code == 200, url
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url)
        assert again.status_code == 200
        assert again.json() == first.json()
        assert not queries.captured_queries, (url, queries.captured_queries)


def test_a_course_edit_shows_at_once_to_anonymous_and_signed_in_clients(client):
    course = CourseFactory(title="Old title")
    signed_in = type(client)()
    signed_in.force_login(UserFactory())
    assert "Old title" in _titles(client.get(COURSES))
    assert "Old title" in _titles(signed_in.get(COURSES))
    course_update(course=course, actor=course.creator, title="New title")
    assert _titles(client.get(COURSES)) == ["New title"]
    assert _titles(signed_in.get(COURSES)) == ["New title"]


def test_a_new_thread_and_a_vote_show_at_once(client):
    thread = ThreadFactory(title="The first question here")
    assert _titles(client.get(THREADS)) == ["The first question here"]
    ThreadFactory(space=thread.space, title="A second question here")
    assert "A second question here" in _titles(client.get(THREADS))
    post = PostFactory(thread=thread)
    posts = f"/api/v1/community/posts/?thread={thread.pk}"
    assert client.get(posts).json()["results"][0]["score"] == 0
    vote_cast(user=UserFactory(), post=post)
    assert client.get(posts).json()["results"][0]["score"] == 1


def test_a_members_only_space_is_never_shared_with_other_visitors(client):
    course = CourseFactory()
    private = SpaceFactory(
        kind=Space.Kind.COURSE,
        course=course,
        category=None,
        visibility=Space.Visibility.ENROLLED,
    )
    ThreadFactory(space=private, title="Members only question")
    learner = EnrollmentFactory(course=course).user
    member = type(client)()
    member.force_login(learner)
    # The member's lists first, then a visitor's and another learner's.
    assert "Members only question" in _titles(member.get(THREADS))
    assert private.pk in [s["id"] for s in member.get(SPACES).json()["results"]]
    outsider = type(client)()
    outsider.force_login(UserFactory())
    for other in (client, outsider):
        assert "Members only question" not in _titles(other.get(THREADS))
        assert private.pk not in [s["id"] for s in other.get(SPACES).json()["results"]]


def test_query_and_language_give_their_own_lists(client):
    CourseFactory(title="Python basics", level=Course.Level.BEGINNER)
    CourseFactory(title="Cooking at home", level=Course.Level.ADVANCED)
    assert len(_titles(client.get(COURSES))) == 2
    assert _titles(client.get(COURSES, {"level": "beginner"})) == ["Python basics"]
    chinese = client.get("/api/v1/categories/", headers={"accept-language": "zh-hans"})
    english = client.get("/api/v1/categories/", headers={"accept-language": "en"})
    assert chinese.json() != english.json()


def test_a_client_revalidating_gets_304_until_the_list_changes(client):
    CourseFactory()
    first = client.get(COURSES)
    etag = first.headers["ETag"]
    assert "private" in first.headers["Cache-Control"]
    again = client.get(COURSES, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert not again.content
    CourseFactory(title="Something new")
    changed = client.get(COURSES, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert "Something new" in _titles(changed)


def test_cached_lists_still_count_against_the_throttle(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "3/min",
            "user": "3/min",
        },
    }
    CourseFactory()
    statuses = [client.get(COURSES).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
