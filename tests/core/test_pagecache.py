"""The anonymous page cache: fast repeats, edits shown at once, nothing personal
shared between visitors."""

import re
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.services import vote_cast
from core import events
from core.pagecache import anonymous_page_cache, bump
from courses.services import course_update, review_create
from tests.community.factories import PostFactory, ThreadFactory
from tests.courses.factories import EnrollmentFactory
from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db
HOME = reverse("home")
CATALOGUE = reverse("courses:catalogue")
COMMUNITY = reverse("community:index")
LEADERBOARD = reverse("rewards:leaderboard")


def test_a_repeat_anonymous_page_touches_no_database(client):
    CourseFactory(title="Cached course")
    for url in (HOME, CATALOGUE, COMMUNITY, LEADERBOARD):
        first = client.get(url)
        assert first.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url)
        assert again.status_code == 200
        assert again.content.count(b"<html") == 1
        assert not queries.captured_queries, (url, queries.captured_queries)


def test_a_course_edit_shows_at_once_on_catalogue_and_course_page(client):
    course = CourseFactory(title="Old title")
    page = course.get_absolute_url()
    assert "Old title" in client.get(CATALOGUE).content.decode()
    assert "Old title" in client.get(page).content.decode()
    course_update(course=course, actor=course.creator, title="New title")
    assert "New title" in client.get(CATALOGUE).content.decode()
    assert "New title" in client.get(page).content.decode()


def test_a_new_review_shows_at_once_on_the_course_page(client):
    course = CourseFactory()
    page = course.get_absolute_url()
    assert "A very clear course" not in client.get(page).content.decode()
    learner = EnrollmentFactory(course=course).user
    review_create(course=course, user=learner, rating=5, text="A very clear course")
    assert "A very clear course" in client.get(page).content.decode()


def test_a_reply_and_a_vote_show_at_once_on_the_thread_page(client):
    thread = ThreadFactory()
    page = reverse("community:thread", args=[thread.pk])
    assert "Try restarting it" not in client.get(page).content.decode()
    post = PostFactory(thread=thread, body="Try restarting it")
    html = client.get(page).content.decode()
    assert "Try restarting it" in html
    before = client.get(page).content
    vote_cast(user=UserFactory(), post=post)
    after = client.get(page).content
    assert after != before


def test_signed_in_visitors_never_get_the_anonymous_page(client):
    CourseFactory()
    client.get(HOME)
    user = UserFactory()
    client.force_login(user)
    html = client.get(HOME).content.decode()
    assert reverse("account_logout") in html


def test_each_visitor_gets_their_own_csrf_token_and_it_works():
    CourseFactory()
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    token_pattern = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]{64})"')
    first_token = token_pattern.search(first.get(HOME).content.decode()).group(1)
    response = second.get(HOME)
    second_token = token_pattern.search(response.content.decode()).group(1)
    assert first_token != second_token
    assert "csrftoken" in response.cookies  # the cached page sets the visitor's cookie
    posted = second.post(
        reverse("set_language"),
        {"language": "en", "next": "/"},
        HTTP_X_CSRFTOKEN=second_token,
    )
    assert posted.status_code == 302


def test_language_and_query_give_their_own_pages(client):
    CourseFactory()
    chinese = client.get(CATALOGUE, headers={"accept-language": "zh-hans"})
    english = client.get(CATALOGUE, headers={"accept-language": "en"})
    assert chinese.content != english.content
    assert 'lang="en"' in english.content.decode()
    assert 'lang="zh-hans"' in chinese.content.decode()


def test_a_browser_revalidating_gets_304(client):
    CourseFactory()
    first = client.get(CATALOGUE)
    etag = first.headers["ETag"]
    assert "private" in first.headers["Cache-Control"]
    again = client.get(CATALOGUE, headers={"if-none-match": etag})
    assert again.status_code == 304
    CourseFactory(title="Something new")
    changed = client.get(CATALOGUE, headers={"if-none-match": etag})
    assert changed.status_code == 200


def test_a_visitor_with_a_message_waiting_gets_it(client, rf):
    CourseFactory()
    client.get(HOME)  # cached
    storage = CookieStorage(rf.get("/"))
    storage.add(message_levels.INFO, "A message only for you")
    client.cookies["messages"] = storage._encode(list(storage._queued_messages))
    assert "A message only for you" in client.get(HOME).content.decode()
    del client.cookies["messages"]
    assert "A message only for you" not in client.get(HOME).content.decode()


def test_views_are_still_recorded_for_cached_pages(
    client, django_capture_on_commit_callbacks
):
    course = CourseFactory()
    seen = []

    def receiver(sender, course_id, **kwargs):
        seen.append(course_id)

    events.course_viewed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.get(course.get_absolute_url())
            client.get(course.get_absolute_url())
    finally:
        events.course_viewed.disconnect(receiver)
    assert seen == [course.pk, course.pk]


