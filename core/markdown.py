"""User Markdown to safe HTML: one renderer, named allow-list profiles.

Every Markdown field a person writes (course descriptions, lesson articles,
assignment instructions, community posts) is rendered here before it is
stored or shown: python-markdown first, then nh3 (ammonia), which keeps only
the tags, attributes and URL schemes the field's profile allows. Scripts,
styles, event handlers, comments and `javascript:`/`data:` URLs never survive
in any profile; links get `rel` values from the profile, and code blocks keep
only their `language-*` class (client-side highlighting).

A profile is chosen by who writes and where it shows:

- `COURSE_TEXT`: course descriptions by creators. Raw HTML in the source
  reaches the sanitizer, which keeps what the allow-list names (`<kbd>`,
  `<sub>`, `<span>`...) and drops the rest.
- `LESSON_ARTICLE`: lesson articles and assignment instructions, shown to the
  learners of a course. The same allow-list as course text today; a profile of
  its own so that articles can gain (figures, anchors) without widening what a
  catalogue page shows.
- `COMMUNITY_POST`: posts, answers and comments by any member. Raw HTML is
  escaped (`<b>` in prose reads as text), no `<span>`, and links are marked
  `ugc` (user-generated content) and `noreferrer`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from xml.etree import ElementTree as etree  # noqa: N813 (python-markdown's usage)

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor

_BASE_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2",
        "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre",
        "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
        "ul",
    }
)  # fmt: skip
_BASE_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "abbr": frozenset({"title"}),
    "img": frozenset({"src", "alt", "title", "width", "height"}),
    "code": frozenset({"class"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
}
_LANGUAGE_CLASS = re.compile(r"^language-[A-Za-z0-9_+-]{1,30}$")


@dataclasses.dataclass(frozen=True)
class Profile:
    """What one kind of field may contain once rendered."""

    name: str
    tags: frozenset[str]
    attributes: Mapping[str, frozenset[str]]
    link_rel: str
    #: Show raw HTML of the source as text instead of handing it to nh3.
    escape_raw_html: bool
    url_schemes: frozenset[str] = frozenset({"http", "https", "mailto"})
    extensions: tuple[str, ...] = ("fenced_code", "tables", "sane_lists", "nl2br")


COURSE_TEXT = Profile(
    name="course_text",
    tags=_BASE_TAGS | {"span"},
    attributes={**_BASE_ATTRIBUTES, "span": frozenset({"class"})},
    link_rel="nofollow noopener",
    escape_raw_html=False,
)
LESSON_ARTICLE = dataclasses.replace(COURSE_TEXT, name="lesson_article")
COMMUNITY_POST = Profile(
    name="community_post",
    tags=_BASE_TAGS,
    attributes=_BASE_ATTRIBUTES,
    link_rel="nofollow noopener noreferrer ugc",
    escape_raw_html=True,
)
PROFILES: Mapping[str, Profile] = {
    profile.name: profile for profile in (COURSE_TEXT, LESSON_ARTICLE, COMMUNITY_POST)
}


#: `@handle` in text: not after a letter, `@` or `/` (emails, URLs are not mentions).
MENTION_RE = re.compile(r"(?<![\w@/])@([\w.\-]{2,40})", re.UNICODE)


def mention_handle(raw: str) -> str:
    """The handle a `MENTION_RE` match names (a final `.` or `-` ends the sentence)."""
    return raw.rstrip(".-")


class _MentionProcessor(InlineProcessor):
    """`@handle` of a known account becomes a link; code spans are left alone."""

    #: Never a link inside a link ("[@ana](https://…)" keeps its own URL).
    ANCESTOR_EXCLUDES = ("a",)

    def __init__(self, links: Mapping[str, str], md) -> None:
        super().__init__(MENTION_RE.pattern, md)
        self.links = links

    def handleMatch(self, match, data):  # noqa: N802 (python-markdown's name)
        handle = mention_handle(match.group(1))
        url = self.links.get(handle.lower())
        if not url:
            return None, None, None
        element = etree.Element("a")
        element.set("href", url)
        element.text = "@" + handle
        return element, match.start(0), match.start(1) + len(handle)


def render_markdown(
    text: str, *, profile: Profile, mentions: Mapping[str, str] | None = None
) -> str:
    """Render Markdown, then sanitise it with `profile`: safe to mark as safe.

    `mentions` maps lower-case handles to profile URLs: each `@handle` found
    there becomes a link (outside code), the others stay text.
    """
    if not text:
        return ""
    renderer = markdown.Markdown(
        extensions=list(profile.extensions), output_format="html"
    )
    if mentions:
        # After links (160) and autolinks (120): "[@a](url)" keeps its own URL.
        renderer.inlinePatterns.register(
            _MentionProcessor(mentions, renderer), "mention", 105
        )
    if profile.escape_raw_html:
        renderer.preprocessors.deregister("html_block")
        renderer.inlinePatterns.deregister("html")
    return nh3.clean(
        renderer.convert(text),
        tags=set(profile.tags),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in profile.attributes.items()},
        attribute_filter=_keep_language_classes,
        url_schemes=set(profile.url_schemes),
        link_rel=profile.link_rel,
        strip_comments=True,
    )


def _keep_language_classes(tag: str, attribute: str, value: str) -> str | None:
    """Of a `class`, keep only the `language-*` names python-markdown emits."""
    if attribute != "class":
        return value
    kept = [name for name in value.split() if _LANGUAGE_CLASS.match(name)]
    return " ".join(kept) or None
