"""`@handle` mentions in community posts: each handle names one account."""

from django.urls import reverse

from accounts import selectors as accounts_selectors
from core.markdown import MENTION_RE, mention_handle

#: At most this many different people are mentioned (and told) per post.
MAX_MENTIONS = 10


def extract_mentions(text: str) -> list[str]:
    """Lower-case `@handle`s in a text, in order, each once."""
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text):
        seen.setdefault(mention_handle(match.group(1)).lower(), None)
    return list(seen)


def mentioned_users(text: str) -> dict:
    """The accounts a text mentions, by lower-case handle (unknown ones left out)."""
    return accounts_selectors.users_by_handles(extract_mentions(text)[:MAX_MENTIONS])


def mention_links(text: str) -> dict[str, str]:
    """Lower-case handle → profile URL, for `render_markdown(mentions=...)`."""
    return {
        handle: reverse("accounts:profile", args=[user.pk])
        for handle, user in mentioned_users(text).items()
    }
