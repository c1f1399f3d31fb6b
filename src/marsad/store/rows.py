"""From one ``marsad.article/1`` document to the rows of the normalised tables.

Every optional field of quotes and events may be missing (older outputs, other stages);
missing values become NULL. The full document is kept as JSON beside the rows, so nothing
is lost."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..text.normalize import normalize_key

Json = dict[str, Any]

_QUAD_BY_ROOT = {**{f"{r:02d}": 1 for r in range(1, 6)},
                 **{f"{r:02d}": 2 for r in range(6, 9)},
                 **{f"{r:02d}": 3 for r in range(9, 14)},
                 **{f"{r:02d}": 4 for r in range(14, 21)}}


def quad_class_of(cameo: str) -> int | None:
    """CAMEO's QuadClass from the code's root: 1 verbal cooperation (01–05), 2 material
    cooperation (06–08), 3 verbal conflict (09–13), 4 material conflict (14–20)."""
    return _QUAD_BY_ROOT.get(cameo[:2])


def actor_id_for(entity: Mapping[str, Any]) -> str:
    """A corpus-wide actor id: the actor-dictionary id when the entity has one, else
    ``TYPE:normalised_name`` (so the same undictionaried name is one actor)."""
    if entity.get("actor"):
        return str(entity["actor"])
    key = normalize_key(str(entity.get("name") or "")).replace(" ", "_")
    return f"{entity.get('type') or 'MISC'}:{key}"


@dataclass(frozen=True, slots=True)
class ActorRow:
    id: str
    type: str | None
    name: str
    name_en: str | None
    code: str | None
    country: str | None
    dictionary_id: str | None
    key: str


@dataclass(frozen=True, slots=True)
class ArticleRows:
    """Everything one document adds to the store, except the article row's own key."""

    actors: list[ActorRow]
    entities: list[tuple[Any, ...]]
    mentions: list[tuple[Any, ...]]
    quotes: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


def _day(value: Any, published: str | None) -> str | None:
    """The event's day: its own date when it is a full ``YYYY-MM-DD`` (a month or year
    alone is too coarse for a timeline), else the article's publication date."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    return published


def _sentence_text(doc: Mapping[str, Any], ev: Mapping[str, Any]) -> str | None:
    """The text of the event's sentence: ``sentence`` as ``{start, end}``, an index into
    ``sentences``, a string, or else the sentence around the trigger."""
    text = str(doc.get("text") or "")
    sents = doc.get("sentences") or []
    sent = ev.get("sentence")
    if isinstance(sent, str):
        return sent
    if isinstance(sent, Mapping) and isinstance(sent.get("start"), int):
        return text[sent["start"]:sent.get("end") or sent["start"]]
    if isinstance(sent, int) and not isinstance(sent, bool) and 0 <= sent < len(sents):
        return text[sents[sent]["start"]:sents[sent]["end"]]
    at = (ev.get("trigger") or {}).get("start")
    if isinstance(at, int):
        for s in sents:
            if s["start"] <= at < s["end"]:
                return text[s["start"]:s["end"]]
    return None


def article_rows(doc: Mapping[str, Any]) -> ArticleRows:
    published = doc.get("published")
    site = (doc.get("source") or {}).get("site")
    actors: list[ActorRow] = []
    entities: list[tuple[Any, ...]] = []
    mentions: list[tuple[Any, ...]] = []
    by_entity: dict[str, tuple[str, str | None, str | None]] = {}
    for ent in doc.get("entities") or ():
        aid = actor_id_for(ent)
        name = str(ent.get("name") or "")
        actors.append(ActorRow(
            id=aid, type=ent.get("type"), name=name, name_en=ent.get("name_en"),
            code=ent.get("code"), country=ent.get("country"),
            dictionary_id=ent.get("actor"),
            key=normalize_key(f"{name} {ent.get('name_en') or ''}".strip()).lower()))
        ms = ent.get("mentions") or []
        entities.append((ent["id"], aid, ent.get("type"), name, ent.get("code"),
                         ent.get("country"), len(ms)))
        mentions.extend((ent["id"], m["start"], m["end"], m["text"]) for m in ms)
        by_entity[ent["id"]] = (aid, ent.get("code"), ent.get("country"))

    quotes: list[tuple[Any, ...]] = []
    for q in doc.get("quotes") or ():
        speaker = q.get("speaker")
        quotes.append((
            q["id"], q.get("kind"), q.get("text") or "", q.get("start"), q.get("end"),
            speaker, by_entity.get(speaker, (None,))[0] if speaker else None,
            q.get("speaker_text"), _text(q.get("cue")), _text(q.get("via")),
            _text(q.get("addressee")), published, site))

    events: list[tuple[Any, ...]] = []
    for ev in doc.get("events") or ():
        cameo = str(ev.get("cameo") or "")
        roles: list[Any] = []
        for key in ("source", "target"):
            role = ev.get(key) or {}
            ent_id = role.get("entity")
            found = by_entity.get(ent_id) if ent_id else None
            role_actor: str | None = found[0] if found else None
            code, country = (found[1], found[2]) if found else (None, None)
            roles += [ent_id, role_actor, role.get("text"), role.get("code") or code,
                      role.get("country") or country]
        plover = ev.get("plover") or {}
        trigger = ev.get("trigger") or {}
        loc = ev.get("location") or {}
        quad = ev.get("quad_class")
        events.append((
            ev["id"], cameo, ev.get("cameo_root") or cameo[:2] or None,
            quad if isinstance(quad, int) else quad_class_of(cameo),
            _num(ev.get("goldstein")), ev.get("label"), *roles,
            plover.get("event"), plover.get("mode"), _text(plover.get("context")),
            trigger.get("start"), trigger.get("end"), trigger.get("text"),
            None if ev.get("negated") is None else int(bool(ev.get("negated"))),
            _text(ev.get("modality")), _day(ev.get("date"), published), ev.get("date_text"),
            loc.get("name"), loc.get("country"), _num(loc.get("lat")), _num(loc.get("lon")),
            _text(loc.get("geonames_id")), _num(ev.get("confidence")), site,
            _sentence_text(doc, ev), json.dumps(ev, ensure_ascii=False)))
    return ArticleRows(actors, entities, mentions, quotes, events)
