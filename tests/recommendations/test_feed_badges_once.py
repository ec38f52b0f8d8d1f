"""A home feed card says "featured" once: in its badge, not again in its reason.

A featured thread's reason said 社区精华 above the card's 精华 badge, and a
featured lecture's 精选直播讲座 above its ★ 精选 badge.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.community.factories import SpaceFactory, ThreadFactory
from tests.factories import CategoryFactory
from tests.live.factories import LectureFactory

from .test_feed import EN, _feed_html, default_mix  # noqa: F401

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def featured():
    later = timezone.now() + timedelta(days=10)  # no "starts in n days" reason
    category = CategoryFactory(slug="programming", name_en="Programming")
    LectureFactory(
        title="Async live",
        category=category,
        is_featured=True,
        starts_at=later,
        ends_at=later + timedelta(minutes=60),
    )
    ThreadFactory(
        space=SpaceFactory(category=category),
        title="Editors compared",
        is_featured=True,
    )


def _items(html):
    section = html.split('data-testid="recommended-for-you"')[1].split("</section>")[0]
    items = section.split('data-testid="feed-item"')[1:]
    return {re.search(r'data-kind="(\w+)"', item).group(1): item for item in items}


@pytest.mark.parametrize(
    ("lang", "lecture_word", "thread_word"),
    [(EN, "Featured", "Featured"), (ZH, "精选", "精华")],
)
def test_featured_cards_say_featured_once(
    client, featured, lang, lecture_word, thread_word
):
    items = _items(_feed_html(client, lang=lang))
    lecture, thread = items["lecture"], items["thread"]
    assert "Async live" in lecture and "Editors compared" in thread
    # the badge stays; the reason above it no longer repeats it
    assert lecture.count(lecture_word) == 1, lecture
    assert thread.count(thread_word) == 1, thread
    for item in (lecture, thread):
        reason = re.search(r'data-testid="feed-reason">([^<]*)<', item).group(1)
        assert reason.strip()  # each card still says why it is shown
