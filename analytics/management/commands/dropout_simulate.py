"""Write simulated course runs (E.csv, A.csv) with planted drop-out behaviour."""

from django.core.management.base import BaseCommand, CommandError

from analytics.dropout.simulate import simulate, write_csv


class Command(BaseCommand):
    help = "Simulate course runs in the shape dropout_eval reads."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="folder for E.csv and A.csv")
        parser.add_argument("--enrolments", type=int, default=26000)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--no-visits",
            action="store_true",
            help="only deadlines and submissions (no daily visits)",
        )

    def handle(self, *args, out, enrolments, seed, no_visits, **options):
        if enrolments < 100:
            raise CommandError("--enrolments must be at least 100")
        frame, activity = simulate(
            enrolments=enrolments, seed=seed, visits=not no_visits
        )
        write_csv(frame, activity, out)
        self.stdout.write(
            f"{len(frame)} enrolments, {len(activity)} activity rows → {out}"
        )
