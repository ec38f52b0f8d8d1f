"""Per-learner extras on the shared cards of a list, batched per page.

A page owned by one app shows cards of its objects (course cards in the
catalogue, the home lists, the wishlist); apps above it add what they know
about the learner and each object (recommendations: the predicted stars)
without the page's app importing them. An app registers an annotator for a
kind of card in its `AppConfig.ready()`; the list template calls
`{% annotate_cards objects "course" %}` once before its loop, so each
annotator runs once per list whatever the number of cards, and sets
attributes on the objects that its slot template in the card reads.

Kinds in use: "course" (course cards), "person" (users: a name shown in a list, or JSON suggestions, which
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


# --- card partials --------------------------------------------------------------
#
# Lists that mix kinds of objects (the home feed of recommendations) show each
# object with the card its owning app draws. The owner registers its partial
# in `AppConfig.ready()`; the mixed list renders `{% render_card kind obj %}`
# without knowing the app. The partial receives the object under `name`
# (`course`, `lecture`...) and the page's context.

_TEMPLATES: dict[str, tuple[str, str]] = {}


def card_template_register(*, kind: str, template: str, name: str) -> None:
    """Cards of `kind` are drawn by `template`, which reads the object as `name`."""
    _TEMPLATES[kind] = (template, name)


def card_template(kind: str) -> tuple[str, str] | None:
    """(template, context name) of the card of `kind`, None when nobody draws it."""
    return _TEMPLATES.get(kind)


def card_kinds() -> list[str]:
    return list(_TEMPLATES)
