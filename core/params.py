"""Ids and numbers typed by users (query strings, form values), parsed safely.

`int(value)` after `value.isdigit()` is not enough: `"²".isdigit()` is true and
`int("²")` raises, and `99999999999999999999999` overflows the database
integer (a 500 on SQLite and PostgreSQL alike). Every id read from a request
goes through `parse_id`; a value that is not a positive 64-bit integer is no id.
"""

import re

MAX_DB_INT = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """A positive database id, or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip() if value is not None else ""
        if not _ASCII_DIGITS.fullmatch(text):
            return None
        number = int(text)
    return number if 0 < number <= MAX_DB_INT else None


def parse_ids(values, *, limit: int) -> list[int]:
    """Distinct valid ids, in order, at most `limit` (the rest are ignored).

    `values` is a comma-separated string or an iterable of strings.
    """
    if isinstance(values, str):
        values = values.split(",")
    found: list[int] = []
    for value in values:
        number = parse_id(value)
        if number is not None and number not in found:
            found.append(number)
            if len(found) >= limit:
                break
    return found


def parse_int(value, *, default: int, low: int, high: int) -> int:
    """A bounded integer (limits, page sizes): `default` when unreadable."""
    text = str(value).strip() if value is not None else ""
    if not re.fullmatch(r"-?[0-9]{1,100}", text):
        return default
    return max(low, min(int(text), high))
