"""What the money pages share: a link to a record's admin page and the mixin
of the pages that only show records (the ledger, payments, fulfilments)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html


def change_link(obj, label=None):
    if obj is None:
        return "-"
    try:
        url = reverse(
            f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
        )
    except NoReverseMatch:  # that model has no admin page
        return str(label or obj)
    return format_html('<a href="{}">{}</a>', url, label or obj)


class NoAddOrDeleteMixin:
    """Records that services write and the books keep: staff never add or
    delete one from the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(NoAddOrDeleteMixin):
    def has_change_permission(self, request, obj=None):
        return False
