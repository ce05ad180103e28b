"""The country shapes maps are drawn from, by name: Natural Earth's, in degrees (geometry.json,
made by scripts/make_geometry.py, with Crimea as a shape of its own). A map's regions name them."""

from __future__ import annotations

import functools
import json
from importlib import resources

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]


@functools.cache
def shapes() -> dict[str, list[Polygon]]:
    """Shape name (Natural Earth's country name, or 'Crimea') -> its polygons (outer ring first)."""
    data = json.loads(resources.files(__package__).joinpath("geometry.json").read_text(encoding="utf-8"))
    return {name: [[[tuple(p) for p in ring] for ring in polygon] for polygon in polygons]
            for name, polygons in data["countries"].items()}  # fmt: skip


def shape_of(actor_id: str, actor_name: str, named: dict[str, str]) -> str:
    """The shape a map draws for an actor: the one its `shapes` names, else the actor's name."""
    return named.get(actor_id, actor_name)


def ring_contains(ring: Ring, point: Point) -> bool:
    """Whether a point lies inside a ring (even-odd rule)."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[-1:] + ring[:-1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside
