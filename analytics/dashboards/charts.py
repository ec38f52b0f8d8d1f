"""Charts as data: what a page draws (Chart.js) and what its CSV export holds.

A chart is built once, from rollups, and then either serialised for the
page's `json_script` block or written as CSV, so that the two can never
disagree.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal

from django.utils.encoding import force_str


@dataclasses.dataclass
class Series:
    key: str
    label: str
    values: list
    #: Draw this series as a line over a bar chart (or "bar" on a line chart).
    kind: str = ""
    #: Put the series on the right-hand axis (percentages next to counts).
    right: bool = False


@dataclasses.dataclass
class Chart:
    key: str
    title: str
    #: What the labels are ("Day", "Lesson", "Query"): the CSV's first header.
    axis: str
    labels: list
    series: list[Series]
    kind: str = "line"
    note: str = ""
    stacked: bool = False

    @property
    def empty(self) -> bool:
        return not self.labels or not any(
            value for s in self.series for value in s.values if value is not None
        )

    def rows(self) -> list[list]:
        """The chart's table: one row per label, one column per series."""
        return [
            [_plain(label), *(_plain(s.values[i]) for s in self.series)]
            for i, label in enumerate(self.labels)
        ]

    def payload(self) -> dict:
        """What the page's script draws (numbers as JSON numbers)."""
        return {
            "kind": self.kind,
            "stacked": self.stacked,
            "labels": [force_str(_plain(label)) for label in self.labels],
            "series": [
                {
                    "key": s.key,
                    "label": force_str(s.label),
                    "kind": s.kind,
                    "right": s.right,
                    "values": [_number(v) for v in s.values],
                }
                for s in self.series
            ],
        }

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [force_str(self.axis), *(force_str(s.label) for s in self.series)]
        )
        for row in self.rows():
            writer.writerow(["" if value is None else value for value in row])
        return out.getvalue()


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float):
        return round(value, 4)
    return value


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def share(part, whole, digits: int = 1) -> float | None:
    """``part`` as a percentage of ``whole`` (None when there is no whole)."""
    if not whole:
        return None
    return round(100 * float(part) / float(whole), digits)
