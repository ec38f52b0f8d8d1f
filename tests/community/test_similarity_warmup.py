"""A web process loads the similar-threads index when it starts
(core.warmup), so that its first thread page does not; it never builds one."""

import pytest
from django.core.cache import cache

from community import similarity
from core import warmup

from .factories import ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_local_index(monkeypatch):
    monkeypatch.setattr(similarity, "_local", {})


def test_the_warm_up_loads_the_kept_index_for_the_first_thread_page():
    ThreadFactory(title="Reading a CSV file in Python")
    version = similarity.rebuild_now() and cache.get(similarity.VERSION_KEY)
    similarity._local.clear()  # a new process
    similarity.warm()
    assert similarity._local["index"]["version"] == version
    assert "similar threads index" in warmup._warmups


def test_the_warm_up_builds_nothing_when_no_index_is_kept():
    ThreadFactory(title="Reading a CSV file in Python")
    similarity.warm()
    assert "index" not in similarity._local
    assert cache.get(similarity.INDEX_KEY) is None
