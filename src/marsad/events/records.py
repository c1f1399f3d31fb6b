"""Event records: who did what to whom, when and where, with the words that say so."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Role:
    """A source or target: the entity it resolved to (``None`` for an actor that is no
    entity) and the words of the text that filled it. ``how`` says how it was found
    (``subject-before``, ``subject-after``, ``genitive``, ``prep:ب``, ``object``,
    ``speaker``, ``main-clause``, ``agent``, ``anaphor:بلاده``, ``coordinated``, ...)."""

    entity: str | None
    text: str
    start: int | None
    end: int | None
    how: str = ""

    def to_json(self) -> Json:
        return {"entity": self.entity, "text": self.text, "start": self.start,
                "end": self.end, "how": self.how}


@dataclass(frozen=True, slots=True)
class Trigger:
    start: int
    end: int
    text: str

    def to_json(self) -> Json:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Location:
    """Where the event took place, geocoded like GDELT's ActionGeo fields."""

    entity: str | None
    text: str
    start: int | None
    end: int | None
    #: ``sentence`` (a place the sentence attaches to the event) or ``dateline``
    source: str
    geonameid: int | None
    country: str | None
    lat: float | None
    lon: float | None

    def to_json(self) -> Json:
        return {"entity": self.entity, "text": self.text, "start": self.start,
                "end": self.end, "source": self.source, "geonameid": self.geonameid,
                "country": self.country, "lat": self.lat, "lon": self.lon}


@dataclass(frozen=True, slots=True)
class Event:
    """One coded event. ``mentions`` are the triggers of every telling of the same event
    in the article (headline and body); ``trigger`` is the first."""

    id: str
    source: Role
    target: Role | None
    cameo: str
    cameo_root: str
    label: str
    quad_class: int
    goldstein: float | None
    plover: tuple[str | None, str | None, str | None]
    trigger: Trigger
    sentence: int
    negated: bool
    modality: str
    reported_by: Role | None
    date: str | None
    date_text: str | None
    location: Location | None
    pattern: str
    confidence: float
    mentions: tuple[Trigger, ...] = ()

    def to_json(self) -> Json:
        event, mode, context = self.plover
        return {
            "id": self.id,
            "source": self.source.to_json(),
            "target": self.target.to_json() if self.target else None,
            "cameo": self.cameo,
            "cameo_root": self.cameo_root,
            "label": self.label,
            "quad_class": self.quad_class,
            "goldstein": self.goldstein,
            "plover": {"event": event, "mode": mode, "context": context},
            "trigger": self.trigger.to_json(),
            "sentence": self.sentence,
            "negated": self.negated,
            "modality": self.modality,
            "reported_by": self.reported_by.to_json() if self.reported_by else None,
            "date": self.date,
            "date_text": self.date_text,
            "location": self.location.to_json() if self.location else None,
            "pattern": self.pattern,
            "confidence": round(self.confidence, 3),
            "mentions": [m.to_json() for m in self.mentions],
        }
