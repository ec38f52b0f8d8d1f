"""Evaluate automatic grading on CSV files, with the production engine.

    python manage.py grading_eval --train TRAIN.csv --test TEST.csv [--json OUT]

Columns: id (question), question, desired_answer, student_answer, score_avg
(0 to --max-score, decimals allowed); others are ignored. Trains per question
and globally on the train rows, predicts every test row, and prints Pearson r
and RMSE overall and per question. `--make-data DIR` writes the made-up data
set used for tuning (learning/grading/synthetic.py) as train.csv and test.csv.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learning.grading import evaluation, synthetic


def _fmt(value, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


class Command(BaseCommand):
    help = "Train on a CSV of graded answers, predict another, print r and RMSE."

    def add_arguments(self, parser):
        parser.add_argument("--train", help="CSV of graded answers to train on")
        parser.add_argument("--test", help="CSV of graded answers to predict")
        parser.add_argument("--json", help="write the overall figures to this file")
        parser.add_argument(
            "--max-score", type=float, default=5.0, help="top of the score scale"
        )
        parser.add_argument(
            "--make-data",
            metavar="DIR",
            help="write the made-up tuning data (train.csv, test.csv) and stop",
        )
        parser.add_argument("--seed", type=int, default=0, help="for --make-data")

    def handle(self, *args, **options):
        if options["make_data"]:
            return self._make_data(Path(options["make_data"]), options["seed"])
        if not options["train"] or not options["test"]:
            raise CommandError("Give both --train and --test (or --make-data DIR).")
        if options["max_score"] <= 0:
            raise CommandError("--max-score must be above 0.")
        try:
            train = evaluation.read_rows(options["train"])
            test = evaluation.read_rows(options["test"])
        except evaluation.EvaluationError as error:
            raise CommandError(str(error)) from None
        report = evaluation.evaluate(train, test, max_score=options["max_score"])
        out = self.stdout
        out.write(f"{'question':<24} {'n':>4} {'r':>7} {'rmse':>7}")
        for item in sorted(report.questions, key=lambda q: q.key):
            out.write(
                f"{item.key[:24]:<24} {item.n:>4} "
                f"{_fmt(item.pearson_r):>7} {_fmt(item.rmse):>7}"
            )
        out.write(
            self.style.SUCCESS(
                f"overall: pearson_r={_fmt(report.pearson_r)} "
                f"rmse={_fmt(report.rmse)} n={report.n} "
                f"questions={len(report.questions)} "
                f"train_seconds={report.train_seconds:.2f} "
                f"seconds={report.seconds:.2f}"
            )
        )
        if options["json"]:
            Path(options["json"]).write_text(
                json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8"
            )

    def _make_data(self, folder: Path, seed: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        train, test = synthetic.split(synthetic.generate(seed=seed), seed=seed)
        synthetic.write_csv(folder / "train.csv", train)
        synthetic.write_csv(folder / "test.csv", test)
        self.stdout.write(f"{len(train)} train and {len(test)} test rows in {folder}")
