"""Reads of notifications: lists, counts, a person's channels. Never writes."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from . import registry
from .models import Notification, NotificationPreference


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """A person's notifications shown in the site, newest first, ready to render."""
    if not _signed_in(user):
        return Notification.objects.none()
    items = Notification.objects.filter(recipient=user, in_app=True).select_related(
        "actor", "actor__profile"
    )
    if unread_only:
        items = items.filter(read_at__isnull=True)
    return items.order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not _signed_in(user):
        return 0
    return Notification.objects.filter(
        recipient=user, in_app=True, read_at__isnull=True
    ).count()


def channels_for(*, user, topic: str) -> frozenset[str]:
    """The channels a person receives a topic on (their choice or the defaults)."""
    spec = registry.topic(topic)
    preference = NotificationPreference.objects.filter(user=user, topic=topic).first()
    if preference is None:
        return spec.channels
    return preference.channels | spec.locked


def preference_matrix(*, user) -> list[dict]:
    """Every topic with the person's channels, for the settings page and the API."""
    chosen = {}
    if _signed_in(user):
        chosen = {
            p.topic: p.channels
            for p in NotificationPreference.objects.filter(user=user)
        }
    rows = []
    for spec in registry.topics():
        channels = chosen.get(spec.key, spec.channels) | spec.locked
        rows.append(
            {
                "topic": spec,
                "channels": {c: c in channels for c in registry.CHANNELS},
                "locked": {c: c in spec.locked for c in registry.CHANNELS},
            }
        )
    return rows


def recipient_language(user) -> str:
    """The language a person reads emails in: their saved choice or the site's."""
    profile = getattr(user, "profile", None)
    language = getattr(profile, "language", "") if profile is not None else ""
    if language and language in dict(settings.LANGUAGES):
        return language
    return settings.LANGUAGE_CODE
