"""What a dashboard is asked for: a date range, a category, maybe a course."""

from __future__ import annotations

import dataclasses
import datetime as dt

from courses import selectors as courses_selectors


@dataclasses.dataclass(frozen=True)
class Scope:
    start: dt.date
    end: dt.date
    category_id: int | None = None
    course_id: int | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def category_choices() -> list[tuple[int, str]]:
    """Categories for the filter, subcategories indented under their parent."""
    choices = []
    for top in courses_selectors.category_tree():
        choices.append((top.pk, str(top)))
        choices.extend((sub.pk, f"— {sub}") for sub in top.subcategories)
    return choices


def category_with_descendants(category_id: int, parents: dict) -> set[int]:
    """The category and every category below it."""
    found = {category_id}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in found and child not in found:
                found.add(child)
                changed = True
    return found
