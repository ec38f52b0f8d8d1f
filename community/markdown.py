"""User Markdown → safe HTML: render with python-markdown, then sanitize with nh3.

Same approach as the catalogue's course descriptions (see courses/markdown.py
once it lands): raw HTML in the source is escaped by the renderer *and* the
output goes through an allow-list sanitizer, so that scripts, event handlers,
``javascript:``/``data:`` URLs and styles never survive. Code blocks keep their
``language-*`` class for client-side highlighting.
"""

import re

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
    "abbr": {"title"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
_LANGUAGE_CLASS = re.compile(r"^language-[A-Za-z0-9_+-]{1,30}$")
MENTION_RE = re.compile(r"(?<![\w@/])@([\w.\-]{2,40})", re.UNICODE)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "code" and attribute == "class":
        return value if _LANGUAGE_CLASS.match(value) else None
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown (fenced code, tables) rendered, then sanitized. Safe to mark_safe."""
    renderer = md.Markdown(
        extensions=["fenced_code", "tables", "sane_lists", "nl2br"],
        output_format="html",
    )
    # Raw HTML in the source is shown as text, not passed through (nh3 would
    # strip what is dangerous anyway; this keeps "<b>" in prose readable).
    renderer.preprocessors.deregister("html_block")
    renderer.inlinePatterns.deregister("html")
    return sanitize_html(renderer.convert(text))


def extract_mentions(text: str) -> list[str]:
    """`@name` handles in a text (outside code is not distinguished; cheap)."""
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text):
        seen.setdefault(match.group(1).rstrip(".-").lower(), None)
    return list(seen)
