"""The data model: one ``Doc`` holds the analysed text once; every stage adds layers of
spans into it. Records are frozen, slotted dataclasses; ``Doc.to_json`` gives the versioned
``marsad.article/1`` form described in ``docs/schema.md``."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, Protocol

SCHEMA = "marsad.article/1"

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch ``text[start:end]`` of the document text (code-point offsets)."""

    start: int
    end: int

    def slice(self, text: str) -> str:
        return text[self.start:self.end]


class Token(NamedTuple):
    """A token or a proclitic split off a word. ``norm`` is its matching key (see
    :mod:`marsad.text.normalize`); for an article lam merged after ل (``للقدس``) the
    key is restored to ``ال``. ``kind`` is one of ``word``, ``clitic``, ``article``,
    ``number``, ``latin``, ``punct``, ``symbol``.

    A named tuple rather than a frozen dataclass: the tokenizer makes about 500 of these
    per article, and building a named tuple costs a quarter of a frozen dataclass."""

    start: int
    end: int
    kind: str
    norm: str


@dataclass(frozen=True, slots=True)
class Removed:
    """A line of the input that is not part of the analysed text, and why."""

    text: str
    reason: str

    def to_json(self) -> Json:
        return {"text": self.text, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Source:
    url: str | None = None
    site: str | None = None
    path: str | None = None
    #: 1-based line (JSONL) or record number within ``path``
    record: int | None = None

    def to_json(self) -> Json:
        return {"url": self.url, "site": self.site, "path": self.path, "record": self.record}


class Record(Protocol):
    """What an entity, quote or event record must offer to be exported."""

    def to_json(self) -> Json: ...


@dataclass(frozen=True, slots=True)
class Doc:
    """An analysed article. Build it with :func:`marsad.recovery.recover`; stages return
    new ``Doc`` objects with extra layers (``doc.with_layers(...)``); ``text`` is never
    changed after recovery."""

    text: str
    id: str
    source: Source = field(default_factory=Source)
    published: date | None = None
    language: str = "und"
    headline: Span | None = None
    subheadline: Span | None = None
    body: tuple[Span, ...] = ()
    byline: str | None = None
    removed: tuple[Removed, ...] = ()
    warnings: tuple[str, ...] = ()
    sentences: tuple[Span, ...] = ()
    tokens: tuple[Token, ...] = ()
    entities: tuple[Record, ...] = ()
    quotes: tuple[Record, ...] = ()
    events: tuple[Record, ...] = ()
    #: names of the stages that have run, in order
    stages: tuple[str, ...] = ()

    def with_layers(self, **layers: Any) -> Doc:
        return dataclasses.replace(self, **layers)

    def warn(self, *messages: str) -> Doc:
        return dataclasses.replace(self, warnings=self.warnings + tuple(messages))

    def span_text(self, span: Span | Token) -> str:
        return self.text[span.start:span.end]

    def to_json(self, *, include_tokens: bool = False) -> Json:
        text = self.text

        def piece(span: Span | None) -> str | None:
            return None if span is None else text[span.start:span.end]

        def where(span: Span | None) -> Json | None:
            return None if span is None else {"start": span.start, "end": span.end}

        out: Json = {
            "schema": SCHEMA,
            "id": self.id,
            "source": self.source.to_json(),
            "published": self.published.isoformat() if self.published else None,
            "language": self.language,
            "text": text,
            "headline": piece(self.headline),
            "headline_span": where(self.headline),
            "subheadline": piece(self.subheadline),
            "subheadline_span": where(self.subheadline),
            "byline": self.byline,
            "body": [{"start": s.start, "end": s.end, "text": text[s.start:s.end]}
                     for s in self.body],
            "sentences": [{"start": s.start, "end": s.end} for s in self.sentences],
            "removed": [r.to_json() for r in self.removed],
            "warnings": list(self.warnings),
            "entities": [e.to_json() for e in self.entities],
            "quotes": [q.to_json() for q in self.quotes],
            "events": [e.to_json() for e in self.events],
            "pipeline": list(self.stages),
        }
        if include_tokens:
            out["tokens"] = [{"start": t.start, "end": t.end, "kind": t.kind, "norm": t.norm}
                             for t in self.tokens]
        return out


def stable_id(text: str, source: Source, given: str | None = None) -> str:
    """The record's own id when it has one, else a hash of where it came from and its text."""
    if given:
        return given
    where = source.url or source.site or ""
    digest = hashlib.sha256(f"{where}\0{text}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def iter_spans(doc_json: Mapping[str, Any]) -> Iterable[tuple[str, int, int]]:
    """Every ``(layer, start, end)`` span in an exported document, for checks."""
    for key in ("headline_span", "subheadline_span"):
        if doc_json.get(key):
            yield key, doc_json[key]["start"], doc_json[key]["end"]
    for key in ("body", "sentences", "tokens", "quotes"):
        for item in doc_json.get(key) or ():
            yield key, item["start"], item["end"]
    for ent in doc_json.get("entities") or ():
        for m in ent.get("mentions") or ():
            yield "entities", m["start"], m["end"]
    for ev in doc_json.get("events") or ():
        for key in ("trigger", "source", "target"):
            part = ev.get(key)
            if isinstance(part, dict) and "start" in part and part["start"] is not None:
                yield "events", part["start"], part["end"]
