"""User Markdown to safe HTML: python-markdown, then nh3 with a tight allow-list.

Every Markdown field written by a user (course descriptions, lesson articles,
and other apps' posts) goes through `render_markdown` before it is stored or
shown. nh3 (ammonia) removes every tag and attribute not listed below, event
handlers and `javascript:`/`data:` URLs included, and rewrites links with
rel="nofollow noopener".
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "span": {"class"},
    "th": {"align"},
    "td": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]


def render_markdown(text: str) -> str:
    """Render user Markdown to sanitised HTML (safe to mark as safe in templates)."""
    if not text:
        return ""
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
        attribute_filter=_filter_attribute,
    )


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep only the classes python-markdown itself emits (code highlighting)."""
    if attribute == "class":
        classes = [c for c in value.split() if c.startswith("language-")]
        return " ".join(classes) or None
    return value
