"""Per-learner extras on the shared cards of a list, batched per page.

A page owned by one app shows cards of its objects (course cards in the
catalogue, the home lists, the wishlist); apps above it add what they know
about the learner and each object (recommendations: the predicted stars)
without the page's app importing them. An app registers an annotator for a
kind of card in its `AppConfig.ready()`; the list template calls
`{% annotate_cards objects "course" %}` once before its loop, so each
annotator runs once per list whatever the number of cards, and sets
attributes on the objects that its slot template in the card reads.

Kinds in use: "course" (course cards), "review" (course reviews on the course
page), "person" (users: a name shown in a list, or JSON suggestions, which
read `person_labels`, a list of short texts in the reader's language) and
"author" (objects with an `author` user: threads, posts). A page shows a
person's extras with `{% with person=<user> %}{% slot "person_badge" %}{% endwith %}`.
"""

from collections.abc import Callable, Iterable

#: kind -> annotators, each `annotate(user, objects)`; it sets attributes on
#: the objects and must stay bounded (a few queries, rows for those objects).
_ANNOTATORS: dict[str, list[Callable]] = {}


def card_annotator_register(*, kind: str, annotate: Callable) -> None:
    """Add `annotate(user, objects)` for cards of `kind` (idempotent)."""
    annotators = _ANNOTATORS.setdefault(kind, [])
    if annotate not in annotators:
        annotators.append(annotate)


def cards_annotate(*, kind: str, user, objects: Iterable) -> None:
    """Run every registered annotator of `kind` once over the list's objects."""
    objects = [o for o in objects if o is not None]
    if not objects:
        return
    for annotate in _ANNOTATORS.get(kind, ()):
        annotate(user, objects)
