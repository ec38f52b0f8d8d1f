"""A thread page never builds the similar-threads index itself: with none kept
(a flushed or evicted cache, Redis restarted) its visitor would wait while
every live thread is read and fitted (0.5-0.8 s at 10,000 threads, more with
every thread). The page asks the worker for one and shows its related threads
as soon as the worker has built it."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from community import similarity
from core import tasks as core_tasks
from tests.rowcount import count_rows

from .factories import ThreadFactory

pytestmark = pytest.mark.django_db

RELATED = 'data-testid="related"'


@pytest.fixture(autouse=True)
def _new_process(monkeypatch):
    monkeypatch.setattr(similarity, "_local", {})


@pytest.fixture
def published(monkeypatch):
    """Tasks go to a broker (production), recorded here instead of sent, and
    the worker's index reaches the web process (Redis, as in production,
    whatever cache the tests run on)."""
    sent = []
    monkeypatch.setattr(similarity, "worker_shares_the_cache", lambda: True)
    monkeypatch.setattr(core_tasks, "_eager", lambda: False)
    monkeypatch.setattr(
        core_tasks, "_publish", lambda name, args, kwargs: sent.append(name)
    )
    return sent


@pytest.fixture
def threads(space):
    first = ThreadFactory(space=space, title="Reading a CSV file in Python")
    ThreadFactory(space=space, title="Reading CSV files with Python quickly")
    return first


def test_no_index_kept_the_page_answers_and_asks_the_worker_once(
    client, threads, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(threads.get_absolute_url())
        client.get(threads.get_absolute_url() + "?page=1")
    assert response.status_code == 200
    assert RELATED not in response.content.decode()
    assert cache.get(similarity.INDEX_KEY) is None  # nothing built in the request
    assert published == ["community.tasks.rebuild_similarity_index"]


def test_no_index_kept_the_page_reads_the_same_rows_whatever_the_threads(
    client, space, published
):
    thread = ThreadFactory(space=space, title="Reading a CSV file in Python")
    figures = []
    for more in (5, 40):
        ThreadFactory.create_batch(more, space=space, title="Night photography")
        cache.clear()
        with count_rows() as counted:
            assert client.get(thread.get_absolute_url()).status_code == 200
        figures.append(counted.rows)
    assert figures[0] == figures[1], figures


def test_related_threads_show_once_the_worker_built_the_index(
    client, threads, published
):
    url = threads.get_absolute_url()
    assert RELATED not in client.get(url).content.decode()
    assert RELATED not in client.get(url).content.decode()  # kept meanwhile
    similarity.rebuild_now()  # the worker
    body = client.get(url).content.decode()
    assert RELATED in body and "Reading CSV files with Python quickly" in body


def test_a_process_keeps_its_copy_when_the_cache_loses_the_index(
    client, threads, published
):
    similarity.rebuild_now()
    cache.clear()  # Redis flushed: the page cache and the index are gone
    body = client.get(threads.get_absolute_url()).content.decode()
    assert "Reading CSV files with Python quickly" in body


def test_tasks_run_in_process_build_it_after_the_first_visit(
    client, threads, django_capture_on_commit_callbacks
):
    """make run (tasks run in the web process, no worker): built after the
    first visit's transaction, shown from the next visit on."""
    url = threads.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    assert "Reading CSV files with Python quickly" in client.get(url).content.decode()


@pytest.fixture
def cache_of_this_process(settings, monkeypatch):
    """`make run`: local memory in each process, tasks sent to the worker."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    sent = []
    monkeypatch.setattr(core_tasks, "_eager", lambda: False)
    monkeypatch.setattr(
        core_tasks, "_publish", lambda name, args, kwargs: sent.append(name)
    )
    return sent


def test_with_a_cache_of_this_process_the_first_visit_shows_related_threads(
    client, threads, cache_of_this_process, django_capture_on_commit_callbacks
):
    """The worker's index would stay in the worker's memory: the web process
    fits its own instead of waiting for one that never comes."""
    assert not similarity.worker_shares_the_cache()
    with django_capture_on_commit_callbacks(execute=True):
        body = client.get(threads.get_absolute_url()).content.decode()
    assert RELATED in body and "Reading CSV files with Python quickly" in body
    assert cache_of_this_process == []  # nothing asked of the worker


def test_with_a_cache_of_this_process_new_threads_show_as_similar(
    client, space, threads, cache_of_this_process, django_capture_on_commit_callbacks
):
    from community.services import thread_create
    from tests.factories import UserFactory

    url = reverse("community:similar")
    title = {"title": "Reading CSV in Python"}
    assert (
        "Parsing CSV with pandas in Python"
        not in client.get(url, title).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        thread_create(
            author=UserFactory(),
            space=space,
            kind="question",
            title="Parsing CSV with pandas in Python",
            body="How do I read a CSV file with pandas?",
        )
    assert (
        "Parsing CSV with pandas in Python" in client.get(url, title).content.decode()
    )
    assert cache_of_this_process == []
