"""Money that is exact on every database.

An amount is a ``Decimal`` in Python (forms, the API, the admin and filters
see a ``Decimal``) and a whole number of minor units (分, cents) in the
database, so that sums, comparisons and CHECK constraints are integer
arithmetic on SQLite as well as on PostgreSQL. SQLite has no exact decimal
type: a plain ``DecimalField`` is stored there as a floating-point number,
where ``89.10 = 8.91 + 80.19`` is false and a sum reads ``668.640000000000``.

In SQL, money may be added to or subtracted from money and multiplied by an
integer; any other arithmetic with a ``MoneyField`` must name its
``output_field`` (a ``FieldError`` says so instead of a silent factor of 100).
``Avg()`` of money needs ``output_field=MoneyField()`` for the same reason.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.core import UnknownLocaleError
from babel.numbers import (
    format_currency,
    get_currency_precision,
    get_currency_symbol,
)
from django.conf import settings
from django.core.exceptions import FieldError
from django.db import migrations, models
from django.db.models import expressions
from django.db.models.functions import Cast, Round
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """`value` as an amount of whole cents, rounded half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount, currency: str | None = None, language: str | None = None):
    """`amount` as the reader expects to see it: "¥2,752.53" (zh-hans).

    The one formatter of amounts for pages, emails, messages and the admin:
    the currency's own decimals (CLDR: 2 for CNY, 0 for JPY), rounded half
    up, and the grouping and currency sign of the reader's language (English
    readers see "CN¥2,752.53", the sign CLDR gives them for yuan). Empty for
    no amount; a value that is not a number is shown as it is.
    """
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    if not value.is_finite():
        return str(amount)
    currency = currency or settings.CURRENCY
    value = value.quantize(
        Decimal(1).scaleb(-get_currency_precision(currency)), rounding=ROUND_HALF_UP
    )
    locale = to_locale(language or get_language() or settings.LANGUAGE_CODE)
    try:
        return format_currency(value, currency, locale=locale)
    except (UnknownLocaleError, ValueError):  # unknown to Babel: the site's
        return format_currency(
            value, currency, locale=to_locale(settings.LANGUAGE_CODE)
        )


def warm_formats() -> None:
    """Load Babel's data for every language of the site (core.warmup)."""
    for language, _name in settings.LANGUAGES:
        format_money(1, language=language)


def currency_symbol(currency: str | None = None) -> str:
    """The sign of `currency` (the site's by default) in the reader's language."""
    currency = currency or settings.CURRENCY
    try:
        return get_currency_symbol(currency, locale=to_locale(get_language() or ""))
    except (UnknownLocaleError, ValueError):
        return get_currency_symbol(currency, locale=to_locale(settings.LANGUAGE_CODE))


class MoneyField(models.DecimalField):
    """A ``Decimal`` amount stored as an integer number of minor units."""

    description = _("Amount of money")

    def __init__(
        self, verbose_name=None, name=None, max_digits=12, decimal_places=2, **kwargs
    ):
        super().__init__(
            verbose_name,
            name,
            max_digits=max_digits,
            decimal_places=decimal_places,
            **kwargs,
        )

    def get_internal_type(self) -> str:
        # The column type and the database converters: an integer column,
        # read without SQLite's float-to-decimal conversion.
        return "BigIntegerField"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if isinstance(value, float):  # an average read on SQLite
            value = Decimal(repr(value))
        amount = Decimal(value).scaleb(-self.decimal_places)
        return amount.quantize(
            Decimal(1).scaleb(-self.decimal_places), rounding=ROUND_HALF_UP
        )

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or hasattr(value, "as_sql"):
            return value
        if not isinstance(value, Decimal):
            value = self.to_python(value)
        units = value.scaleb(self.decimal_places)
        if units == units.to_integral_value():
            return int(units)
        if prepared:
            # A lookup bound between two whole units (price <= 9.999): compare
            # with the exact fraction rather than round the bound.
            return float(units)
        # Saving more decimals than the currency has: round to the minor unit,
        # as PostgreSQL's numeric(…, 2) did.
        return int(units.to_integral_value(rounding=ROUND_HALF_UP))


class _MoneyArithmeticNeedsOutputField(models.Field):
    """Resolved type of an ambiguous expression on money: refuse to guess."""

    def __init__(self, *args, **kwargs):
        raise FieldError(
            "Money is stored in minor units: SQL arithmetic other than money "
            "± money and money × integer must set output_field (for example "
            "output_field=MoneyField())."
        )


def _register_money_arithmetic() -> None:
    # Django resolves `F(a) - F(b)` by the first matching rule in its table,
    # and a MoneyField is a DecimalField there: its own rules must come first.
    combinable = expressions.Combinable
    rules = {
        combinable.ADD: [(MoneyField, MoneyField, MoneyField)],
        combinable.SUB: [(MoneyField, MoneyField, MoneyField)],
        combinable.MUL: [
            (MoneyField, models.IntegerField, MoneyField),
            (models.IntegerField, MoneyField, MoneyField),
        ],
    }
    for connector in (
        combinable.ADD,
        combinable.SUB,
        combinable.MUL,
        combinable.DIV,
        combinable.MOD,
        combinable.POW,
    ):
        table = expressions._connector_combinators[connector]
        own = [
            *rules.get(connector, []),
            (MoneyField, models.Field, _MoneyArithmeticNeedsOutputField),
            (models.Field, MoneyField, _MoneyArithmeticNeedsOutputField),
        ]
        table[:0] = [rule for rule in own if rule not in table]
    expressions._resolve_combined_type.cache_clear()


_register_money_arithmetic()


# --- migrations ---------------------------------------------------------------


def _to_minor_units(app_label, model_name, source, target, decimal_places):
    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        # Exact on both databases: PostgreSQL's numeric is exact, and a
        # two-decimal value read from SQLite's float is within 1e-9 of a whole
        # number of cents once scaled, which ROUND lands on.
        model._base_manager.update(
            **{
                target: Cast(
                    Round(models.F(source) * (10**decimal_places)),
                    models.BigIntegerField(),
                )
            }
        )

    return forwards


def _from_minor_units(app_label, model_name, source, target, decimal_places):
    def backwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        for pk, units in model._base_manager.values_list("pk", target).iterator():
            value = None if units is None else Decimal(units).scaleb(-decimal_places)
            model._base_manager.filter(pk=pk).update(**{source: value})

    return backwards


def money_column_operations(
    app_label: str,
    model_name: str,
    name: str,
    field: MoneyField,
    *,
    old_max_digits: int,
    old_decimal_places: int = 2,
) -> list[migrations.operations.base.Operation]:
    """Operations that turn a decimal column into a `MoneyField`, data kept.

    Add a column of minor units, copy every row exactly, drop the decimal
    column and put the new one in its place. Reversible. CHECK constraints
    that name the column must be removed before and added back after.
    """
    temporary = f"{name}_minor_units"
    return [
        # Nullable first, so that a reverse migration can add it back empty.
        migrations.AlterField(
            model_name,
            name,
            models.DecimalField(
                max_digits=old_max_digits,
                decimal_places=old_decimal_places,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name, temporary, models.BigIntegerField(null=True, editable=False)
        ),
        migrations.RunPython(
            _to_minor_units(
                app_label, model_name, name, temporary, field.decimal_places
            ),
            _from_minor_units(
                app_label, model_name, name, temporary, field.decimal_places
            ),
            elidable=False,
        ),
        migrations.RemoveField(model_name, name),
        migrations.RenameField(model_name, temporary, name),
        migrations.AlterField(model_name, name, field),
    ]
