"""core.markdown: every profile renders Markdown and keeps only its allow-list."""

import pytest

from core.markdown import (
    COMMUNITY_POST,
    COURSE_TEXT,
    LESSON_ARTICLE,
    PROFILES,
    render_markdown,
)
from tests.xss import XSS_PAYLOADS, problems_in

ALL_PROFILES = pytest.mark.parametrize(
    "profile", list(PROFILES.values()), ids=list(PROFILES)
)


def test_the_three_profiles_are_named():
    assert set(PROFILES) == {"course_text", "lesson_article", "community_post"}


def test_corpus_is_big_enough():
    assert len(XSS_PAYLOADS) >= 30


def test_checker_catches_a_raw_payload():
    assert problems_in('<img src=x onerror="alert(1)"><a href="javascript:x">a</a>')


@ALL_PROFILES
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_survives_any_profile(profile, payload):
    html = render_markdown(f"Intro text\n\n{payload}\n\nmore", profile=profile)
    assert problems_in(html) == [], html


@ALL_PROFILES
def test_every_profile_survives_the_whole_corpus_at_once(profile):
    html = render_markdown("\n\n".join(XSS_PAYLOADS), profile=profile)
    assert problems_in(html) == []
    assert "<script" not in html


@ALL_PROFILES
def test_renders_fenced_code_and_tables(profile):
    html = render_markdown(
        "# 标题\n\n```python\nprint('hi')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        profile=profile,
    )
    assert "<h1>标题</h1>" in html
    assert "<pre><code" in html and "print('hi')" in html
    assert 'class="language-python"' in html
    assert "<table>" in html and "<td>1</td>" in html


@pytest.mark.parametrize("profile", [COURSE_TEXT, LESSON_ARTICLE])
def test_creator_links_get_nofollow_noopener(profile):
    html = render_markdown("[site](https://example.com)", profile=profile)
    assert 'href="https://example.com"' in html
    assert 'rel="nofollow noopener"' in html


def test_community_links_are_marked_user_generated():
    html = render_markdown("[site](https://example.com)", profile=COMMUNITY_POST)
    assert 'href="https://example.com"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html


@ALL_PROFILES
def test_strips_scripts_event_handlers_and_javascript_urls(profile):
    """What a raw tag leaves is text at most (community posts escape raw HTML)."""
    html = render_markdown(
        "<script>alert(1)</script>\n\n"
        '<img src="x.png" onerror="alert(2)">\n\n'
        "[click](javascript:alert(3))\n\n"
        '<a href="javascript:alert(4)">x</a> <iframe src="https://evil"></iframe>',
        profile=profile,
    )
    assert problems_in(html) == []
    assert "<script" not in html and "<iframe" not in html
    assert '<a href="javascript' not in html
    if not profile.escape_raw_html:
        assert "onerror" not in html and "javascript:" not in html


@ALL_PROFILES
def test_empty_text_gives_empty_html(profile):
    assert render_markdown("", profile=profile) == ""


@pytest.mark.parametrize("profile", [COURSE_TEXT, LESSON_ARTICLE])
def test_creator_html_keeps_allowed_tags_and_drops_arbitrary_classes(profile):
    html = render_markdown(
        'Press <kbd>Ctrl</kbd> <span class="btn evil language-x">x</span>',
        profile=profile,
    )
    assert "<kbd>Ctrl</kbd>" in html
    assert "evil" not in html and "btn" not in html
    assert '<span class="language-x">x</span>' in html


def test_community_posts_show_raw_html_as_text():
    html = render_markdown(
        "I like <b>bold</b> and <span>spans</span>", profile=COMMUNITY_POST
    )
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>" not in html and "<span" not in html


@pytest.mark.parametrize("profile", [COURSE_TEXT, LESSON_ARTICLE])
def test_code_blocks_keep_only_a_plain_language_class(profile):
    html = render_markdown(
        '```python\nx = 1\n```\n\n<code class="language-js evil">y</code>',
        profile=profile,
    )
    assert 'class="language-python"' in html
    assert "evil" not in html
