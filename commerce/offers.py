"""Commerce's own offer type: membership plans ("plan")."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy

from . import registry


def _resolve(offer_id: int) -> registry.Offer | None:
    from .models import SubscriptionPlan

    plan = (
        SubscriptionPlan.objects.filter(pk=offer_id).select_related("creator").first()
    )
    if plan is None:
        return None
    label = plan.name
    return registry.Offer(
        offer_type="plan",
        offer_id=plan.pk,
        title=label,
        price=plan.price,
        creator_id=plan.creator_id,
        revenue_lines=(registry.RevenueLine(plan.creator_id, Decimal(1), label),),
        url=reverse("commerce:plans"),
        is_available=plan.is_active,
    )


def _fulfil(*, user, offer_id: int, order_item) -> None:
    from .models import SubscriptionPlan
    from .services import subscription_start

    plan = SubscriptionPlan.objects.get(pk=offer_id)
    subscription_start(user=user, plan=plan, order_item=order_item)


def _revoke(*, user, offer_id: int, order_item) -> None:
    from .services import subscription_revoke

    subscription_revoke(order_item=order_item)


def _is_owned(*, user, offer_id: int) -> bool:
    # A membership can always be renewed: the new period starts at the end.
    return False


registry.register_offer_type(
    "plan",
    resolve=_resolve,
    fulfil=_fulfil,
    revoke=_revoke,
    is_owned=_is_owned,
    progress=None,
    label=gettext_lazy("Membership"),
    bought_at=("learning:my_learning", gettext_lazy("Go to my learning")),
)
