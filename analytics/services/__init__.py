"""Writes of the analytics app (the only writer of its tables)."""
