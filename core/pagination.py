"""Pagination whose cost does not grow with the data (API lists and pages).

`PageNumberPagination` counts every matching row (`count(*)` over the whole
filtered list) on every request: over the threads or courses of a platform,
that one query costs more than the page itself, and more as the data grows.
`BoundedCountPagination` keeps the same response (`count`, `next`,
`previous`, `results`, `?page=`) but counts at most `MAX_COUNT` rows: past
that, `count` says `MAX_COUNT` ("at least that many") and the pages stop
there, as search engines and GitHub's API stop at their last thousand. Reading
further is a matter of narrowing the list (space, tag, category, search).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

#: Rows counted at most (50 pages of 20).
MAX_COUNT = 1000


class BoundedCountPaginator(Paginator):
    max_count = MAX_COUNT

    @cached_property
    def count(self) -> int:
        """The number of rows, counted up to `max_count`."""
        rows = self.object_list
        if hasattr(rows, "query"):
            if not rows.query.is_sliced:
                # Any max_count rows count the same: without the list's order
                # the database stops after them, instead of sorting every
                # matching row first to find the first max_count.
                rows = rows.order_by()
            # SELECT count(*) FROM (SELECT ... LIMIT max_count): the scan stops.
            return rows[: self.max_count].count()
        return min(len(rows), self.max_count)

    @property
    def capped(self) -> bool:
        """The count reached the bound: at least that many rows, and the pages
        stop there (a page says "50+" pages, the API `count` says 1000)."""
        return self.count >= self.max_count


class BoundedCountPagination(PageNumberPagination):
    django_paginator_class = BoundedCountPaginator

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["description"] = (
            f"Matching results, counted up to {MAX_COUNT}: {MAX_COUNT} means at "
            "least that many, and pages stop there (narrow the list to read on)."
        )
        return schema
