"""The admin shows amounts as pages do: "¥2,752.53", through `format_money`."""

from __future__ import annotations

from django.contrib import admin

from .money import MoneyField, format_money

SUFFIX = "_money"


def _money_display(field: MoneyField):
    name = field.name

    @admin.display(description=field.verbose_name, ordering=name)
    def show(obj):
        return format_money(getattr(obj, name), getattr(obj, "currency", None))

    return show


class MoneyAdminMixin:
    """Money columns and read-only money fields are formatted, not raw decimals.

    Works for `ModelAdmin` and inlines: each `MoneyField` of the model gets a
    display function (`<name>_money`, sorted by the field) that replaces the
    field's name in `list_display` and in the read-only fields; an editable
    money field keeps its input.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._money_names = {}
        for field in self.model._meta.get_fields():
            if isinstance(field, MoneyField):
                display = field.name + SUFFIX
                setattr(self, display, _money_display(field))
                self._money_names[field.name] = display

    def _swap(self, names):
        return [self._money_names.get(n, n) if isinstance(n, str) else n for n in names]

    def get_list_display(self, request):
        return self._swap(super().get_list_display(request))

    def get_readonly_fields(self, request, obj=None):
        return self._swap(super().get_readonly_fields(request, obj))

    def _read_only_money(self, request, obj):
        readonly = super().get_readonly_fields(request, obj)
        return [n for n in readonly if isinstance(n, str) and n in self._money_names]

    def get_fields(self, request, obj=None):
        readonly = set(self._read_only_money(request, obj))
        return [
            self._money_names[n] if n in readonly else n
            for n in super().get_fields(request, obj)
        ]

    def get_fieldsets(self, request, obj=None):
        readonly = set(self._read_only_money(request, obj))

        def swap(name):
            if isinstance(name, list | tuple):
                return [swap(n) for n in name]
            return self._money_names[name] if name in readonly else name

        return [
            (title, {**options, "fields": [swap(n) for n in options["fields"]]})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_exclude(self, request, obj=None):
        # The raw field of a read-only amount stays out of the form: its
        # formatted twin is shown instead.
        exclude = list(super().get_exclude(request, obj) or [])
        return exclude + [
            n for n in self._read_only_money(request, obj) if n not in exclude
        ]
