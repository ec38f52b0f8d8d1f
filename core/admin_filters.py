"""List filters whose heading says what they filter."""

from __future__ import annotations

from django.contrib import admin


def date_filter(title) -> type[admin.DateFieldListFilter]:
    """Django's date filter headed by `title` instead of the field's own label.

    A filter across a relation takes the far field's label: votes filtered by
    their voter's sign-up date were headed "By date joined".
    """

    class TitledDateFilter(admin.DateFieldListFilter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return TitledDateFilter
