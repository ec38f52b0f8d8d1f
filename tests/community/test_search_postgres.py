"""Search on PostgreSQL: full-text and trigram (near matches, typos).

What both databases find, private spaces included: test_search.py.
"""

import pytest

from community import selectors
from tests.factories import UserFactory

from .factories import PostFactory, ThreadFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_fulltext_and_trigram_search(space):
    ThreadFactory(space=space, title="How to deploy Django with gunicorn")
    chinese = ThreadFactory(space=space, title="如何用 Python 读取 CSV 文件")
    other = ThreadFactory(space=space, title="Unrelated photography question")
    PostFactory(thread=other, body="Try nginx in front of gunicorn.")
    user = UserFactory()
    titles = [t.title for t in selectors.search(user=user, query="gunicorn")]
    assert "How to deploy Django with gunicorn" in titles
    assert "Unrelated photography question" in titles  # matched through an answer
    assert chinese in list(selectors.search(user=user, query="读取 CSV"))
    assert [t.title for t in selectors.search(user=user, query="deploy djngo")][:1] == [
        "How to deploy Django with gunicorn"
    ]
