"""Country shapes (content.shapes) cut to a map's frame, projected and written as SVG path data."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from ..content.shapes import Point, Polygon, Ring


def clipped(ring: Ring, west: float, south: float, east: float, north: float) -> Ring:
    """The part of a ring inside a box (Sutherland-Hodgman: edges along the box where it was cut,
    which a filled shape does not show)."""
    points = ring
    for axis, bound, keep_above in ((0, west, True), (0, east, False), (1, south, True), (1, north, False)):
        kept: Ring = []
        for previous, point in zip(points[-1:] + points[:-1], points, strict=True):
            inside = (point[axis] >= bound) == keep_above or point[axis] == bound
            was_inside = (previous[axis] >= bound) == keep_above or previous[axis] == bound
            if inside != was_inside:
                kept.append(_crossing(previous, point, axis, bound))
            if inside:
                kept.append(point)
        points = kept
    return points


def _crossing(a: Point, b: Point, axis: int, bound: float) -> Point:
    """Where the segment a-b meets the line `axis` = `bound`."""
    t = (bound - a[axis]) / (b[axis] - a[axis])
    other = 1 - axis
    value = a[other] + (b[other] - a[other]) * t
    return (bound, value) if axis == 0 else (value, bound)


@dataclass(frozen=True)
class Frame:
    """What a map shows (west, south, east, north, in degrees) and how: an equirectangular
    projection, its x scaled by the cosine of the middle latitude so shapes keep their proportions
    there, `width` units wide."""

    west: float
    south: float
    east: float
    north: float
    width: int = 720

    @property
    def height(self) -> int:
        return round((self.north - self.south) * self.width / (self.east - self.west) / self._squeeze)

    @property
    def _squeeze(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    def project(self, point: Point) -> tuple[float, float]:
        x = (point[0] - self.west) * self.width / (self.east - self.west)
        y = (self.north - point[1]) * self.width / (self.east - self.west) / self._squeeze
        return x, y

    def path(self, polygons: Iterable[Polygon]) -> str:
        """SVG path data of the polygons' parts inside the frame ('' if none), to the unit."""
        parts = []
        for polygon in polygons:
            for ring in polygon:
                inside = clipped(ring, self.west, self.south, self.east, self.north)
                if len(inside) < 3:
                    continue
                points = _distinct([self.project(point) for point in inside])
                if len(points) >= 3:
                    steps = " ".join(f"{x - a} {y - b}" for (a, b), (x, y) in zip(points, points[1:], strict=False))
                    # Relative steps, and no space before a minus sign: a third shorter than absolute points.
                    parts.append(f"M{points[0][0]} {points[0][1]}l{steps}z".replace(" -", "-"))
        return "".join(parts)


def _distinct(points: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Points to the nearest unit, each at least SPACING units from the one before (a map is
    shown at most about as many pixels wide as it has units: closer points draw nothing a reader
    could see)."""
    kept: list[tuple[int, int]] = []
    for x, y in points:
        point = (round(x), round(y))
        if not kept or abs(point[0] - kept[-1][0]) + abs(point[1] - kept[-1][1]) >= SPACING:
            kept.append(point)
    return kept


SPACING = 2
