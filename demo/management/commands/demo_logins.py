"""Print the demo accounts and their password (`run_embedded` shows them at start)."""

from django.core.management.base import BaseCommand

from demo.seeding import login_hint


class Command(BaseCommand):
    help = "Print the demo accounts to sign in with and their password."

    def handle(self, *args, **options):
        self.stdout.write(login_hint())
