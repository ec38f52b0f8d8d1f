"""Demo data: the seeding framework, `seed_demo` and each app's seed steps."""
