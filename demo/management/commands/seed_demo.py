"""Load deterministic, idempotent demo data from the steps in `demo/seeds/`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from demo.seeding import (
    SCALES,
    SeedContext,
    login_hint,
    side_effects_applied_directly,
)
from demo.seeds import collect_steps


class Command(BaseCommand):
    help = "Load demo data (deterministic for a seed; a second run adds nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when users already exist.",
        )
        parser.add_argument("--only", help="Comma-separated step names to run.")

    def handle(self, *args, scale, seed, if_empty, only, verbosity, **options):
        if if_empty and get_user_model().objects.exists():
            self.stdout.write("Users exist already: demo data not loaded (--if-empty).")
            return
        ctx = SeedContext(
            scale=scale, seed=seed, stdout=self.stdout, quiet=verbosity == 0
        )
        wanted = set(only.split(",")) if only else None
        with side_effects_applied_directly():
            for step in collect_steps():
                if wanted and step.name not in wanted:
                    continue
                ctx.log(f"· {step.name}")
                with transaction.atomic():
                    step.run(ctx)
        if verbosity:
            self.stdout.write(self.style.SUCCESS("Demo data ready."))
            self.stdout.write(login_hint())
