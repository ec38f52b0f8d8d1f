"""Template helpers other apps' pages may use without importing commerce code."""

from django import template

register = template.Library()


@register.filter
def offer_label(offer_type: str) -> str:
    """What an order item is ("Consultation"), as its app registered it."""
    from commerce.registry import offer_type_label

    return offer_type_label(offer_type)


@register.simple_tag
def creator_plans(user):
    """A creator's plans on sale (their memberships and columns; one query)."""
    from commerce.selectors import plans_on_sale

    if user is None or not getattr(user, "pk", None):
        return []
    return plans_on_sale(creator_id=user.pk)
