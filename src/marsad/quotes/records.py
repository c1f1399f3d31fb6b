"""Quote records: who said what, with the words that frame it. Offsets are code-point
indices into ``doc.text``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

QuoteKind = Literal["direct", "indirect", "mixed"]


@dataclass(frozen=True, slots=True)
class Cue:
    """The reporting word (``وقال``, ``مشددا``) and its lemma (``قال``, ``شدد``)."""

    start: int
    end: int
    text: str
    lemma: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "lemma": self.lemma}


@dataclass(frozen=True, slots=True)
class Party:
    """A phrase of the frame that names an actor — the source an article cites
    (``via``) or the person spoken to (``addressee``) — and the entity it names, if any."""

    start: int
    end: int
    text: str
    entity: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text,
                "entity": self.entity}


@dataclass(frozen=True, slots=True)
class Quote:
    """One attributed statement. ``start``/``end`` cover the quoted or reported words
    (not the frame, not the quotation marks). ``speaker`` is an entity id or ``None``
    when the speaker has no entity; ``speaker_text`` and its offsets are the words that
    name the speaker (possibly in an earlier sentence when the speaker continues)."""

    id: str
    kind: QuoteKind
    start: int
    end: int
    text: str
    speaker: str | None
    speaker_text: str | None
    speaker_start: int | None
    speaker_end: int | None
    cue: Cue | None
    via: Party | None = None
    addressee: Party | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "text": self.text, "start": self.start,
                "end": self.end, "speaker": self.speaker, "speaker_text": self.speaker_text,
                "speaker_start": self.speaker_start, "speaker_end": self.speaker_end,
                "cue": None if self.cue is None else self.cue.to_json(),
                "via": None if self.via is None else self.via.to_json(),
                "addressee": None if self.addressee is None else self.addressee.to_json()}
