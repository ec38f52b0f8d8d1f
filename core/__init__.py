"""Shared code that every app uses; it imports no project app."""
