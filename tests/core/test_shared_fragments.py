"""`{% shared_fragment %}`: parts of signed-in pages shared between viewers,
never one viewer's own, fresh after the events that change them."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.pagecache import bump
from tests.factories import UserFactory
from tests.live.factories import LectureFactory

pytestmark = pytest.mark.django_db

TEMPLATE = Template(
    '{% load platform_tags %}{% shared_fragment "t" "courses" key %}'
    "{{ shown }}{% endshared_fragment %}"
)


def _render(shown: str, key: str = "k", template: Template = TEMPLATE) -> str:
    request = RequestFactory().get("/")
    return template.render(Context({"shown": shown, "key": key, "request": request}))


def test_same_values_share_the_fragment_until_its_group_changes():
    assert _render("first") == "first"
    assert _render("second") == "first"  # shared
    assert _render("other key", key="k2") == "other key"  # varies on the value
    bump("courses")
    assert _render("third") == "third"  # an event of its group: rendered afresh


def test_each_language_has_its_own_fragment():
    with translation.override("en"):
        assert _render("english") == "english"
    with translation.override("zh-hans"):
        assert _render("chinese") == "chinese"
    with translation.override("en"):
        assert _render("again") == "english"


def test_a_fragment_with_a_csrf_token_is_never_shared():
    form = Template(
        '{% load platform_tags %}{% shared_fragment "form" "courses" %}'
        "<form>{% csrf_token %}{{ shown }}</form>{% endshared_fragment %}"
    )
    request = RequestFactory().get("/")
    first = form.render(Context({"shown": "one", "csrf_token": "a" * 64}))
    second = form.render(
        Context({"shown": "two", "csrf_token": "b" * 64, "request": request})
    )
    assert "one" in first and "a" * 64 in first
    assert "two" in second and "b" * 64 in second and "a" * 64 not in second


def test_signed_in_home_shows_a_new_lecture_at_once_and_reuses_the_block(client):
    client.force_login(UserFactory())
    LectureFactory(title="Earlier lecture")

    def lecture_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/").content.decode()
        assert "Earlier lecture" in html
        return sum("live_livelecture" in q["sql"] for q in queries.captured_queries)

    first = lecture_queries()
    assert lecture_queries() < first  # the block came from the cache
    LectureFactory(title="Just scheduled lecture")
    assert "Just scheduled lecture" in client.get("/").content.decode()
