"""Rebuild the leaderboards' totals (`PointTotal`) from the points ledger.

Safe to run at any time and again (it compares under the ledger's lock and
writes only what differs): after a restore, a change of TIME_ZONE, a
category moved under another parent, or to check the nightly comparison's
report. `--check` reports without writing.
"""

from django.core.management.base import BaseCommand

from rewards import services


class Command(BaseCommand):
    help = "Rebuild the leaderboards' points totals from the ledger (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only compare and report; write nothing.",
        )

    def handle(self, *args, check=False, **options):
        result = services.totals_reconcile(repair=not check)
        verb = "differ" if check else "repaired"
        self.stdout.write(
            f"{result.users} users, {result.rows} totals from the ledger; "
            f"{result.repaired} rows {verb}, {result.removed} old rows removed"
        )
        for sample in result.samples:
            self.stdout.write(f"  {sample}")
