"""The few calls into other apps, by their documented names.

commerce and community land on main in parallel with rewards, so each call
looks its function up when it runs: before the owning app provides it the
feature degrades (no coupon yet) instead of breaking.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from importlib import import_module

logger = logging.getLogger(__name__)


class IntegrationUnavailable(RuntimeError):
    """The other app does not provide the function (yet)."""


def _lookup(module_name: str, attribute: str):
    try:
        module = import_module(module_name)
    except ImportError as error:
        raise IntegrationUnavailable(f"{module_name} is not available") from error
    function = getattr(module, attribute, None)
    if function is None:
        raise IntegrationUnavailable(f"{module_name}.{attribute} is not available")
    return function


def coupons_available() -> bool:
    try:
        _lookup("commerce.services", "coupon_issue")
    except IntegrationUnavailable:
        return False
    return True


def coupon_issue(*, user, amount: Decimal, reason: str, valid_days: int):
    """commerce.services.coupon_issue: a single-use personal fixed-amount coupon."""
    function = _lookup("commerce.services", "coupon_issue")
    return function(user=user, amount=amount, reason=reason, valid_days=valid_days)


def register_commission_provider(provider) -> bool:
    """Tell commerce about the creator-level commission perk, when it can listen."""
    try:
        register = _lookup("commerce.registry", "register_commission_provider")
    except IntegrationUnavailable:
        return False
    register(provider)
    return True
