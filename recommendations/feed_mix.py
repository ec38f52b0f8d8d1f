"""How the home feed takes turns between its kinds (a pure function of the
candidate queues and the staff's slots; `feed.home_feed` calls it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .feed import FeedItem, Slot


def interleave(
    queues: dict[str, list[FeedItem]], slots: list[Slot], size: int
) -> list[FeedItem]:
    """Take turns between the kinds by weight, each capped at its `max_items`."""
    queues = {kind: list(items) for kind, items in queues.items()}
    taken = {s.kind: 0 for s in slots}
    credit = {s.kind: 0 for s in slots}

    def open_(slot: Slot) -> bool:
        return (
            slot.enabled
            and slot.weight > 0
            and taken[slot.kind] < slot.max_items
            and bool(queues.get(slot.kind))
        )

    active = [s for s in slots if open_(s)]
    out: list[FeedItem] = []
    while active and len(out) < size:
        total = sum(s.weight for s in active)
        for slot in active:
            credit[slot.kind] += slot.weight
        best = max(active, key=lambda s: credit[s.kind])  # first of equals
        credit[best.kind] -= total
        out.append(queues[best.kind].pop(0))
        taken[best.kind] += 1
        still = [s for s in active if open_(s)]
        if len(still) != len(active):
            # a kind ran out or reached its cap: the others share afresh
            credit = dict.fromkeys(credit, 0)
        active = still
    return out
