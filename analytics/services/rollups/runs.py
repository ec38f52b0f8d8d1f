"""Running the rollup for one day and over ranges of days."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from accounts import selectors as accounts_selectors
from courses import selectors as courses_selectors

from ...models import (
    DailyCategoryStat,
    DailyCourseStat,
    DailyLessonStat,
    DailyQuestionStat,
    DailySearchStat,
    DailySiteStat,
    DailyVideoBucket,
    Event,
    LearnerCourseDay,
    RollupRun,
    UserDay,
)
from .courses import (
    COURSE_COUNTS,
    MONEY_COUNTS,
    _category_lineage,
    _course_frame,
    _money,
    _rows_for_courses,
)
from .frames import K, _ids, _of, bulk_insert, day_bounds, load_events
from .lessons import _lesson_stats, _question_stats, _video_buckets
from .people import (
    _course_categories_for_window,
    _distinct_active,
    _first_starts,
    _learner_course_frame,
    _user_days,
    _windowed_active,
)
from .searches import _search_stats
from .site import _site_community, question_health

logger = logging.getLogger(__name__)


@transaction.atomic
def rollup_day(*, day: dt.date) -> dict:
    """Recompute every daily table for ``day``; returns a few totals."""
    events = load_events(day)
    lcd = _learner_course_frame(events)
    starts = _first_starts(day, lcd)
    money_frame, money_by_category, money_site = _money(day)
    course_frame = _course_frame(events, lcd, starts)
    course_frame = course_frame.join(money_frame, how="outer").fillna(0).astype("int64")
    facts = courses_selectors.course_facts(_ids(course_frame.index))
    parents = courses_selectors.category_parents()

    for model in (
        DailySiteStat,
        DailyCategoryStat,
        DailyCourseStat,
        DailyLessonStat,
        DailyVideoBucket,
        DailySearchStat,
        DailyQuestionStat,
        UserDay,
        LearnerCourseDay,
    ):
        model.objects.filter(day=day).delete()

    bulk_insert(UserDay, _user_days(events, day))
    bulk_insert(
        LearnerCourseDay,
        [
            dict(
                day=day,
                user_id=int(user_id),
                course_id=int(course_id),
                **{k: int(round(v)) for k, v in values.items()},
            )
            for (user_id, course_id), values in zip(
                lcd.index, lcd.to_dict("records"), strict=True
            )
        ],
    )
    bulk_insert(DailyCourseStat, _rows_for_courses(day, course_frame, facts))
    bulk_insert(DailyLessonStat, _lesson_stats(events, day))
    bulk_insert(DailyVideoBucket, _video_buckets(events, day))
    bulk_insert(DailySearchStat, _search_stats(events, day))
    bulk_insert(DailyQuestionStat, _question_stats(day))

    # Categories: a course counts in its category and in that category's parent.
    course_categories = {
        course_id: _category_lineage(fact.get("category_id"), parents)
        for course_id, fact in facts.items()
    }
    windows, site_windows = _windowed_active(
        day, _course_categories_for_window(day, course_categories, parents)
    )
    by_category: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for course_id, values in zip(
        course_frame.index, course_frame.to_dict("records"), strict=True
    ):
        for category_id in course_categories.get(int(course_id), []):
            for key in [*COURSE_COUNTS, *MONEY_COUNTS]:
                by_category[category_id][key] += int(values.get(key, 0))
    for category_id, money in money_by_category.items():
        for lineage_id in _category_lineage(category_id, parents):
            for key, amount in money.items():
                by_category[lineage_id][key] += amount
    categories = set(by_category) | set(windows["d1"]) | set(windows["d30"])
    bulk_insert(
        DailyCategoryStat,
        [
            dict(
                day=day,
                category_id=category_id,
                **{
                    key: value
                    for key, value in by_category.get(category_id, {}).items()
                    if key != "active_learners"
                },
                active_learners=windows["d1"].get(category_id, 0),
                wau=windows["d7"].get(category_id, 0),
                mau=windows["d30"].get(category_id, 0),
            )
            for category_id in sorted(categories)
            if category_id in parents
        ],
    )

    site = {key: int(course_frame[key].sum()) for key in COURSE_COUNTS}
    site.update(money_site)
    site["active_learners"] = site_windows["d1"]
    site["rec_clicks"] = len(_of(events, K.REC_CLICK))
    people = events.dropna(subset=["user_id"])
    dau = int(people["user_id"].nunique())
    start, end = day_bounds(day)
    stat = DailySiteStat.objects.create(
        day=day,
        dau=dau,
        wau=_distinct_active(day, 7),
        mau=_distinct_active(day, 30),
        signups=accounts_selectors.signups_by_day(start=start, end=end).get(day, 0),
        **site,
        **_site_community(events, day),
        **question_health(day),
    )
    return {"day": day, "events": len(events), "dau": stat.dau}


# --- Runs over ranges ----------------------------------------------------------------


def rollup_range(
    *,
    first_day: dt.date,
    last_day: dt.date,
    trigger: str = RollupRun.Trigger.SCHEDULE,
    progress: Callable[[dt.date, dict], None] | None = None,
) -> RollupRun:
    """Roll up every day from ``first_day`` to ``last_day`` in order.

    A `RollupRun` row shows the progress (each day commits on its own, so an
    interrupted backfill keeps the days it finished).
    """
    if last_day < first_day:
        raise ValueError("last_day is before first_day")
    total = (last_day - first_day).days + 1
    run = RollupRun.objects.create(
        trigger=trigger, first_day=first_day, last_day=last_day, days_total=total
    )
    started = time.monotonic()
    day = first_day
    try:
        while day <= last_day:
            summary = rollup_day(day=day)
            RollupRun.objects.filter(pk=run.pk).update(
                days_done=run.days_done + 1,
                events_read=run.events_read + summary["events"],
            )
            run.days_done += 1
            run.events_read += summary["events"]
            if progress is not None:
                progress(day, summary)
            day += dt.timedelta(days=1)
    except Exception as error:
        run.status = RollupRun.Status.FAILED
        run.error = f"{day}: {error!r}"[:2000]
        logger.exception("analytics rollup failed on %s", day)
        raise
    else:
        run.status = RollupRun.Status.DONE
    finally:
        run.finished_at = timezone.now()
        run.seconds = time.monotonic() - started
        run.save(update_fields=["status", "error", "finished_at", "seconds"])
    return run


def first_event_day() -> dt.date | None:
    return Event.objects.order_by("day").values_list("day", flat=True).first()
