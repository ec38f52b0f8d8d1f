"""What can be notified: kinds and preference topics, registered by the sending apps.

A *kind* is one message ("Ana replied in “Thread”"): its title is a translatable
format string filled with the notification's stored ``params`` when it is
shown, so that every reader sees it in their own language. A *topic* is what a
person switches on or off on the settings page ("Replies to my threads"); several
kinds share one (every moderation outcome is one topic).

Apps register in a module named ``notification_kinds.py`` (found at start-up by
``NotificationsConfig.ready``), e.g.::

    from django.utils.translation import gettext_lazy as _
    from notifications.registry import Kind, Topic, register

    register(
        Topic("refunds", _("Refunds"), channels={EMAIL, IN_APP}),
        Kind("refund_approved", topic="refunds",
             title=_("Your refund for “%(item)s” was approved")),
    )

This module imports no app: notifications is called by all and calls none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils.functional import Promise

IN_APP = "in_app"
EMAIL = "email"
DIGEST = "digest"
#: Every channel, in the order the settings page shows them.
CHANNELS = (IN_APP, EMAIL, DIGEST)


@dataclasses.dataclass(frozen=True)
class Topic:
    """A group of kinds that a person switches on or off together."""

    key: str
    label: str | Promise
    #: Channels on until the person changes them.
    channels: frozenset[str] = frozenset({IN_APP, DIGEST})
    #: Channels the person cannot switch off (receipts, for one).
    locked: frozenset[str] = frozenset()
    #: Position on the settings page (smaller first).
    order: int = 100

    def __post_init__(self) -> None:
        object.__setattr__(self, "channels", frozenset(self.channels))
        object.__setattr__(self, "locked", frozenset(self.locked))
        unknown = (self.channels | self.locked) - set(CHANNELS)
        if unknown:
            raise ValueError(f"Unknown channels for topic {self.key}: {unknown}")
        if not self.locked <= self.channels:
            raise ValueError(f"Locked channels of {self.key} must be on by default.")


@dataclasses.dataclass(frozen=True)
class Kind:
    """One message: its title template, its topic and where it links to.

    ``title`` is a lazy format string; ``%(actor)s`` is the display name of the
    person who acted, every other placeholder comes from the params stored
    with the notification. ``display`` may turn stored codes into words at
    show time (a level code into its translated label). ``url`` computes the
    link from the target when the sender gives none.
    """

    key: str
    topic: str
    title: str | Promise
    url: Callable[[Any, Mapping[str, Any]], str] | None = None
    display: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    email_template: str = "notifications/email/notification.txt"
    #: What staff read for this kind in the admin; the topic's label if empty.
    label: str | Promise = ""

    @property
    def display_label(self) -> str | Promise:
        return self.label or _topics[self.topic].label

    def render(self, params: Mapping[str, Any], *, actor_name: str = "") -> str:
        """The title in the active language; KeyError when a param is missing."""
        values = dict(params)
        if self.display is not None:
            values.update(self.display(params))
        values.setdefault("actor", actor_name)
        return str(self.title) % values


_topics: dict[str, Topic] = {}
_kinds: dict[str, Kind] = {}


def register(*items: Topic | Kind) -> None:
    """Register topics and kinds (topics first). Registering twice is an error."""
    for item in items:
        registry = _topics if isinstance(item, Topic) else _kinds
        existing = registry.get(item.key)
        if existing is not None and existing != item:
            raise ValueError(f"Notification {item.key!r} is registered twice.")
        if isinstance(item, Kind) and item.topic not in _topics:
            raise ValueError(f"Kind {item.key!r} names unknown topic {item.topic!r}.")
        registry[item.key] = item


def kind(key: str) -> Kind:
    """The registered kind; LookupError names the kinds that exist."""
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(
            f"Unknown notification kind {key!r}; registered: {sorted(_kinds)}"
        ) from None


def find_kind(key: str) -> Kind | None:
    return _kinds.get(key)


def kind_label(key: str) -> str:
    """A kind's label in the active language; an unknown (retired) key as is."""
    found = _kinds.get(key)
    return str(found.display_label) if found is not None else key


def topic(key: str) -> Topic:
    return _topics[key]


def topics() -> list[Topic]:
    """Every topic that has at least one kind, in settings-page order."""
    used = {k.topic for k in _kinds.values()}
    return sorted(
        (t for t in _topics.values() if t.key in used), key=lambda t: (t.order, t.key)
    )


def kinds() -> Iterable[Kind]:
    return _kinds.values()
