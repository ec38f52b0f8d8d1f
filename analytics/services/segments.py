"""Cluster the learners active in the last 90 days into named segments.

Behaviour features come from the rollups (`UserDay`, `LearnerCourseDay`) and
purchases from the raw events of the last 90 days. k-means on standardised,
log-scaled features; each cluster gets the name of the closest profile in
`analytics.segments` (one profile per cluster, Hungarian matching), so that
names and movement stay comparable from run to run.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from .. import segments as catalogue
from ..models import (
    Event,
    LearnerCourseDay,
    Segment,
    SegmentMembership,
    SegmentRun,
    UserDay,
)

logger = logging.getLogger(__name__)

WINDOW_DAYS = 28
LOOKBACK_DAYS = 90
MIN_LEARNERS = 30
KEEP_MEMBERSHIP_RUNS = 8
LOG_FEATURES = {"study_minutes", "lessons_completed", "community_actions", "purchases"}


class TooFewLearners(ValueError):
    pass


def learner_features(*, day: dt.date) -> pd.DataFrame:
    """One row per learner active in the 90 days up to ``day`` (raw units)."""
    recent = day - dt.timedelta(days=WINDOW_DAYS - 1)
    lookback = day - dt.timedelta(days=LOOKBACK_DAYS - 1)
    last_seen = dict(
        UserDay.objects.filter(day__gte=lookback, day__lte=day)
        .values("user_id")
        .annotate(last=Max("day"))
        .values_list("user_id", "last")
    )
    if not last_seen:
        return pd.DataFrame(columns=catalogue.FEATURES)
    frame = pd.DataFrame(index=pd.Index(sorted(last_seen), name="user_id"))
    frame["days_since_active"] = [(day - last_seen[u]).days for u in frame.index]
    window = UserDay.objects.filter(day__gte=recent, day__lte=day)
    per_user = {
        row["user_id"]: row
        for row in window.values("user_id").annotate(
            seconds=Sum("study_seconds"), community=Sum("community")
        )
    }
    frame["study_minutes"] = [
        (per_user.get(u, {}).get("seconds") or 0) / 60 for u in frame.index
    ]
    frame["community_actions"] = [
        per_user.get(u, {}).get("community") or 0 for u in frame.index
    ]
    learned = pd.DataFrame.from_records(
        list(window.filter(learned=True).values_list("user_id", "day")),
        columns=["user_id", "day"],
    )
    learned["week"] = learned["day"].map(lambda d: (day - d).days // 7)
    frame["active_days"] = (
        learned.groupby("user_id").size().reindex(frame.index).fillna(0)
    )
    frame["active_weeks"] = (
        learned.groupby("user_id")["week"].nunique().reindex(frame.index).fillna(0)
    )
    courses = {
        row["user_id"]: row
        for row in LearnerCourseDay.objects.filter(day__gte=recent, day__lte=day)
        .values("user_id")
        .annotate(
            lessons=Sum("lessons_completed"),
            attempts=Sum("quiz_attempts"),
            score=Sum("quiz_score_sum"),
        )
    }
    frame["lessons_completed"] = [
        courses.get(u, {}).get("lessons") or 0 for u in frame.index
    ]
    frame["quiz_score"] = [
        (courses[u]["score"] / courses[u]["attempts"])
        if u in courses and courses[u]["attempts"]
        else np.nan
        for u in frame.index
    ]
    purchases = dict(
        Event.objects.filter(kind=Event.Kind.PURCHASE, day__gte=lookback, day__lte=day)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    frame["purchases"] = [purchases.get(u, 0) for u in frame.index]
    return frame[list(catalogue.FEATURES)].astype(float)


def _standardise(frame: pd.DataFrame) -> pd.DataFrame:
    scaled = frame.copy()
    for column in LOG_FEATURES:
        scaled[column] = np.log1p(scaled[column].clip(lower=0))
    scaled["quiz_score"] = scaled["quiz_score"].fillna(scaled["quiz_score"].mean())
    scaled = scaled.fillna(0)
    spread = scaled.std(ddof=0).replace(0, 1)
    return (scaled - scaled.mean()) / spread


def name_clusters(centres: np.ndarray) -> list[str]:
    """The profile key of each cluster centre (each profile used at most once)."""
    prototypes = np.array([p.centre for p in catalogue.PROFILES])
    cost = ((centres[:, None, :] - prototypes[None, :, :]) ** 2).sum(axis=2)
    rows, cols = linear_sum_assignment(cost)
    names = [""] * len(centres)
    for row, col in zip(rows, cols, strict=True):
        names[row] = catalogue.PROFILES[col].key
    return names


def segments_run_execute(*, day: dt.date | None = None, seed: int = 0) -> SegmentRun:
    day = day or timezone.localdate()
    run = SegmentRun.objects.create(day=day, features=list(catalogue.FEATURES))
    started = time.monotonic()
    try:
        _execute(run, day, seed)
    except TooFewLearners as error:
        run.status = SegmentRun.Status.FAILED
        run.error = str(error)
    except Exception as error:
        logger.exception("segmentation failed")
        run.status = SegmentRun.Status.FAILED
        run.error = repr(error)[:2000]
    else:
        run.status = SegmentRun.Status.DONE
    run.seconds = time.monotonic() - started
    run.save()
    return run


def _execute(run: SegmentRun, day: dt.date, seed: int) -> None:
    raw = learner_features(day=day)
    if len(raw) < MIN_LEARNERS:
        raise TooFewLearners(
            f"{len(raw)} learners active in the last {LOOKBACK_DAYS} days; "
            f"at least {MIN_LEARNERS} are needed"
        )
    scaled = _standardise(raw)
    k = min(len(catalogue.PROFILES), max(2, len(raw) // 10))
    model = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(scaled.to_numpy())
    names = name_clusters(model.cluster_centers_)
    labels = model.labels_
    sample = min(len(raw), 5000)
    run.silhouette = float(
        silhouette_score(
            scaled.to_numpy(), labels, sample_size=sample, random_state=seed
        )
    )
    run.learners = len(raw)
    run.clusters = k
    previous = (
        SegmentRun.objects.filter(status=SegmentRun.Status.DONE)
        .exclude(pk=run.pk)
        .order_by("-created_at", "-id")
        .first()
    )
    with transaction.atomic():
        segments = {}
        for index, key in enumerate(names):
            members = raw[labels == index]
            segments[index] = Segment.objects.create(
                run=run,
                key=key,
                size=len(members),
                profile={
                    column: None if pd.isna(value) else round(float(value), 2)
                    for column, value in members.mean().items()
                },
            )
        SegmentMembership.objects.bulk_create(
            [
                SegmentMembership(
                    run=run, user_id=int(user_id), segment=segments[label]
                )
                for user_id, label in zip(raw.index, labels, strict=True)
            ],
            batch_size=5000,
        )
        run.movement = _movement(
            previous, run, dict(zip(raw.index, labels, strict=True)), names
        )
        old = SegmentRun.objects.order_by("-created_at", "-id")[KEEP_MEMBERSHIP_RUNS:]
        SegmentMembership.objects.filter(
            run__in=list(old.values_list("pk", flat=True))
        ).delete()


def _movement(previous, run, labels: dict, names: list[str]) -> dict:
    if previous is None:
        return {}
    moves: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    before = dict(
        SegmentMembership.objects.filter(run=previous).values_list(
            "user_id", "segment__key"
        )
    )
    for user_id, label in labels.items():
        moves[before.get(int(user_id), "new")][names[label]] += 1
    now = set(labels)
    for user_id, key in before.items():
        if user_id not in now:
            moves[key]["inactive"] += 1
    return {source: dict(targets) for source, targets in moves.items()}
