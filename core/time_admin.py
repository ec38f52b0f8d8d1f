"""The admin names the zone of its times as pages do: "Mar. 4, 2031, 7:30 p.m.
(Beijing time)", the label from `platform_tags.zone_label`.

Staff see times in their own zone (core.middleware, the `kp_tz` cookie) or in
the site's: a change list that does not say which leaves "19:30" to be read
as the expert's, the learner's or the server's clock.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils import formats, timezone
from django.utils.html import format_html

from .templatetags.platform_tags import zone_label

SUFFIX = "_zoned"


def with_zone(moment):
    """`moment` in the active zone with the zone named (HTML); None stays
    None, which the admin shows as its empty value."""
    if moment is None:
        return None
    local = timezone.localtime(moment)
    return format_html(
        "{} {}", formats.date_format(local, "DATETIME_FORMAT"), zone_label(moment)
    )


def _zoned_display(field: models.DateTimeField):
    name = field.name

    @admin.display(description=field.verbose_name, ordering=name)
    def show(obj):
        return with_zone(getattr(obj, name))

    return show


class ZonedTimesAdminMixin:
    """Date-time columns of the change list name their zone.

    Each `DateTimeField` of the model gets a display function
    (`<name>_zoned`, sorted by the field) that replaces the field's name in
    `list_display`, as `MoneyAdminMixin` does for amounts.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._zoned_names = {}
        for field in self.model._meta.get_fields():
            if isinstance(field, models.DateTimeField):
                display = field.name + SUFFIX
                setattr(self, display, _zoned_display(field))
                self._zoned_names[field.name] = display

    def get_list_display(self, request):
        return [
            self._zoned_names.get(n, n) if isinstance(n, str) else n
            for n in super().get_list_display(request)
        ]
