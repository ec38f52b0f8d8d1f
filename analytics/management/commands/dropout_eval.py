"""Train the platform's drop-out model on outside data and report how well it
predicts (see docs/analytics.md for the file formats)."""

import json
import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from analytics.dropout.evaluation import (
    InputError,
    evaluate_at,
    read_activity,
    read_enrolments,
)


def _fmt(value) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.4f}"


class Command(BaseCommand):
    help = (
        "Train the drop-out model on E.csv/A.csv (split == train) as of day D "
        "and report ROC AUC and PR AUC on split == test."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enrolments", required=True, help="E.csv")
        parser.add_argument("--activity", required=True, help="A.csv")
        parser.add_argument("--day", required=True, type=int, help="day D")
        parser.add_argument("--json", dest="json_out", help="write the summary here")

    def handle(self, *args, enrolments, activity, day, json_out=None, **options):
        try:
            frame = read_enrolments(enrolments)
            rows = read_activity(activity, up_to_day=day)
            result = evaluate_at(frame, rows, day)
        except InputError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"day {result.day}")
        self.stdout.write(
            f"train: {result.train_n} enrolments, {result.train_positives} withdrawn"
        )
        self.stdout.write(
            f"test:  {result.test_n} enrolments, {result.test_positives} withdrawn"
        )
        self.stdout.write(f"base rate: {_fmt(result.base_rate)}")
        self.stdout.write(f"ROC AUC:   {_fmt(result.roc_auc)}")
        self.stdout.write(f"PR AUC:    {_fmt(result.pr_auc)}")
        if result.ignored_activity_rows:
            self.stdout.write(
                f"({result.ignored_activity_rows} activity rows name no enrolment "
                "of E.csv and were ignored)"
            )
        if json_out:
            try:
                Path(json_out).write_text(
                    json.dumps(result.summary(), indent=2) + "\n", encoding="utf-8"
                )
            except OSError as error:
                raise CommandError(f"{json_out}: {error.strerror}") from error
