"""Load deterministic, idempotent demo data from the steps in `demo/seeds/`."""

import os
import time

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
        # Wall seconds, and this process's CPU seconds (the share of the work
        # done in Python: on a busy machine the wall time says little alone).
        timings: list[tuple[str, float, float]] = []
        with side_effects_applied_directly():
            for step in collect_steps():
                if wanted and step.name not in wanted:
                    continue
                ctx.log(f"· {step.name}")
                started, cpu = time.perf_counter(), time.process_time()
                with transaction.atomic():
                    step.run(ctx)
                timings.append(
                    (
                        step.name,
                        time.perf_counter() - started,
                        time.process_time() - cpu,
                    )
                )
                ctx.log(f"  {timings[-1][1]:.1f} s")
        if verbosity and timings:
            width = max(len(name) for name, _, _ in timings)
            self.stdout.write(
                f"Seconds per step (--scale {scale}):\n"
                f"  {'step':<{width}}  {'wall':>7}  {'cpu':>7}"
            )
            for name, wall, cpu in timings:
                self.stdout.write(f"  {name:<{width}}  {wall:7.1f}  {cpu:7.1f}")
            wall = sum(row[1] for row in timings)
            cpu = sum(row[2] for row in timings)
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
            self.stdout.write(
                f"  {'total':<{width}}  {wall:7.1f}  {cpu:7.1f}"
                f"  (load average {load:.1f} on {os.cpu_count()} cores)"
            )
        if verbosity:
            self.stdout.write(self.style.SUCCESS("Demo data ready."))
            self.stdout.write(login_hint())
