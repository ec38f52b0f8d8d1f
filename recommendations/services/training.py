"""Retraining: the retrain lock, model runs (extract, fit, score, store) and the swap."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterable
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.pagecache import bump_on_commit

from ..algorithms import ALGORITHMS, DEFAULT_ALGORITHM, get_algorithm
from ..algorithms.data import InteractionData
from ..content import content_neighbours
from ..interactions import (
    build_interaction_frame,
    item_categories,
    personalization_disabled_user_ids,
    published_course_ids,
    user_interest_categories,
)
from ..models import (
    ActiveRun,
    ModelRun,
    RatingFactor,
    Recommendation,
    RelatedCourse,
    RetrainLock,
    Variant,
)
from .course_views import course_views_flush
from .scale import (
    RowBatch,
    bounded_rating_data,
    model_for_size,
    recommendation_batches,
)

logger = logging.getLogger(__name__)

LOCK_NAME = "retrain"
RELATED_PER_COURSE = 10
#: Courses taken by fewer learners than this get content-based neighbours.
CONTENT_THRESHOLD = 3


def default_algorithm() -> str:
    return getattr(settings, "RECOMMENDATIONS_DEFAULT_ALGORITHM", DEFAULT_ALGORITHM)


def lock_stale_after() -> timedelta:
    return timedelta(
        seconds=getattr(settings, "RECOMMENDATIONS_LOCK_STALE_SECONDS", 30 * 60)
    )


# --- the lock ------------------------------------------------------------


def retrain_lock_acquire(*, run: ModelRun) -> bool:
    """Take the retrain lock for `run`; False while another live run holds it.

    A row lock (`select_for_update`) serialises the check-and-take; a holder
    whose heartbeat is older than RECOMMENDATIONS_LOCK_STALE_SECONDS (a
    worker killed mid-run) is taken over.
    """
    with transaction.atomic():
        try:
            RetrainLock.objects.get_or_create(name=LOCK_NAME)
        except IntegrityError:  # created by a concurrent caller: fine
            pass
        lock = RetrainLock.objects.select_for_update().get(name=LOCK_NAME)
        now = timezone.now()
        held = (
            lock.run_id is not None
            and lock.run_id != run.pk
            and lock.heartbeat_at is not None
            and lock.heartbeat_at > now - lock_stale_after()
        )
        if held:
            return False
        lock.run = run
        lock.heartbeat_at = now
        lock.save(update_fields=["run", "heartbeat_at"])
        return True


def retrain_lock_release(*, run: ModelRun) -> None:
    RetrainLock.objects.filter(name=LOCK_NAME, run=run).update(
        run=None, heartbeat_at=None
    )


def _heartbeat(run: ModelRun, *, stage: str, progress: int) -> None:
    now = timezone.now()
    ModelRun.objects.filter(pk=run.pk).update(stage=stage, progress=progress)
    RetrainLock.objects.filter(name=LOCK_NAME, run=run).update(heartbeat_at=now)
    run.stage, run.progress = stage, progress


# --- runs ----------------------------------------------------------------


def model_run_create(
    *, algorithm: str | None = None, parameters: dict | None = None, triggered_by=None
) -> ModelRun:
    algorithm = algorithm or default_algorithm()
    if algorithm not in ALGORITHMS:
        raise ValueError(f"Unknown algorithm {algorithm!r}")
    # validate the parameters now rather than in the worker, and record the
    # effective ones (defaults included) so that the run is reproducible
    model = get_algorithm(algorithm, **(parameters or {}))
    return ModelRun.objects.create(
        algorithm=algorithm,
        parameters=model.params,
        triggered_by=triggered_by,
    )


#: Rating models retrained every night: Surprise SVD and KNNWithMeans, on the
#: learners' stars and on stars plus ratings derived from behaviour. Their
#: lists are stored like any run's; SVD's parameters also give the predicted
#: rating shown on course pages.
DEFAULT_RATING_ALGORITHMS = ("svd", "svd_implicit", "knn_item", "knn_item_implicit")


def rating_algorithms() -> list[str]:
    names = getattr(
        settings, "RECOMMENDATIONS_RATING_ALGORITHMS", DEFAULT_RATING_ALGORITHMS
    )
    return [n for n in names if n in ALGORITHMS and ALGORITHMS[n].rating_model]


#: Ranking models trained every night beside the default only so that the
#: admin shows their metrics next to its own (not served unless an
#: experiment or the default names them): the blend of the default with the
#: rating models' predicted stars, adopted only if it wins.
DEFAULT_COMPARE_ALGORITHMS = ("ease_plus_stars",)


def compare_algorithms() -> list[str]:
    names = getattr(
        settings, "RECOMMENDATIONS_COMPARE_ALGORITHMS", DEFAULT_COMPARE_ALGORITHMS
    )
    return [n for n in names if n in ALGORITHMS]


def compare_at_this_size() -> bool:
    """Whether the comparison models are trained tonight: only while the
    catalogue is within `RECOMMENDATIONS_DENSE_MAX_ITEMS`. Above it each one is
    another full run of the served size (the EASE blend fitted as ALS, plus
    stars) for a figure in the admin, which would double the nightly
    (docs/recs.md, *Platform scale*); staff can still train one on demand."""
    from courses.models import Course

    from .scale import dense_max_items

    published = Course.objects.filter(status=Course.Status.PUBLISHED)
    return published.count() <= dense_max_items()


def algorithms_to_train() -> list[str]:
    """The default algorithm, the running experiment's, then the rating models
    and (below the dense limit) the comparison models."""
    names = [default_algorithm()]
    for algorithm in Variant.objects.filter(experiment__is_active=True).values_list(
        "algorithm", flat=True
    ):
        if algorithm not in names and algorithm in ALGORITHMS:
            names.append(algorithm)
    names += [n for n in rating_algorithms() if n not in names]
    if compare_at_this_size():
        names += [n for n in compare_algorithms() if n not in names]
    following = next_algorithm()
    if following and following not in names:
        names.append(following)
    return names


def next_algorithm() -> str | None:
    """The sequence model behind "what to take next" (None: not trained)."""
    name = getattr(settings, "RECOMMENDATIONS_NEXT_ALGORITHM", "next")
    return name if name in ALGORITHMS else None


def _load_data() -> tuple[InteractionData, dict]:
    """The run's data: streamed and aggregated by PostgreSQL (services.scale)."""
    from .scale import load_interactions

    return load_interactions()


