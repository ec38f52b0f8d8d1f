"""`{{ amount|money }}`: every amount on a page, formatted by one filter.

`{{ order.total|money:order.currency }}` for an amount in a currency other
than the site's (`settings.CURRENCY`).
"""

from django import template

from core.money import currency_symbol, format_money

register = template.Library()


@register.filter(name="money", is_safe=True)
def money_filter(amount, currency=None) -> str:
    return format_money(amount, currency or None)


@register.simple_tag
def currency_sign(currency=None) -> str:
    """The sign of the site's currency in the reader's language ("¥", "CN¥")."""
    return currency_symbol(currency)
