"""Build ``static/world.json`` (country outlines for the map) from world-atlas's
``countries-110m.json`` (TopoJSON of Natural Earth 1:110m, public domain; world-atlas is
ISC-licensed). Run once by a maintainer; the result ships with the package so the map
needs no network:

    npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    python -m marsad.server.build_world package/countries-110m.json

Output: ``[{"id": ISO numeric, "name": ..., "d": SVG path}]`` in an equirectangular
projection with x = longitude + 180 and y = 90 - latitude (viewBox 0 0 360 180)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def _ring(arcs: list[list[tuple[float, float]]], ids: list[int]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in ids:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(arc[1:] if pts else arc)
    return pts


def _path(rings: list[list[tuple[float, float]]]) -> str:
    parts = []
    for ring in rings:
        # a ring across the antimeridian (Fiji, Russia) is cut into pieces there
        pieces: list[list[str]] = [[]]
        last: tuple[float, float] | None = None
        for lon, lat in ring:
            p = (round(lon + 180, 1), round(90 - lat, 1))
            if p == last:
                continue
            if last is not None and abs(p[0] - last[0]) > 180:
                pieces.append([])
            pieces[-1].append(f"{p[0]:g},{p[1]:g}")
            last = p
        closed = len(pieces) == 1
        for coords in pieces:
            if len(coords) >= 3:
                parts.append("M" + "L".join(coords) + ("Z" if closed else ""))
    return "".join(parts)


def build(topo: dict[str, Any]) -> list[dict[str, Any]]:
    arcs = _arcs(topo)
    out = []
    for geom in topo["objects"]["countries"]["geometries"]:
        polys = geom.get("arcs") or []
        if geom["type"] == "Polygon":
            polys = [polys]
        rings = [_ring(arcs, r) for poly in polys for r in poly]
        out.append({"id": geom.get("id"), "name": (geom.get("properties") or {}).get("name"),
                    "d": _path(rings)})
    return out


def main(argv: list[str]) -> int:
    topo = json.loads(Path(argv[0]).read_text("utf-8"))
    target = Path(__file__).parent / "static" / "world.json"
    target.write_text(json.dumps(build(topo), separators=(",", ":")), "utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
