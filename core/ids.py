"""Row ids that come from outside (URLs, forms, query strings, API bodies).

Databases store ids as signed 64-bit integers; a larger number in a lookup
makes SQLite raise OverflowError (a 500). Everything that turns user input into
an id goes through ``parse_id`` (or a field bounded by ``MAX_ID``).
"""

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The id in ``value`` (a positive integer up to ``MAX_ID``), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 19:
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None
