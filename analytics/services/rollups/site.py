"""Site-wide community numbers and the health of questions."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from community import selectors as community_selectors

from ...models import DailySiteStat
from .frames import K, _data, _of, day_bounds


def _site_community(events: pd.DataFrame, day: dt.date) -> dict:
    threads = _of(events, K.THREAD_CREATE)
    posts = _of(events, K.POST_CREATE)
    search = _of(events, K.SEARCH)
    return {
        "thread_views": len(_of(events, K.THREAD_VIEW)),
        "threads": len(threads),
        "questions": int((_data(threads, "kind") == "question").sum()),
        "posts": len(posts),
        "answers": int((_data(posts, "kind") == "answer").sum()),
        "accepts": len(_of(events, K.ANSWER_ACCEPT)),
        "votes": len(_of(events, K.VOTE)),
        "reports": len(_of(events, K.REPORT)),
        "searches": len(search),
        "searches_empty": int((search["value"].fillna(0) <= 0).sum()),
        "rec_impressions": int(_of(events, K.REC_IMPRESSION)["value"].fillna(0).sum()),
        "wishlists": len(_of(events, K.WISHLIST)),
    }


def question_health(day: dt.date) -> dict:
    """Of the questions asked on ``day``: answered within a day, answered so far,
    minutes to the first answer (summed), accepted."""
    start, end = day_bounds(day)
    stats = {
        "questions_answered_1d": 0,
        "questions_answered": 0,
        "first_answer_minutes": 0,
        "questions_accepted": 0,
    }
    for row in community_selectors.question_stats(start=start, end=end):
        if row["accepted_post_id"]:
            stats["questions_accepted"] += 1
        answered = row["first_answer_at"]
        if answered is None:
            continue
        minutes = max(0, int((answered - row["created_at"]).total_seconds() // 60))
        stats["questions_answered"] += 1
        stats["first_answer_minutes"] += minutes
        if minutes <= 24 * 60:
            stats["questions_answered_1d"] += 1
    return stats


def community_health_settle(*, first_day: dt.date, last_day: dt.date) -> int:
    """Refresh only the question numbers of days already rolled up (answers to
    a day's questions keep coming after that day)."""
    updated = 0
    day = first_day
    while day <= last_day:
        updated += DailySiteStat.objects.filter(day=day).update(**question_health(day))
        day += dt.timedelta(days=1)
    return updated
