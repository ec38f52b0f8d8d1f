"""Searches per query and day (and those without results)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .frames import QUERY_LENGTH, K, _data, _of


def normalise_query(query) -> str:
    return " ".join(str(query or "").split()).casefold()[:QUERY_LENGTH]


def _search_stats(events: pd.DataFrame, day: dt.date) -> list[dict]:
    searches = _of(events, K.SEARCH)
    if searches.empty:
        return []
    frame = pd.DataFrame(
        {
            "query": _data(searches, "q").map(normalise_query),
            "scope": _data(searches, "scope").fillna("").astype(str).str[:16],
            "results": searches["value"].fillna(0),
        }
    )
    frame = frame[frame["query"] != ""]
    frame["empty"] = (frame["results"] <= 0).astype(int)
    grouped = frame.groupby(["scope", "query"]).agg(
        searches=("results", "size"), empty=("empty", "sum"), results=("results", "sum")
    )
    return [
        dict(
            day=day,
            scope=scope,
            query=query,
            searches=int(row["searches"]),
            empty=int(row["empty"]),
            results=int(row["results"]),
        )
        for (scope, query), row in grouped.iterrows()
    ]
