"""Writes factsite/content/geometry.json, the country shapes maps are drawn from: Natural Earth's
1:50m admin-0 countries (public domain; version 4.1.0 as npm's world-atlas 2.0.2 packages them
as TopoJSON, `npm ci` installs it), kept to Europe and its neighbours, in degrees rounded to
0.01, points closer than 0.05 degrees to the last one kept left out (a map of Europe a page wide
has about 0.04 degrees a pixel).

Natural Earth 4.1.0 draws Crimea as one of Russia's polygons. The explainer does not: Crimea is
written as a shape of its own ("Crimea"), and Russia without it. Run: python scripts/make_geometry.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from factsite.content.shapes import ring_contains  # noqa: E402
from factsite.plan.geometry import clipped  # noqa: E402

SOURCE = REPO / "node_modules" / "world-atlas" / "countries-50m.json"
TARGET = REPO / "factsite" / "content" / "geometry.json"
AREA = (-12.0, 34.0, 50.0, 72.0)
"""West, south, east, north: rings with no point in here are left out."""
IN_CRIMEA = (34.1, 45.3)
"""A point inside the peninsula (Simferopol lies at about 34.1 E, 44.95 N)."""

Ring = list[tuple[float, float]]


def decode(topology: dict) -> dict[str, list[list[Ring]]]:
    """Country name -> polygons (each an outer ring, then holes), in degrees."""
    (scale_x, scale_y), (move_x, move_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for step_x, step_y in arc:
            x, y = x + step_x, y + step_y
            points.append((round(x * scale_x + move_x, 2), round(y * scale_y + move_y, 2)))
        arcs.append(points)

    def ring(indexes: list[int]) -> Ring:
        points: Ring = []
        for index in indexes:
            part = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(part if not points else part[1:])
        return points

    countries = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        shapes = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry.get("arcs", [])
        countries[geometry["properties"]["name"]] = [[ring(r) for r in shape] for shape in shapes]
    return countries


SPACING = 0.05


def thinned(ring: Ring) -> Ring:
    """The ring without points closer than SPACING to the previous point kept (it stays closed)."""
    ring = [*ring, ring[0]] if ring and ring[0] != ring[-1] else ring
    kept = [ring[0]]
    for x, y in ring[1:-1]:
        if abs(x - kept[-1][0]) + abs(y - kept[-1][1]) >= SPACING:
            kept.append((x, y))
    return [*kept, ring[-1]]


def in_area(ring: Ring) -> bool:
    west, south, east, north = AREA
    return any(west <= x <= east and south <= y <= north for x, y in ring)


def main() -> None:
    countries = decode(json.loads(SOURCE.read_text()))
    russia = countries["Russia"]
    crimea = [polygon for polygon in russia if ring_contains(polygon[0], IN_CRIMEA)]
    assert len(crimea) == 1, "Crimea should be one of Russia's polygons in Natural Earth 4.1.0"
    countries["Russia"] = [polygon for polygon in russia if polygon is not crimea[0]]
    countries["Crimea"] = crimea
    kept = {}
    for name, polygons in sorted(countries.items()):
        near = []
        for polygon in polygons:
            rings = [thinned(clipped(ring, *AREA)) for ring in polygon if in_area(ring)]
            if rings and len(rings[0]) >= 4:
                near.append(rings)
        if near:
            kept[name] = near
    note = (
        "Natural Earth 1:50m admin-0 countries (public domain), version 4.1.0 via npm world-atlas 2.0.2, "
        "kept to Europe and its neighbours, thinned; Crimea as a shape of its own. Made by scripts/make_geometry.py."
    )
    TARGET.write_text(json.dumps({"note": note, "countries": kept}, separators=(",", ":")) + "\n")
    print(f"wrote {TARGET} ({TARGET.stat().st_size:,} bytes, {len(kept)} shapes)")


if __name__ == "__main__":
    main()