def test_a_page_made_while_its_data_changed_is_never_served(rf):
    """The generations are read before the page is made: a change committed
    while it renders (another request's edit) makes it stale at once, though
    it is stored under the same key as the fresh one."""
    made = []

    @anonymous_page_cache(groups=["courses"])
    def view(request):
        made.append(len(made))
        if len(made) == 1:
            bump("courses")  # an edit lands while the first render runs
        return HttpResponse(f"render {len(made)}")

    def get():
        request = rf.get("/a-page/")
        request.user = AnonymousUser()
        return view(request).content.decode()

    assert get() == "render 1"
    assert get() == "render 2"  # not the page made before the edit
    assert get() == "render 2"  # this one is kept


def test_an_evicted_generation_never_revives_an_older_page(rf):
    """A generation the cache lost (evicted) starts again from the clock:
    a page stored before the edit that bumped it is not served again."""
    made = []

    @anonymous_page_cache(groups=["courses", "community"])
    def view(request):
        made.append(1)
        return HttpResponse(f"render {len(made)}")

    def get():
        request = rf.get("/a-page/")
        request.user = AnonymousUser()
        return view(request).content.decode()

    assert get() == "render 1"
    bump("community")  # an edit
    assert get() == "render 2"
    cache.delete("pagecache:gen:community")  # evicted
    assert get() == "render 3"


def test_a_repeat_page_asks_the_cache_once(client, monkeypatch):
    """The page and the generations it was made under come in one round trip."""
    CourseFactory()
    client.get(CATALOGUE)
    calls, depth = [], []

    def counted(name, method):
        def call(*args, **kwargs):
            if not depth:  # not a call the cache makes itself (locmem's get_many)
                calls.append(name)
            depth.append(name)
            try:
                return method(*args, **kwargs)
            finally:
                depth.pop()

        return call

    for name in ("get", "get_many", "add", "set", "incr"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    assert client.get(CATALOGUE).status_code == 200
    assert calls == ["get_many"]


def test_the_htmx_part_and_the_whole_page_are_kept_apart(client):
    CourseFactory(title="Kept apart")
    for _ in range(2):  # rendered, then from the cache
        whole = client.get(CATALOGUE, {"sort": "new", "q": "kept"})
        part = client.get(
            CATALOGUE, {"q": "kept", "sort": "new"}, HTTP_HX_REQUEST="true"
        )
        assert whole.content.count(b"<html") == 1
        assert part.content.count(b"<html") == 0
        assert b"Kept apart" in whole.content and b"Kept apart" in part.content


def _counting_get_many(monkeypatch) -> list:
    asked = []
    get_many = cache.get_many

    def counted(keys, *args, **kwargs):
        asked.append(list(keys))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    return asked


def test_a_repeat_reads_only_the_generations_and_an_edit_still_shows(
    client, monkeypatch
):
    """The process keeps its copy of the page: a repeat asks the cache for
    the generations only, and a change elsewhere (a bump) is seen at once."""
    course = CourseFactory(title="Old title")
    assert "Old title" in client.get(CATALOGUE).content.decode()
    asked = _counting_get_many(monkeypatch)
    assert "Old title" in client.get(CATALOGUE).content.decode()
    assert asked and all(key.startswith("pagecache:gen:") for key in asked[0])
    course_update(course=course, actor=course.creator, title="New title")
    assert "New title" in client.get(CATALOGUE).content.decode()


def test_the_process_copy_ends_with_the_page_timeout(rf, monkeypatch):
    """What changes without a signal (counters) shows within the timeout."""
    made = []

    @anonymous_page_cache(groups=["courses"], timeout=60)
    def view(request):
        made.append(1)
        return HttpResponse(f"render {len(made)}")

    def get():
        request = rf.get("/a-page/")
        request.user = AnonymousUser()
        return view(request).content.decode()

    assert get() == "render 1"
    asked = _counting_get_many(monkeypatch)
    assert get() == "render 1"
    assert not any("page:" in key for key in asked[-1])  # the process's copy
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    get()
    # Past the timeout the copy is not trusted: the cache is asked for the
    # page (which it dropped too, or renders afresh).
    assert any("page:" in key for key in asked[-1])


def test_the_process_copy_is_not_served_when_the_cache_does_not_answer(rf, monkeypatch):
    """Without the generations the copy cannot be known to be current."""
    made = []

    @anonymous_page_cache(groups=["courses"])
    def view(request):
        made.append(1)
        return HttpResponse(f"render {len(made)}")

    def get():
        request = rf.get("/a-page/")
        request.user = AnonymousUser()
        return view(request).content.decode()

    assert get() == "render 1"
    assert get() == "render 1"
    monkeypatch.setattr(cache, "get_many", lambda keys, *a, **k: {})
    monkeypatch.setattr(cache, "add", lambda *a, **k: False)
    assert get() == "render 2"
