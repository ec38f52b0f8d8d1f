"""`@name` mentions in community posts."""

import re

MENTION_RE = re.compile(r"(?<![\w@/])@([\w.\-]{2,40})", re.UNICODE)


def extract_mentions(text: str) -> list[str]:
    """`@name` handles in a text (outside code is not distinguished; cheap)."""
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text):
        seen.setdefault(match.group(1).rstrip(".-").lower(), None)
    return list(seen)
