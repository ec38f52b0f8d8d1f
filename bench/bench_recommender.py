"""Recommender pipeline benchmark on PostgreSQL.

Generates 20,000 learners × 2,000 courses × 1,000,000 interactions
(enrolments, course views, reviews; bulk COPY through psycopg), runs one full
retrain (extract, fit, score, store, swap) and prints each stage's time and
the peak memory; then compares vectorized scoring with Surprise's predict()
loop on the same users and items.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_recs_bench \\
        .venv/bin/python bench/bench_recommender.py [--users N --courses N --rows N]
        [--algorithm ease --algorithm als --algorithm svd] [--nightly]
        [--scale 0.1] [--dense-max-items N]

Platform scale / 10 (docs/recs.md extrapolates from it): every algorithm of
the nightly task, per stage seconds and peak RSS:

    ... bench_recommender.py --scale 0.1 --nightly --no-speed-ratio

The database is created and migrated if needed; its recommendation data is
replaced on every run.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpplatform.settings")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: The platform size of issue 18 (docs/recs.md, *Platform scale*).
PLATFORM = {"users": 1_000_000, "courses": 50_000, "rows": 20_000_000}


def _status_kb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return float(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak() -> None:
    """Start a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def window_peak_mb() -> float:
    """Peak RSS since the last reset_peak() (whole-process peak elsewhere)."""
    kb = _status_kb("VmHWM")
    return kb / 1024 if kb is not None else peak_rss_mb()


class StagePeaks:
    """Peak RSS per stage of a run: wraps the run's heartbeat (stage changes)."""

    def __init__(self) -> None:
        self.peaks: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.stage: str | None = None
        self._cpu_mark = 0.0

    @staticmethod
    def _cpu_seconds() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread
        return usage.ru_utime + usage.ru_stime

    def __enter__(self) -> StagePeaks:
        from recommendations.services import training

        self._training = training
        self._original = training._heartbeat

        def heartbeat(run, *, stage: str, progress: int) -> None:
            self._switch(stage)
            self._original(run, stage=stage, progress=progress)

        training._heartbeat = heartbeat
        reset_peak()
        return self

    def _switch(self, stage: str) -> None:
        stage = {"score+store": "score_store", "score": "score_store"}.get(stage, stage)
        if stage == self.stage:
            return
        now = self._cpu_seconds()
        if self.stage is not None:
            self.peaks[self.stage] = max(
                self.peaks.get(self.stage, 0.0), window_peak_mb()
            )
            self.cpu[self.stage] = self.cpu.get(self.stage, 0.0) + now - self._cpu_mark
        reset_peak()
        self._cpu_mark = now
        self.stage = stage

    def __exit__(self, *exc) -> None:
        self._switch("done")
        self._training._heartbeat = self._original


