"""What commerce tells buyers (registered with the notifications app).

Amounts are stored in the params as strings with their currency and shown
with `format_money` in the reader's language when the notification is shown.
"""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.money import format_money
from notifications.registry import EMAIL, IN_APP, Kind, Topic, register


def _order_page(target, params) -> str:
    return reverse("commerce:order_detail", kwargs={"number": params["number"]})


def _amount(params) -> dict:
    return {"amount": format_money(params["amount"], params.get("currency"))}


def _item(params) -> dict:
    """The item's title in the reader's language when it has one (OrderItem.titles);
    notifications sent before kept only the buyer's."""
    titles = params.get("item_titles") or {}
    return {"item": titles.get(get_language() or "") or params["item"]}


def _refunded(params) -> dict:
    return {**_amount(params), **_item(params)}


register(
    # Receipts and the fate of a person's money: never switched off.
    Topic(
        "orders",
        _("Payments, refunds and orders"),
        channels={IN_APP, EMAIL},
        locked={IN_APP, EMAIL},
        order=5,
    ),
    Kind(
        "order_paid",
        topic="orders",
        title=_("Payment received: %(amount)s for order %(number)s"),
        url=_order_page,
        display=_amount,
    ),
    Kind(
        "order_expired",
        topic="orders",
        title=_(
            "Order %(number)s expired before it was paid; nothing was charged. "
            "You can order again from the item's page."
        ),
        url=_order_page,
    ),
    Kind(
        "refund_approved",
        topic="orders",
        title=_("Your refund of %(amount)s for “%(item)s” was approved"),
        url=_order_page,
        display=_refunded,
    ),
    Kind(
        "refund_denied",
        topic="orders",
        title=_("Your refund request for “%(item)s” was declined: %(note)s"),
        url=_order_page,
        display=_item,
    ),
)

register(
    Topic(
        "membership",
        _("My memberships and columns"),
        channels={IN_APP, EMAIL},
        order=72,
    ),
    Kind(
        "membership_expiring",
        topic="membership",
        title=_("Your membership “%(plan)s” ends on %(date)s: renew to keep learning"),
    ),
    Kind(
        "membership_ended",
        topic="membership",
        title=_(
            "Your membership “%(plan)s” has ended. Your progress is kept: "
            "renew to pick up where you left off"
        ),
    ),
)
