"""What commerce can sell: offer types registered by the apps that own them.

Commerce imports no course, lecture or booking model. Each selling app calls
`register_offer_type(...)` in its own `<app>/offers.py` (autodiscovered by
`CommerceConfig.ready()`) with functions that describe an offer (title, price,
creator, category, courses covered) and fulfil or revoke it for a buyer.

An offer with limited stock (a lecture's seats, a consultation slot) also
registers `hold`, `release` and `confirm_hold`: the seat is held for the
buyer while the order waits for payment (`hold` runs inside `order_create`'s
transaction and raises `OfferUnavailable` when nothing is left), given back
when the order is cancelled or expires (`release`), and kept for good when a
payment is captured (`confirm_hold`; False means the seat went to someone else
after the hold ran out, and the payment is refunded instead).

An offer registered with `escrow=True` (a paid question) is not the
creator's earning when it is delivered: commerce holds the money in an
`EscrowHold` until the selling app calls `escrow_release` (the answer was
accepted) or refunds it (`refund_automatic`: no answer in time).

An offer whose price depends on the buyer (a learning path costs less when the
buyer owns some of its courses) also registers `for_buyer(user=, offer=)`,
which returns the offer as this buyer gets it (price, revenue lines);
`order_create` asks it, so the page and the checkout agree.

`register_commission_provider(provider)` lets another app (rewards: creator
levels) override the platform commission rate per creator.

`register_earner_check(check)` lets a selling app say who earns from it
besides creators (live: certified experts, paid for consultations and
questions), so that they see their revenue page before their first sale.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import module_has_submodule


@dataclasses.dataclass(frozen=True)
class RevenueLine:
    """A part of an offer's revenue that belongs to one creator (or the platform).

    `weight` splits the item's paid price pro rata among the lines (a bundle
    splits by the list prices of its courses). `creator_id` None means the
    revenue is the platform's (a site-wide membership).
    """

    creator_id: int | None
    weight: Decimal
    label: str
    course_id: int | None = None


@dataclasses.dataclass(frozen=True)
class Offer:
    """A sellable thing as commerce sees it, resolved on the server only."""

    offer_type: str
    offer_id: int
    title: str
    price: Decimal
    creator_id: int | None
    category_id: int | None = None
    course_ids: tuple[int, ...] = ()
    revenue_lines: tuple[RevenueLine, ...] = ()
    url: str = ""
    is_available: bool = True
    #: why it is not for sale, in the buyer's language ("This lecture has
    #: ended."), when the selling app can say; else a general refusal is shown
    unavailable_reason: str = ""
    #: the title in the active language, for a title the selling app words
    #: ("Consultation with …"): the order keeps it in every language, so the
    #: buyer reads it in the page's language (OrderItem.display_title)
    titled: Callable[[], str] | None = None

    def lines(self) -> tuple[RevenueLine, ...]:
        if self.revenue_lines:
            return self.revenue_lines
        return (RevenueLine(self.creator_id, Decimal(1), self.title),)


class OfferUnavailable(Exception):
    """Raised by a `hold` hook: nothing left to hold (sold out, slot taken).

    `message` is shown to the buyer (already translated); the order is not
    created.
    """

    def __init__(self, message: str, code: str = "unavailable") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclasses.dataclass(frozen=True)
class OfferType:
    name: str
    #: offer_id -> Offer or None when it does not exist (or is not for sale)
    resolve: Callable[[int], Offer | None]
    #: (user=, offer_id=, order_item=) -> None; must be idempotent
    fulfil: Callable[..., None]
    #: (user=, offer_id=, order_item=) -> None; must be idempotent
    revoke: Callable[..., None]
    #: (user=, offer_id=) -> bool: the buyer already has what this offer gives
    is_owned: Callable[..., bool]
    #: (user=, offer_id=) -> int | None: percent consumed, for the refund policy
    progress: Callable[..., int | None] | None = None
    label: str = ""
    #: (user=, offer_id=, order_item=, expires_at=) -> None; raises
    #: OfferUnavailable. Runs in order_create's transaction.
    hold: Callable[..., None] | None = None
    #: (order_item=) -> None: the unpaid order closed; must be idempotent
    release: Callable[..., None] | None = None
    #: (order_item=) -> bool: a payment is being captured; keep the held stock
    #: for good, or False when it is gone (the payment is then refunded)
    confirm_hold: Callable[..., bool] | None = None
    #: the paid money is held (escrow) until the selling app releases it
    escrow: bool = False
    #: (user=, offer=) -> Offer: the offer for this buyer (0 <= price <= list)
    for_buyer: Callable[..., Offer] | None = None
    #: (URL name, button text): where the buyer finds what they bought
    #: (the paid order's page links there)
    bought_at: tuple[str, str] | None = None


_offer_types: dict[str, OfferType] = {}
_commission_providers: list[Callable[[int], Decimal | None]] = []


class UnknownOfferType(LookupError):
    pass


def register_offer_type(
    name: str,
    *,
    resolve: Callable[[int], Offer | None],
    fulfil: Callable[..., None],
    revoke: Callable[..., None],
    is_owned: Callable[..., bool],
    progress: Callable[..., int | None] | None = None,
    label: str = "",
    hold: Callable[..., None] | None = None,
    release: Callable[..., None] | None = None,
    confirm_hold: Callable[..., bool] | None = None,
    escrow: bool = False,
    for_buyer: Callable[..., Offer] | None = None,
    bought_at: tuple[str, str] | None = None,
) -> OfferType:
    """Register (or replace, on reload) the offer type called `name`."""
    if (hold is None) != (release is None) or (hold is None) != (confirm_hold is None):
        raise ValueError(f"{name}: hold, release and confirm_hold go together")
    offer_type = OfferType(
        name=name,
        resolve=resolve,
        fulfil=fulfil,
        revoke=revoke,
        is_owned=is_owned,
        progress=progress,
        label=label or name,
        hold=hold,
        release=release,
        confirm_hold=confirm_hold,
        escrow=escrow,
        for_buyer=for_buyer,
        bought_at=bought_at,
    )
    _offer_types[name] = offer_type
    return offer_type


def get_offer_type(name: str) -> OfferType:
    try:
        return _offer_types[name]
    except KeyError:
        raise UnknownOfferType(name) from None


def offer_type_label(name: str) -> str:
    """What an order item is, in the active language ("Consultation")."""
    offer_type = _offer_types.get(name)
    return str(offer_type.label) if offer_type else name


def bought_at_links(names: Iterable[str]) -> list[tuple[str, str]]:
    """(URL, button text) of where a buyer finds these offer types, each once."""
    links: list[tuple[str, str]] = []
    for name in names:
        offer_type = _offer_types.get(name)
        if offer_type is None or offer_type.bought_at is None:
            continue
        url_name, text = offer_type.bought_at
        link = (reverse(url_name), str(text))
        if link not in links:
            links.append(link)
    return links


def offer_types() -> Sequence[OfferType]:
    return list(_offer_types.values())


def resolve_offer(offer_type: str, offer_id: int) -> Offer | None:
    """The offer, or None when the type or the offer does not exist."""
    try:
        kind = get_offer_type(offer_type)
    except UnknownOfferType:
        return None
    return kind.resolve(offer_id)


def offer_for_buyer(offer: Offer, *, user) -> Offer:
    """`offer` as `user` buys it (the offer type's `for_buyer`, if any)."""
    kind = _offer_types.get(offer.offer_type)
    if kind is None or kind.for_buyer is None:
        return offer
    personal = kind.for_buyer(user=user, offer=offer)
    if not Decimal(0) <= personal.price <= offer.price:
        raise ValueError(f"{offer.offer_type}: for_buyer priced {personal.price}")
    return personal


def register_commission_provider(
    provider: Callable[[int], Decimal | None],
) -> Callable[[int], Decimal | None]:
    """Add a per-creator commission override (usable as a decorator)."""
    if provider not in _commission_providers:
        _commission_providers.append(provider)
    return provider


def commission_rate(creator_id: int | None) -> Decimal:
    """The platform's share for `creator_id`: the first override, else settings."""
    if creator_id is None:
        return Decimal(1)
    for provider in _commission_providers:
        rate = provider(creator_id)
        if rate is not None:
            rate = Decimal(rate)
            if Decimal(0) <= rate <= Decimal(1):
                return rate
    return Decimal(settings.PLATFORM_COMMISSION_RATE)


_earner_checks: list[Callable[[object], bool]] = []


def register_earner_check(check: Callable[[object], bool]) -> Callable:
    """Add a function telling whether a user earns from the app's offers."""
    if check not in _earner_checks:
        _earner_checks.append(check)
    return check


def is_registered_earner(user) -> bool:
    """True when a selling app counts `user` as one who earns (an expert)."""
    return any(check(user) for check in _earner_checks)


def autodiscover() -> None:
    """Import `<app>.offers` of every installed app so that offers register."""
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "offers"):
            import_module(f"{config.name}.offers")
