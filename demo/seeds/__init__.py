"""The seed steps of every app, registered here in one list.

A step's `order` decides when it runs (people before courses, enrolments
before reviews...); steps with the same order run by name. `seed_demo --only`
takes step names.
"""

from demo.seeding import SeedStep

from . import (
    accounts,
    analytics,
    commerce,
    community,
    courses,
    grading,
    learning,
    live,
    live_questions,
    paid,
    recommendations,
    rewards,
)

SEED_MODULES = (
    accounts,
    courses,
    learning,
    grading,
    commerce,
    paid,
    community,
    rewards,
    live,
    live_questions,
    recommendations,
    analytics,
)


def collect_steps() -> list[SeedStep]:
    """Every registered step, in the order `seed_demo` runs them."""
    steps = [step for module in SEED_MODULES for step in module.SEED_STEPS]
    return sorted(steps, key=lambda step: (step.order, step.name))
