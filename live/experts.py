"""Who is a certified expert: asked of the app that certifies (rewards).

live does not import rewards (rewards reads the domain apps, not the other way
round). Rewards registers, in its `AppConfig.ready()`, a function that returns
a queryset of certified user ids; live uses it as a subquery, so that the
directory filters and paginates in the database. With nothing registered,
nobody is certified: consultations fail closed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet

CertifiedIds = Callable[[], QuerySet]
_source: list[CertifiedIds] = []


def register_certified_experts(source: CertifiedIds) -> CertifiedIds:
    """Set the function giving certified user ids (`values_list("user_id")`)."""
    _source[:] = [source]
    return source


def certified_user_ids() -> QuerySet | None:
    """A queryset of certified user ids, or None when no app certifies experts."""
    if not _source:
        return None
    return _source[0]()


def is_certified(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    ids = certified_user_ids()
    if ids is None:
        return False
    return ids.filter(user_id=user.pk).exists()
