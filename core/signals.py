"""Signals core sends for the apps above it (core imports none of them)."""

from django.dispatch import Signal

#: A signed-in person chose a language (the language switcher):
#: ``request`` and ``language`` (a code of settings.LANGUAGES).
language_chosen = Signal()