def _load_data_pandas() -> tuple[InteractionData, dict]:
    """The run's data through pandas (SQLite; the reference of the SQL path)."""
    frame = build_interaction_frame()
    items = published_course_ids()
    frame = frame[frame["item"].isin(items)]
    users = np.unique(frame["user"].to_numpy()).astype(np.int64)
    categories = item_categories(items)
    data = InteractionData.from_frame(
        frame,
        user_ids=users,
        item_ids=items,
        item_category=categories,
        user_interests=user_interest_categories(),
    )
    return data, {"frame": frame, "categories": categories}


RECOMMENDATION_COLUMNS = (
    "run_id",
    "user_id",
    "course_id",
    "rank",
    "score",
    "reason",
    "reason_course_id",
    "reason_category_id",
)
RELATED_COLUMNS = ("run_id", "course_id", "related_id", "rank", "score", "source")


def _bulk_insert(model, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert many rows: COPY on PostgreSQL, batched bulk_create elsewhere."""
    count = 0
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            with cursor.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # noqa: S608
            ) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    batch: list = []
    for row in rows:
        batch.append(model(**dict(zip(columns, row, strict=True))))
        if len(batch) >= 5000:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        count += len(batch)
    return count


def store_recommendations(rows: Iterable[tuple]) -> int:
    """Write a run's rows; invisible to readers until the run is activated.

    A `RowBatch` goes to PostgreSQL as one COPY of text built column-wise.
    """
    if isinstance(rows, RowBatch) and connection.vendor == "postgresql":
        table = Recommendation._meta.db_table
        with connection.cursor() as cursor:
            with cursor.copy(
                f"COPY {table} ({', '.join(RECOMMENDATION_COLUMNS)}) FROM STDIN"  # noqa: S608
            ) as copy:
                copy.write(rows.copy_text(RECOMMENDATION_COLUMNS))
        return len(rows)
    return _bulk_insert(Recommendation, RECOMMENDATION_COLUMNS, rows)


def _fit_for_size(run: ModelRun, data: InteractionData):
    """Fit what the run's algorithm becomes at this size (services.scale).

    Returns (data, model, notes): rating models may be fitted on a bounded
    sample (then `data` is that sample); `notes` says what was fitted and
    why, for the run's metrics.
    """
    choice = model_for_size(run.algorithm, run.parameters, data.n_items)
    notes: dict = {}
    if choice.switched:
        notes = {
            "model": choice.algorithm,
            "model_parameters": choice.parameters,
            "switch": choice.switched,
        }
        logger.info("Run #%s: %s", run.pk, choice.switched)
    cls = ALGORITHMS[choice.algorithm]
    if cls.rating_model:
        data, note = bounded_rating_data(
            data, kind=getattr(cls, "ratings_kind", "explicit")
        )
        if note:
            notes["sample"] = note
            logger.info("Run #%s: %s", run.pk, note)
    model = get_algorithm(choice.algorithm, **choice.parameters).fit(data)
    return data, model, notes


def _related_rows(run: ModelRun, model, data: InteractionData) -> list[tuple]:
    rows: list[tuple] = []
    pop = data.popularity()
    item_ids = data.item_ids
    n_items = data.n_items
    if n_items < 2:
        return rows
    limit = min(RELATED_PER_COURSE, n_items - 1)
    warm = np.flatnonzero(pop >= CONTENT_THRESHOLD)
    candidates = warm
    for start in range(0, len(warm), 500):
        block = warm[start : start + 500]
        sims = np.asarray(model.item_similarity(candidates, block), dtype=np.float64)
        # the similarity of a course to itself is not a recommendation
        sims[np.arange(len(block)), np.searchsorted(candidates, block)] = -np.inf
        k = min(limit, len(candidates) - 1)
        if k <= 0:
            break
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        for row, source in enumerate(block.tolist()):
            best = part[row][np.argsort(-sims[row, part[row]], kind="stable")]
            rank = 0
            for j in best.tolist():
                if sims[row, j] > 0:
                    rank += 1
                    rows.append(
                        (
                            run.pk,
                            int(item_ids[source]),
                            int(item_ids[candidates[j]]),
                            rank,
                            float(sims[row, j]),
                            RelatedCourse.Source.BEHAVIOUR.value,
                        )
                    )
    cold = np.flatnonzero(pop < CONTENT_THRESHOLD)
    if len(cold):
        neighbours = content_neighbours(item_ids, item_ids[cold], limit=limit)
        for course_id, pairs in neighbours.items():
            for rank, (other, score) in enumerate(pairs, start=1):
                rows.append(
                    (
                        run.pk,
                        course_id,
                        other,
                        rank,
                        score,
                        RelatedCourse.Source.CONTENT.value,
                    )
                )
    return rows


FACTOR_COLUMNS = ("run_id", "kind", "object_id", "bias", "factors", "n_ratings")


def _factor_rows(run: ModelRun, model, data: InteractionData) -> Iterable[tuple]:
    raw_ids = {"user": data.user_ids, "item": data.item_ids}
    for kind, (index, bias, factors, n) in model.factor_rows().items():
        ids = raw_ids[kind][index]
        for raw, b, f, count in zip(
            ids.tolist(), bias.tolist(), factors, n.tolist(), strict=True
        ):
            yield (
                run.pk,
                kind,
                int(raw),
                float(b),
                np.ascontiguousarray(f, dtype="<f4").tobytes(),
                int(count),
            )


def _evaluate(
    data: InteractionData, run: ModelRun, frame, *, model: dict | None = None
) -> dict:
    """Offline metrics of what the run fitted, on at most
    RECOMMENDATIONS_EVALUATE_MAX_USERS learners (services.scale)."""
    from ..evaluation import evaluate
    from .scale import evaluation_sample

    if len(frame) < 20:
        return {}
    algorithm = (model or {}).get("model") or run.algorithm
    parameters = (model or {}).get("model_parameters") or run.parameters
    eval_frame = evaluation_sample(frame[frame["weight"] > 0])
    results = evaluate(
        eval_frame,
        algorithms=[algorithm],
        params={algorithm: parameters},
        item_ids=data.item_ids,
        item_category=None,
    )
    row = results[0]
    metrics = {k: v for k, v in row.items() if k not in ("algorithm", "skipped")}
    if run.algorithm in (default_algorithm(), next_algorithm()):
        # "what to take next" uses the sequence model only when it predicts
        # each learner's latest course better than the plain list does
        from ..evaluation import evaluate_next

        ordered = eval_frame[eval_frame["timestamp"].notna()]
        if ordered["user"].value_counts().gt(1).sum() >= 5:
            (nxt,) = evaluate_next(
                ordered,
                algorithms=[algorithm],
                params={algorithm: parameters},
                item_ids=data.item_ids,
            )
            metrics.update({f"next_{k}": v for k, v in nxt.items() if "@" in k})
    return metrics


def model_run_execute(
    *,
    run_id: int,
    store: Callable[[Iterable[tuple]], int] | None = None,
    evaluate: bool | None = None,
) -> ModelRun:
    """Run one retrain to the end; on any failure the previous run stays active.

    Rows are written under the new run while readers keep filtering by the
    previous active run; the `ActiveRun` pointer switches in one short
    transaction after everything is written. Safe to call twice (a finished
    run returns at once). `evaluate` (default RECOMMENDATIONS_EVALUATE_RUNS):
    whether the run also computes its offline metrics, which refit the model
    on a split (twice for the default algorithm).
    """
    run = ModelRun.objects.get(pk=run_id)
    if run.is_finished:
        return run
    if not retrain_lock_acquire(run=run):
        holder = (
            RetrainLock.objects.filter(name=LOCK_NAME)
            .values_list("run_id", flat=True)
            .first()
        )
        ModelRun.objects.filter(pk=run.pk).update(
            status=ModelRun.Status.FAILED,
            error=f"Another retrain is running (run #{holder}).",
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
        return run
    if run.status == ModelRun.Status.RUNNING:
        # A worker died in the middle of this run (its task was delivered
        # again): start over from a clean slate, so no row is written twice.
        Recommendation.objects.filter(run=run).delete()
        RelatedCourse.objects.filter(run=run).delete()
        RatingFactor.objects.filter(run=run).delete()
    store = store or store_recommendations
    timings: dict[str, float] = {}
    try:
        ModelRun.objects.filter(pk=run.pk).update(
            status=ModelRun.Status.RUNNING, started_at=timezone.now(), error=""
        )
        _heartbeat(run, stage="extract", progress=2)
        started = time.perf_counter()
        # Views still in the Redis buffer count in this run.
        course_views_flush()
        data, extra = _load_data()
        timings["extract"] = round(time.perf_counter() - started, 3)
        ModelRun.objects.filter(pk=run.pk).update(
            n_users=data.n_users, n_items=data.n_items, n_interactions=data.n_rows
        )

        if data.n_rows == 0 or data.n_items == 0:
            raise ValueError(
                "No interactions with published courses yet: nothing to train on."
            )
        _heartbeat(run, stage="fit", progress=10)
        started = time.perf_counter()
        data, model, notes = _fit_for_size(run, data)
        timings["fit"] = round(time.perf_counter() - started, 3)

        _heartbeat(run, stage="score", progress=25)
        n = int(getattr(settings, "RECOMMENDATIONS_TOP_N", 20))
        last = [time.perf_counter()]

        def on_batch(fraction: float) -> None:
            if time.perf_counter() - last[0] > 1.0 or fraction >= 1.0:
                last[0] = time.perf_counter()
                _heartbeat(run, stage="score+store", progress=25 + int(55 * fraction))

        started = time.perf_counter()
        written = 0
        for rows in recommendation_batches(
            run.pk,
            model,
            data,
            extra["categories"],
            n=n,
            skip=personalization_disabled_user_ids(),
            on_batch=on_batch,
        ):
            written += store(rows)
        timings["score_store"] = round(time.perf_counter() - started, 3)

        _heartbeat(run, stage="related", progress=82)
        started = time.perf_counter()
        _bulk_insert(RelatedCourse, RELATED_COLUMNS, _related_rows(run, model, data))
        timings["related"] = round(time.perf_counter() - started, 3)

        if hasattr(model, "factor_rows"):
            _heartbeat(run, stage="parameters", progress=86)
            started = time.perf_counter()
            _bulk_insert(RatingFactor, FACTOR_COLUMNS, _factor_rows(run, model, data))
            timings["parameters"] = round(time.perf_counter() - started, 3)

        metrics = {}
        if evaluate is None:
            evaluate = getattr(settings, "RECOMMENDATIONS_EVALUATE_RUNS", True)
        if evaluate:
            _heartbeat(run, stage="evaluate", progress=90)
            started = time.perf_counter()
            metrics = _evaluate(data, run, extra["frame"], model=notes)
            timings["evaluate"] = round(time.perf_counter() - started, 3)

        metrics.update({k: v for k, v in notes.items() if v})
        if model.rating_model:
            # what the stored parameters need to reproduce algo.predict()
            metrics["global_mean"] = float(model.global_mean)
        if hasattr(model, "learned_metrics"):
            metrics.update(model.learned_metrics())
        _heartbeat(run, stage="swap", progress=98)
        model_run_activate(run=run, written=written, timings=timings, metrics=metrics)
    except Exception as exc:
        logger.exception("Recommendation run #%s failed", run.pk)
        ModelRun.objects.filter(pk=run.pk).update(
            status=ModelRun.Status.FAILED,
            error="".join(traceback.format_exception_only(type(exc), exc)).strip()
            + "\n\n"
            + traceback.format_exc()[-4000:],
            timings=timings,
            finished_at=timezone.now(),
        )
    finally:
        retrain_lock_release(run=run)
    run.refresh_from_db()
    if run.status == ModelRun.Status.SUCCEEDED:
        model_runs_prune()
    return run


@transaction.atomic
def model_run_activate(
    *, run: ModelRun, written: int, timings: dict, metrics: dict
) -> None:
    """Switch readers to `run` at once: one pointer update in one transaction."""
    ActiveRun.objects.update_or_create(algorithm=run.algorithm, defaults={"run": run})
    ModelRun.objects.filter(pk=run.pk).update(
        status=ModelRun.Status.SUCCEEDED,
        stage="done",
        progress=100,
        n_recommendations=written,
        timings=timings,
        metrics=metrics,
        finished_at=timezone.now(),
    )
    # The pointer's save bumped already; the metrics pick the rating model
    # (selectors.prediction_run keeps its choice under this group).
    bump_on_commit("recommendations")


def model_runs_prune(*, keep: int | None = None) -> int:
    """Delete the rows of old runs; keep the newest `keep` succeeded ones per algorithm.

    The runs themselves stay (their figures are the history); active runs
    and runs still going are never touched. A run that is still "running"
    long after the lock went stale (its worker was killed) is marked failed.
    """
    keep = keep or int(getattr(settings, "RECOMMENDATIONS_KEEP_RUNS", 3))
    stale = timezone.now() - lock_stale_after()
    ModelRun.objects.filter(
        status=ModelRun.Status.RUNNING, started_at__lt=stale
    ).exclude(
        pk__in=RetrainLock.objects.filter(run__isnull=False).values("run_id")
    ).update(
        status=ModelRun.Status.FAILED,
        error="The worker stopped before the run finished.",
        finished_at=timezone.now(),
    )
    active = set(ActiveRun.objects.values_list("run_id", flat=True))
    drop: list[int] = []
    for algorithm in ModelRun.objects.values_list("algorithm", flat=True).distinct():
        succeeded = list(
            ModelRun.objects.filter(
                algorithm=algorithm, status=ModelRun.Status.SUCCEEDED
            ).values_list("pk", flat=True)
        )  # newest first (Meta.ordering)
        drop += [pk for pk in succeeded[keep:] if pk not in active]
    drop += list(
        ModelRun.objects.filter(status=ModelRun.Status.FAILED).values_list(
            "pk", flat=True
        )
    )
    drop = [pk for pk in drop if pk not in active]
    if not drop:
        return 0
    deleted, _ = Recommendation.objects.filter(run_id__in=drop).delete()
    RelatedCourse.objects.filter(run_id__in=drop).delete()
    RatingFactor.objects.filter(run_id__in=drop).delete()
    return deleted
