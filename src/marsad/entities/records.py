"""Entity records: one entity per real-world actor in the document, with its mentions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Entity:
    """``type`` is PER, ORG, LOC, MISC, or GRP (an actor the text identifies without a
    name). ``code`` is the CAMEO actor code valid at the article's date; ``actor`` the id
    of the dictionary entry it resolved to; ``refers_to`` the named holder of a role
    (``الرئيس الإيراني`` -> ``حسن روحاني``) when the text does not name them."""

    id: str
    type: str
    name: str
    mentions: tuple[Mention, ...]
    name_en: str | None = None
    code: str | None = None
    country: str | None = None
    wikidata: str | None = None
    actor: str | None = None
    refers_to: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "name": self.name, "name_en": self.name_en,
                "code": self.code, "country": self.country, "wikidata": self.wikidata,
                "actor": self.actor, "refers_to": self.refers_to,
                "mentions": [m.to_json() for m in self.mentions]}
