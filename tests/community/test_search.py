"""Community search on both databases: what a learner typing words finds.

PostgreSQL also ranks and finds near matches (test_search_postgres.py), so
these tests ask what both must find, not the exact list PostgreSQL ranks.
"""

import pytest
from django.urls import reverse

from community import selectors, services
from community.models import Visibility
from tests.factories import CourseFactory, UserFactory

from .factories import PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def found(query, user=None):
    return [t.title for t in selectors.search(user=user or UserFactory(), query=query)]


def test_words_in_any_order_find_the_thread(space):
    ThreadFactory(space=space, title="How to deploy Django with gunicorn")
    ThreadFactory(space=space, title="Django forms and validation")
    assert "How to deploy Django with gunicorn" in found("gunicorn django")
    assert "How to deploy Django with gunicorn" in found("deploy  GUNICORN")
    assert found("kubernetes") == []


def test_words_found_across_title_and_answers(space):
    thread = ThreadFactory(space=space, title="Serving a Django site")
    PostFactory(thread=thread, body="Put nginx in front of gunicorn.")
    ThreadFactory(space=space, title="Unrelated photography question")
    assert found("gunicorn") == ["Serving a Django site"]
    assert "Serving a Django site" in found("django nginx")
    assert "Serving a Django site" in found("nginx serving")


def test_chinese_words_match_inside_the_title(space):
    ThreadFactory(space=space, title="如何用 Python 读取 CSV 文件")
    assert found("读取 CSV") == ["如何用 Python 读取 CSV 文件"]
    assert found("csv 读取") == ["如何用 Python 读取 CSV 文件"]


def test_hidden_and_deleted_answers_are_not_searched(space):
    thread = ThreadFactory(space=space, title="A question")
    PostFactory(thread=thread, body="secretword hidden", status=Visibility.HIDDEN)
    PostFactory(thread=thread, body="otherword deleted", is_deleted=True)
    assert found("secretword") == []
    assert found("otherword") == []


def test_private_space_hidden_from_search():
    space = services.space_ensure_for_course(course=CourseFactory(price="10.00"))
    ThreadFactory(space=space, title="Private gunicorn secret")
    assert found("gunicorn secret") == []
    assert found("secret gunicorn", user=space.course.creator) == [
        "Private gunicorn secret"
    ]


def test_search_page_finds_words_in_any_order(client, space):
    ThreadFactory(space=space, title="How to deploy Django with gunicorn")
    page = client.get(reverse("community:search"), {"q": "gunicorn deploy"})
    assert page.status_code == 200
    assert "How to deploy Django with gunicorn" in page.content.decode()
