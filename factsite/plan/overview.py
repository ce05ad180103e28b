"""The timeline's overview: an axis from the first event to the last, a mark per event, its key
moments labelled, and the years. Positions are worked out here so the template only draws."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from .views import EventView

WIDTH = 960
"""The drawing's width in its own units (it scales to the page)."""
SIDE = 40
"""Room left and right of the axis."""
ROW = 16
"""Height of a row of labels."""
CHARACTER = 6.6
"""The width of an average character of a 12-unit label, to keep labels from overlapping."""


@dataclass(frozen=True, slots=True)
class YearTick:
    year: int
    x: int


@dataclass(frozen=True, slots=True)
class OverviewMark:
    event_id: str
    x: int
    title: str
    """What the mark stands for, as a tooltip: the event's date and title."""
    label: str
    """Its key-moment label, or ''."""
    label_y: int
    anchor: str
    """Where the label sits against the mark: 'start' (to its right) or 'end' (to its left)."""


@dataclass(frozen=True, slots=True)
class Overview:
    height: int
    axis_y: int
    ticks: tuple[YearTick, ...]
    marks: tuple[OverviewMark, ...]
    width: int = WIDTH


def timeline_overview(events: Sequence[EventView]) -> Overview | None:
    """The overview of `events` (in date order), or None for fewer than two distinct dates."""
    days = [_day(event.start.iso) for event in events]
    if len(set(days)) < 2:
        return None
    first, last = min(days), max(days)

    def x_of(day: int) -> int:
        return round(SIDE + (WIDTH - 2 * SIDE) * (day - first) / (last - first))

    rows = _label_rows([(x_of(day), event.key_moment) for day, event in zip(days, events, strict=True)])
    axis_y = 14 + ROW * (max(rows, default=-1) + 1) + 8
    marks = []
    for day, event, row in zip(days, events, rows, strict=True):
        x = x_of(day)
        anchor = "end" if x > WIDTH - SIDE - _width(event.key_moment) else "start"
        label_y = 14 + ROW * row if event.key_moment else 0
        marks.append(OverviewMark(event.id, x, f"{event.date_text}: {event.title}", event.key_moment, label_y, anchor))
    start_year = datetime.date.fromordinal(first).year
    end_year = datetime.date.fromordinal(last).year
    ticks = tuple(
        YearTick(year, x_of(datetime.date(year, 1, 1).toordinal())) for year in range(start_year + 1, end_year + 1)
    )
    return Overview(axis_y + 30, axis_y, ticks, tuple(marks))


def _label_rows(labelled: list[tuple[float, str]]) -> list[int]:
    """A row for each label, the first where it does not run into the one before it (-1 where
    there is no label)."""
    ends: list[float] = []
    rows = []
    for x, label in labelled:
        if not label:
            rows.append(-1)
            continue
        left = x - _width(label) if x > WIDTH - SIDE - _width(label) else x
        row = next((n for n, end in enumerate(ends) if left > end + 8), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = max(left + _width(label), x)
        rows.append(row)
    return rows


def _width(label: str) -> float:
    return len(label) * CHARACTER + 6


def _day(iso: str) -> int:
    """A date written YYYY, YYYY-MM or YYYY-MM-DD, as a day number (its first day)."""
    parts = [int(part) for part in iso.split("-")] + [1, 1]
    return datetime.date(parts[0], parts[1], parts[2]).toordinal()