def ensure_database() -> None:
    import environ
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (postgres://...).")
    cfg = environ.Env.db_url_config(url)
    admin = psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    exists = admin.execute(
        "SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]
    ).fetchone()
    if not exists:
        admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    admin.close()


def generate(n_users: int, n_courses: int, n_rows: int, seed: int) -> None:
    import numpy as np
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from recsdata import synthetic_interactions

    from accounts.models import User
    from courses.models import Category, Course

    signature = f"bench {n_users} {n_courses} {n_rows} {seed}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description('learning_enrollment'::regclass)")
        have = cursor.fetchone()[0]
    if have == signature:
        print(f"data already there: {signature}")
        return
    started = time.perf_counter()
    frame = synthetic_interactions(
        n_users=n_users,
        n_items=n_courses,
        n_rows=n_rows,
        n_clusters=40,
        min_per_user=10,
        seed=seed,
    )
    print(
        f"generated {len(frame):,} interactions in {time.perf_counter() - started:.1f}s"
    )
    password = make_password("bench-pass")
    with transaction.atomic():
        cat, _ = Category.objects.get_or_create(
            slug="bench", defaults={"name_zh": "基准", "name_en": "Bench"}
        )
        cats = [
            Category.objects.get_or_create(
                slug=f"bench-{n}",
                defaults={
                    "name_zh": f"基准{n}",
                    "name_en": f"Bench {n}",
                    "parent": cat,
                },
            )[0]
            for n in range(10)
        ]
        creator, _ = User.objects.get_or_create(
            email="creator@bench.kp", defaults={"role": "creator", "password": password}
        )
        User.objects.bulk_create(
            [User(email=f"u{n}@bench.kp", password=password) for n in range(n_users)],
            batch_size=5000,
            ignore_conflicts=True,
        )
        Course.objects.bulk_create(
            [
                Course(
                    creator=creator,
                    category=cats[n % 10],
                    title=f"基准课程 {n}",
                    slug=f"bench-{n}",
                    description=f"Bench course {n} 课程 {n % 37}",
                    status=Course.Status.PUBLISHED,
                )
                for n in range(n_courses)
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
    user_ids = np.array(
        User.objects.filter(email__endswith="@bench.kp")
        .exclude(email="creator@bench.kp")
        .order_by("id")
        .values_list("id", flat=True)
    )
    course_ids = np.array(
        Course.objects.filter(slug__startswith="bench-")
        .order_by("id")
        .values_list("id", flat=True)
    )[:n_courses]
    # exactly n_courses bench courses are published (a larger earlier run's
    # extra courses are drafts, outside the model)
    Course.objects.filter(slug__startswith="bench-").exclude(
        id__in=course_ids.tolist()
    ).update(status=Course.Status.DRAFT)
    Course.objects.filter(id__in=course_ids.tolist()).update(
        status=Course.Status.PUBLISHED
    )
    user_ids = user_ids[:n_users]
    u = user_ids[frame["user"].to_numpy() - 1]
    c = course_ids[frame["item"].to_numpy() - 1]
    stars = frame["rating"].to_numpy()
    kind = np.random.default_rng(seed).random(len(frame))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE learning_enrollment, courses_review, recommendations_courseview "
            "CASCADE"
        )
        # 55% enrolments, 35% course views only, 10% enrolment + review;
        # written as text blocks (one COPY each), not row by row
        enrolled = kind >= 0.35
        _copy_columns(
            cursor,
            "COPY learning_enrollment (user_id, course_id, source, is_active, "
            "created_at, revoked_reason, progress_percent) FROM STDIN",
            {
                "u": u[enrolled],
                "c": c[enrolled],
                "source": "free",
                "active": "t",
                "at": "2026-01-01T00:00:00Z",
                "revoked": "",
                "progress": 0,
            },
        )
        viewed = ~enrolled
        _copy_columns(
            cursor,
            "COPY recommendations_courseview (user_id, course_id, count, "
            "last_viewed_at) FROM STDIN",
            {"u": u[viewed], "c": c[viewed], "n": 1, "at": "2026-01-01T00:00:00Z"},
        )
        reviewed = kind >= 0.90
        _copy_columns(
            cursor,
            "COPY courses_review (course_id, user_id, rating, text, reply, "
            "is_hidden, created_at, updated_at) FROM STDIN",
            {
                "c": c[reviewed],
                "u": u[reviewed],
                "r": stars[reviewed],
                "text": "",
                "reply": "",
                "hidden": "f",
                "at": "2026-01-01T00:00:00Z",
                "at2": "2026-01-01T00:00:00Z",
            },
        )
        cursor.execute(f"COMMENT ON TABLE learning_enrollment IS '{signature}'")
        cursor.execute("ANALYZE")
    print(
        f"loaded {len(frame):,} interaction rows with COPY in "
        f"{time.perf_counter() - started:.1f}s"
    )


def _copy_columns(cursor, statement: str, columns: dict, block: int = 200_000) -> None:
    """COPY columns (arrays, or one constant) as tab-separated text blocks."""
    import numpy as np
    import pandas as pd

    n = max(len(v) for v in columns.values() if isinstance(v, np.ndarray))
    with cursor.copy(statement) as copy:
        for start in range(0, n, block):
            stop = min(start + block, n)
            frame = pd.DataFrame(
                {
                    k: (v[start:stop] if isinstance(v, np.ndarray) else v)
                    for k, v in columns.items()
                },
                index=range(stop - start),
            )
            copy.write(
                frame.to_csv(sep="\t", header=False, index=False, lineterminator="\n")
            )


def full_run(algorithm: str | None = None) -> dict:

    from recommendations import services
    from recommendations.models import Recommendation

    run = services.model_run_create(algorithm=algorithm or services.default_algorithm())
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    with StagePeaks() as stage_peaks:
        run = services.model_run_execute(run_id=run.pk)
    total = time.perf_counter() - started
    if run.status != "succeeded":
        sys.exit(f"run failed: {run.error}")
    fitted = run.metrics.get("model", run.algorithm)
    print(
        f"\nfull run #{run.pk} ({run.algorithm}"
        + (f", fitted as {fitted}" if fitted != run.algorithm else "")
        + f"): {run.n_users:,} users × {run.n_items:,} courses × "
        f"{run.n_interactions:,} interactions"
    )
    for note in ("switch", "sample"):
        if run.metrics.get(note):
            print(f"  {note}: {run.metrics[note]}")
    # wall seconds (the run's own timings), this process's CPU seconds (all
    # threads; the database server's work is not in it) and peak RSS
    print(f"  {'stage':<12} {'wall':>10} {'worker CPU':>12} {'peak RSS':>10}")
    for stage, seconds in run.timings.items():
        peak = stage_peaks.peaks.get(stage)
        cpu = stage_peaks.cpu.get(stage)
        print(
            f"  {stage:<12} {seconds:8.2f} s"
            + (f" {cpu:10.2f} s" if cpu is not None else " " * 13)
            + (f" {peak:7.0f} MB" if peak is not None else "")
        )
    print(f"  {'total':<12} {total:8.2f} s")
    print(
        f"  rows stored  {run.n_recommendations:,} "
        f"(served: {Recommendation.objects.filter(run=run).count():,})"
    )
    # (resetting the per-stage window resets the process peak too: the run's
    # peak is the largest stage peak)
    run_peak = max(stage_peaks.peaks.values(), default=peak_rss_mb())
    print(
        f"  peak RSS     {run_peak:8.0f} MB (largest stage; {rss_before:.0f} MB before)"
    )
    return {"run": run, "total": total, "peaks": dict(stage_peaks.peaks)}


def speed_ratio(n_users: int = 100) -> None:
    """Vectorized scores vs Surprise predict() for the same users × all courses."""
    import numpy as np

    from recommendations.algorithms import InteractionData, get_algorithm
    from recommendations.interactions import (
        build_interaction_frame,
        published_course_ids,
    )

    frame = build_interaction_frame()
    rated = frame[frame["stars"].notna()]
    data = InteractionData.from_frame(rated, item_ids=published_course_ids())
    print(
        f"\nvectorized vs predict(): {n_users} users × {data.n_items:,} courses "
        f"({data.n_rows:,} star ratings)"
    )
    users = np.arange(min(n_users, data.n_users))
    for name, params in (("svd", {"n_factors": 50}), ("knn_item", {})):
        model = get_algorithm(name, **params).fit(data)
        model.score(users[:2])  # warm-up (BLAS threads, lazy imports)
        vec_s = float("inf")
        for _ in range(3):  # best of three: the machine is shared
            started = time.perf_counter()
            fast = model.score(users)
            vec_s = min(vec_s, time.perf_counter() - started)
        started = time.perf_counter()
        slow = np.array(
            [
                [model.algo.predict(u, i, clip=False).est for i in range(data.n_items)]
                for u in users.tolist()
            ]
        )
        loop_s = time.perf_counter() - started
        err = float(np.max(np.abs(fast - slow)))
        print(
            f"  {name:<9} vectorized {vec_s:7.3f} s   predict() loop {loop_s:7.2f} s   "
            f"ratio {loop_s / vec_s:7.0f}×   max |diff| {err:.1e}"
        )


def full_width(n_courses: int = 50_000, n_users: int = 5_000, seed: int = 7) -> None:
    """Scoring, reasons and related courses at the full catalogue width.

    The stages that grow with users × courses (top N over every course) and
    courses² (related courses) are not linear from a 1/10 run: they are
    timed here on a sample of learners against 50,000 courses (ALS-shaped
    model with random 64-d factors, 20 Zipf-popular courses per learner),
    per 1,000 learners and per 500 courses, for docs/recs.md.
    """
    import numpy as np

    from recommendations.algorithms import InteractionData, top_n
    from recommendations.algorithms.ranking import ALS
    from recommendations.services.scale import RowBatch, recommendation_batches

    rng = np.random.default_rng(seed)
    per_user = 20
    pop = 1.0 / np.power(np.arange(1, n_courses + 1), 0.9)
    pop /= pop.sum()
    items = np.concatenate(
        [rng.choice(n_courses, per_user, replace=False, p=pop) for _ in range(n_users)]
    )
    users = np.repeat(np.arange(n_users), per_user)
    data = InteractionData(
        user_ids=np.arange(n_users, dtype=np.int64) + 1,
        item_ids=np.arange(n_courses, dtype=np.int64) + 1,
        user_index=users.astype(np.int64),
        item_index=items.astype(np.int64),
        weight=np.full(len(users), 3.0, dtype=np.float32),
        stars=np.full(len(users), np.nan),
        item_category=rng.integers(0, 40, n_courses),
        has_implicit=True,
    )
    model = ALS()
    model.data = data
    model._history = data.matrix(positive_only=True)
    model.user_factors = rng.normal(0, 0.1, (n_users, 64)).astype(np.float32)
    model.item_factors = rng.normal(0, 0.1, (n_courses, 64)).astype(np.float32)
    norms = np.linalg.norm(model.item_factors, axis=1, keepdims=True)
    model._unit = model.item_factors / np.maximum(norms, 1e-9)
    model.pair_cosine(np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64))
    print(
        f"\nfull width: {n_users:,} learners × {n_courses:,} courses "
        f"({per_user} each), 64 factors"
    )
    exclude = data.seen()
    everyone = np.arange(n_users, dtype=np.int64)
    reset_peak()
    started = time.perf_counter()
    for _chunk, _items, _scores in top_n(model, everyone, 20, exclude=exclude):
        pass
    scored = time.perf_counter() - started
    started = time.perf_counter()
    rows = 0
    for batch in recommendation_batches(
        0, model, data, {}, n=20, skip=set(), on_batch=lambda f: None
    ):
        assert isinstance(batch, RowBatch)
        text = batch.copy_text(tuple(batch.columns))
        rows += len(batch)
    with_reasons = time.perf_counter() - started
    per = 1000 / n_users
    print(f"  top 20 of {n_courses:,}        {scored * per:6.2f} s per 1,000 learners")
    print(
        f"  + reasons + COPY text  {with_reasons * per:6.2f} s per 1,000 learners "
        f"({rows:,} rows, {len(text) / len(batch):.0f} bytes a row)"
    )
    print(f"  peak RSS               {window_peak_mb():6.0f} MB")
    # "What to take next" as it is fitted above the dense limit (no EASE
    # blend): transitions from the last courses, scored against every course.
    from recommendations.algorithms import get_algorithm
    from recommendations.services.scale import _ranker

    following = get_algorithm("next", blend=0.0).fit(data)
    rankers = {"dense": top_n, "sparse": _ranker(following)}
    timed = {}
    for name, ranker in rankers.items():
        started = time.perf_counter()
        for _chunk, _items, _scores in ranker(following, everyone, 20, exclude=exclude):
            pass
        timed[name] = time.perf_counter() - started
    started = time.perf_counter()
    for batch in recommendation_batches(
        0, following, data, {}, n=20, skip=set(), on_batch=lambda f: None
    ):
        batch.copy_text(tuple(batch.columns))
    next_stored = time.perf_counter() - started
    print(
        f"  next: top 20 of {n_courses:,}  {timed['sparse'] * per:6.2f} s per 1,000 "
        f"learners (sparse transitions; dense top_n {timed['dense'] * per:.2f} s);"
        f" + reasons + COPY text {next_stored * per:6.2f} s"
    )
    sample = 1000
    model_small = ALS()
    model_small.data = data
    model_small._unit = model._unit
    started = time.perf_counter()
    # the related stage for `sample` courses against every course
    block = np.arange(sample)
    sims = model_small.item_similarity(np.arange(n_courses), block)
    np.argpartition(-sims, 10, axis=1)
    related = time.perf_counter() - started
    print(
        f"  related (cosine, top 10 of {n_courses:,}) {related / sample * 500:6.2f} s "
        "per 500 courses"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--courses", type=int, default=2_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--scale",
        type=float,
        help="a fraction of the platform size (1,000,000 learners × 50,000 "
        "courses × 20,000,000 interactions), e.g. 0.1; sets --users/--courses/"
        "--rows and scales RECOMMENDATIONS_DENSE_MAX_ITEMS the same way, so "
        "that the run fits what the full size would",
    )
    parser.add_argument(
        "--dense-max-items",
        type=int,
        help="RECOMMENDATIONS_DENSE_MAX_ITEMS for this run (default: the "
        "setting, × --scale when given)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--algorithm",
        action="append",
        help="run this algorithm (repeatable; default: the default algorithm)",
    )
    parser.add_argument(
        "--nightly",
        action="store_true",
        help="run every algorithm of the nightly task (default, experiments, "
        "rating models, next) and print the sum",
    )
    parser.add_argument(
        "--full-width",
        action="store_true",
        help="only time scoring, reasons and related courses against 50,000 "
        "courses on a sample of learners (the stages that are not linear in "
        "the size; no database)",
    )
    parser.add_argument(
        "--evaluate",
        action="store_true",
        help="compute each run's offline metrics as production does "
        "(RECOMMENDATIONS_EVALUATE_RUNS; default with --nightly)",
    )
    parser.add_argument(
        "--no-speed-ratio", action="store_true", help="skip the predict() comparison"
    )
    args = parser.parse_args()
    if args.full_width:
        import django

        django.setup()
        full_width()
        return
    if args.scale:
        args.users = round(PLATFORM["users"] * args.scale)
        args.courses = round(PLATFORM["courses"] * args.scale)
        args.rows = round(PLATFORM["rows"] * args.scale)
    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from recommendations.services import scale

    # offline metrics cost a second fit: on in production, off unless asked
    settings.RECOMMENDATIONS_EVALUATE_RUNS = args.evaluate or args.nightly
    if args.dense_max_items is not None:
        settings.RECOMMENDATIONS_DENSE_MAX_ITEMS = args.dense_max_items
    elif args.scale:
        settings.RECOMMENDATIONS_DENSE_MAX_ITEMS = round(
            scale.dense_max_items() * args.scale
        )
    print(
        f"size: {args.users:,} learners × {args.courses:,} courses × "
        f"{args.rows:,} interactions; dense models up to "
        f"{scale.dense_max_items():,} courses"
    )
    call_command("migrate", verbosity=0)
    generate(args.users, args.courses, args.rows, args.seed)
    from recommendations.models import RetrainLock

    # the bench's own database: a lock left by an interrupted bench is stale
    RetrainLock.objects.update(run=None, heartbeat_at=None)
    if args.nightly:
        from recommendations import services

        names = services.algorithms_to_train()
    else:
        names = args.algorithm or [None]
    results = [full_run(algorithm) for algorithm in names]
    if len(results) > 1:
        total = sum(r["total"] for r in results)
        peak = max(max(r["peaks"].values(), default=0.0) for r in results)
        print(f"\nall {len(results)} runs: {total:.1f} s, peak RSS {peak:.0f} MB")
    if not args.no_speed_ratio:
        speed_ratio()


if __name__ == "__main__":
    main()
