"""Markdown for assignment instructions: rendered, then sanitized with nh3.

The courses app ships the shared helper `courses.markdown.render_markdown`;
until it is on this branch, the same approach (Markdown, then an nh3
allow-list) lives here, and the shared one is preferred as soon as it exists.
"""

import markdown as _markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
}


def _render_markdown(text: str) -> str:
    html = _markdown.markdown(
        text or "", extensions=["extra", "sane_lists"], output_format="html"
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


try:  # pragma: no cover - depends on whether the courses helper has landed
    from courses.markdown import render_markdown
except ImportError:  # pragma: no cover
    render_markdown = _render_markdown

__all__ = ["render_markdown"]
