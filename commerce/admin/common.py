"""What the money pages share: a link to a record's admin page and the mixins
(core.admin_mixins) of the pages that only show records (the ledger, payments,
fulfilments)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from core.admin_mixins import NoAddOrDeleteMixin, ReadOnlyMixin

__all__ = ["NoAddOrDeleteMixin", "ReadOnlyMixin", "change_link"]


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
