"""The timeline overview's geometry: every event on one axis, in date order, labels that do not
run into each other, and a tick for each new year."""

from __future__ import annotations

from factsite.content.fields import parse_date_span
from factsite.plan.overview import SIDE, WIDTH, _width, timeline_overview
from factsite.plan.views import EventView, date_view


def event(event_id: str, iso: str, key: str = "") -> EventView:
    span = parse_date_span(iso)
    start = date_view(span.start)
    assert start is not None
    return EventView(event_id, start, None, iso, span.year, event_id.title(), "", (), (), (), (), f"#{event_id}", key)


def test_the_axis_runs_from_the_first_event_to_the_last_in_date_order() -> None:
    overview = timeline_overview([event("a", "2013-11-21"), event("b", "2018-04-30"), event("c", "2022-01-26")])
    assert overview is not None
    xs = [mark.x for mark in overview.marks]
    assert xs[0] == SIDE and xs[-1] == WIDTH - SIDE and xs == sorted(xs)
    assert [tick.year for tick in overview.ticks] == list(range(2014, 2023))


def test_labels_close_together_go_on_separate_rows() -> None:
    events = [event(f"e{n}", f"2022-01-{10 + n}", key=f"Key moment {n}") for n in range(4)]
    overview = timeline_overview([event("start", "2014-01-01"), *events])
    assert overview is not None
    placed = [(mark.label_y, mark.x, _width(mark.label)) for mark in overview.marks if mark.label]
    for index, (y, x, width) in enumerate(placed):
        for other_y, other_x, other_width in placed[index + 1 :]:
            assert y != other_y or abs(x - other_x) > max(width, other_width)
    assert all(0 < mark.label_y < overview.axis_y for mark in overview.marks if mark.label)


def test_one_date_draws_no_overview() -> None:
    assert timeline_overview([event("a", "2022-01-24"), event("b", "2022-01-24")]) is None
