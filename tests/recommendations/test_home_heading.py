"""The anonymous home feed's heading does not repeat its cards' reason.

It said "Popular on the platform" (平台热门) above cards whose reason said
"Popular on the platform" again; the mix holds lectures, columns, experts and
threads too, so it is headed "Discover" (发现好内容).
"""

import re

import pytest

from .test_feed import EN, Shop, _feed_html, default_mix  # noqa: F401

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def shop():
    return Shop()


def _heading_and_reasons(html):
    section = html.split('data-testid="recommended-for-you"')[1].split("</section>")[0]
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", section, re.S).group(1).strip()
    reasons = re.findall(r'data-testid="feed-reason">([^<]*)<', section)
    return heading, reasons


@pytest.mark.parametrize(
    ("lang", "heading", "reason"),
    [(EN, "Discover", "Popular on the platform"), (ZH, "发现好内容", "平台热门")],
)
def test_anonymous_feed_heading_is_not_a_card_reason(
    client, shop, lang, heading, reason
):
    found, reasons = _heading_and_reasons(_feed_html(client, lang=lang))
    assert found == heading
    assert reason in reasons  # the popular courses still say why they are shown
    assert found not in reasons


def test_signed_in_feed_keeps_its_heading(client, shop):
    found, _ = _heading_and_reasons(_feed_html(client, shop.learner))
    assert found == "Recommended for you"
