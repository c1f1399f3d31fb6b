"""Where an event happened: the place the sentence attaches to it (``في <place>``), else
the article's dateline (``بيروت - ...``), geocoded from the place's actor id to a GeoNames
id, country and coordinates (``data/events/geo.tsv``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..doc import Doc, Token
from .patterns import Place
from .records import Location

#: prepositions that attach a place to an event
_AT = frozenset({"في", "ب", "داخل", "قرب", "بالقرب", "شمال", "جنوب", "شرق", "غرب", "وسط",
                 "امام"})
#: a place further than this many tokens from the trigger belongs to another clause
_NEAR = 10
_DATELINE_MARKS = frozenset("-–—:")


def geocode(entity: Any, places: Mapping[str, Place]) -> tuple[int | None, str | None,
                                                                float | None, float | None]:
    actor = getattr(entity, "actor", None)
    country = getattr(entity, "country", None)
    place = places.get(actor) if isinstance(actor, str) else None
    if place is None and country:
        place = places.get(f"country:{country}")
    if place is None:
        return None, country, None, None
    return place.geonameid, place.country or country, place.lat, place.lon


def locate(doc: Doc, tokens: Sequence[Token], trigger: int, lo: int, hi: int,
           loc_at: Mapping[int, tuple[Any, int, int]], places: Mapping[str, Place],
           skip: frozenset[str]) -> Location | None:
    """The place mention nearest to the trigger in ``tokens[lo:hi]`` that follows an
    attaching preposition; ``loc_at`` maps a token index to (entity, first, end token)
    of the LOC mention starting there; ``skip`` are entities filling a role."""
    best: tuple[int, Location] | None = None
    for i in range(max(lo, trigger - _NEAR), min(hi, trigger + _NEAR)):
        hit = loc_at.get(i)
        if hit is None:
            continue
        entity, first, _end = hit
        if entity.id in skip:
            continue
        j = first - 1
        while j >= lo and tokens[j].kind in ("article", "punct") and tokens[j].norm in (
                "ال", "«", "\""):
            j -= 1
        if j < lo or tokens[j].norm not in _AT:
            continue
        distance = abs(i - trigger)
        if best is None or distance < best[0]:
            gid, country, lat, lon = geocode(entity, places)
            start, end = tokens[first].start, tokens[_end - 1].end
            best = (distance, Location(entity.id, doc.text[start:end], start, end,
                                       "sentence", gid, country, lat, lon))
    return best[1] if best else None


def dateline(doc: Doc, tokens: Sequence[Token], loc_at: Mapping[int, tuple[Any, int, int]],
             places: Mapping[str, Place], first_token: int) -> Location | None:
    """``بيروت - ...`` / ``القاهرة (رويترز) -``: a place at the start of the body followed
    by a dash or colon within a few tokens."""
    for i in range(first_token, min(first_token + 2, len(tokens))):
        hit = loc_at.get(i)
        if hit is None:
            continue
        entity, first, end = hit
        for j in range(end, min(end + 6, len(tokens))):
            if tokens[j].norm in _DATELINE_MARKS:
                gid, country, lat, lon = geocode(entity, places)
                start, stop = tokens[first].start, tokens[end - 1].end
                return Location(entity.id, doc.text[start:stop], start, stop, "dateline",
                                gid, country, lat, lon)
            if tokens[j].kind == "word" and tokens[j - 1].norm != "(":
                break
    return None
