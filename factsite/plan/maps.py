"""A map's view: its regions drawn from their actors' shapes, coloured by category, each a link to
the actor's page; every other shape in its frame drawn grey for context; and the same in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..content.model import Map
from ..content.shapes import shape_of, shapes
from .geometry import Frame

if TYPE_CHECKING:
    from .views import ActorRef, SourceView

MARGIN = 1.0
"""Degrees around the regions, where a map does not give its area."""


@dataclass(frozen=True, slots=True)
class MapRegionView:
    actor: ActorRef
    category: str
    """The legend label of its category."""
    colour: int
    """Its category's place in the legend, from 1: the stylesheet colours `map-colour-<n>`."""
    path: str


@dataclass(frozen=True, slots=True)
class MapCategoryView:
    label: str
    colour: int
    regions: tuple[ActorRef, ...]


@dataclass(frozen=True, slots=True)
class MapView:
    id: str
    title: str
    description: str
    width: int
    height: int
    context: str
    """Path data of every other shape in the frame (drawn grey, not links)."""
    regions: tuple[MapRegionView, ...]
    categories: tuple[MapCategoryView, ...]
    sources: tuple[SourceView, ...]
    note: str


def map_view(drawn: Map, refs: dict[str, ActorRef], sources: dict[str, SourceView]) -> MapView:
    named = dict(drawn.shapes)
    colours = {category: number for number, (category, _) in enumerate(drawn.categories, start=1)}
    labels = dict(drawn.categories)
    shape_names = {actor_id: shape_of(actor_id, refs[actor_id].name, named) for actor_id, _ in drawn.regions}
    frame = Frame(*(drawn.area or _around([shape_names[actor_id] for actor_id, _ in drawn.regions])))
    regions = tuple(
        MapRegionView(refs[actor_id], labels[category], colours[category], frame.path(shapes()[shape_names[actor_id]]))
        for actor_id, category in drawn.regions
    )
    drawn_shapes = set(shape_names.values())
    context = "".join(frame.path(polygons) for name, polygons in sorted(shapes().items()) if name not in drawn_shapes)
    categories = tuple(
        MapCategoryView(label, colours[category], tuple(refs[a] for a, c in drawn.regions if c == category))
        for category, label in drawn.categories
    )
    return MapView(
        id=drawn.id,
        title=drawn.title,
        description=drawn.description,
        width=frame.width,
        height=frame.height,
        context=context,
        regions=regions,
        categories=categories,
        sources=tuple(sources[source_id] for source_id in drawn.sources),
        note=drawn.note,
    )


def _around(names: list[str]) -> tuple[float, float, float, float]:
    points = [point for name in names for polygon in shapes()[name] for point in polygon[0]]
    west, east = min(x for x, _ in points), max(x for x, _ in points)
    south, north = min(y for _, y in points), max(y for _, y in points)
    return west - MARGIN, south - MARGIN, east + MARGIN, north + MARGIN
