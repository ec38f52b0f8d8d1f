"""Offline evaluation of every algorithm with the fixed protocol (see evaluation.py)."""

import json

from django.core.management.base import BaseCommand, CommandError

from recommendations import evaluation
from recommendations.services import default_algorithm


class Command(BaseCommand):
    help = (
        "Evaluate the recommenders offline: a random test split in file order, "
        "P/R/NDCG/coverage@k, RMSE/MAE for rating models, fit and scoring time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--ratings",
            help="CSV with a header and columns user,item[,rating][,timestamp] "
            "(default: the platform's own interactions)",
        )
        parser.add_argument(
            "--protocol",
            choices=["split", "next"],
            default="split",
            help="split: random test rows; next: each learner's last course "
            "(by timestamp, else row order) held out",
        )
        parser.add_argument("--test-size", type=float, default=0.2)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--k", type=int, default=10)
        parser.add_argument(
            "--json", dest="json_path", help="also write the results here"
        )
        parser.add_argument(
            "--algorithms",
            help="comma-separated subset (default: all that apply to the data)",
        )

    def handle(self, *args, **options):
        if not 0 < options["test_size"] < 1:
            raise CommandError("--test-size must be between 0 and 1")
        if options["k"] < 1:
            raise CommandError("--k must be at least 1")
        chosen = (
            [a.strip() for a in options["algorithms"].split(",") if a.strip()]
            if options["algorithms"]
            else None
        )
        kwargs = {}
        if options["ratings"]:
            try:
                frame = evaluation.load_ratings_csv(options["ratings"])
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            algorithms = chosen or evaluation.FILE_ALGORITHMS
            source = options["ratings"]
        else:
            from recommendations.interactions import (
                build_interaction_frame,
                item_categories,
                published_course_ids,
                user_interest_categories,
            )

            frame = build_interaction_frame()
            items = published_course_ids()
            frame = frame[frame["item"].isin(items) & (frame["weight"] > 0)]
            if options["protocol"] == "next":
                frame = frame[frame["timestamp"].notna()]  # enrolments, in order
            if frame.empty:
                raise CommandError(
                    "No interactions on the platform yet (try manage.py seed_demo)."
                )
            kwargs = {
                "item_ids": items,
                "item_category": item_categories(items),
                "user_interests": user_interest_categories(),
            }
            algorithms = chosen or evaluation.PLATFORM_ALGORITHMS
            source = "platform data"
        k = options["k"]
        self.stdout.write(
            f"{source}: {len(frame)} rows, {frame['user'].nunique()} users, "
            f"{frame['item'].nunique()} items; "
            + (
                "protocol next (last course per learner held out)"
                if options["protocol"] == "next"
                else f"test size {options['test_size']}, seed {options['seed']}"
            )
            + f", k {k}"
        )
        unknown = sorted(set(algorithms) - set(evaluation.ALGORITHMS))
        if unknown:
            raise CommandError(
                f"Unknown algorithm(s) {', '.join(unknown)}; choose from "
                f"{', '.join(sorted(evaluation.ALGORITHMS))}"
            )
        protocol = options["protocol"]
        try:
            if protocol == "next":
                results = evaluation.evaluate_next(
                    frame,
                    algorithms=algorithms,
                    k=k,
                    on_algorithm=lambda name: self.stderr.write(f"  {name}…"),
                    **kwargs,
                )
            else:
                results = evaluation.evaluate(
                    frame,
                    algorithms=algorithms,
                    test_size=options["test_size"],
                    seed=options["seed"],
                    k=k,
                    on_algorithm=lambda name: self.stderr.write(f"  {name}…"),
                    **kwargs,
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(evaluation.format_table(results, k=k, protocol=protocol))
        default = default_algorithm()
        self.stdout.write(f"default algorithm: {default}")
        if options["json_path"]:
            with open(options["json_path"], "w", encoding="utf-8") as fh:
                json.dump({"default": default, "algorithms": results}, fh, indent=2)
            self.stdout.write(f"written {options['json_path']}")
