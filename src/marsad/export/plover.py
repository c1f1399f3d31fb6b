"""Events as PLOVER JSON lines: one object per event with the PLOVER event type, mode and
context, the actor and recipient (names, CAMEO codes, countries), the date, the sentence
text and ids that lead back to the article and the characters of the trigger."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO


def _role(role: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not role:
        return None
    return {"text": role.get("text"), "actor_id": role.get("actor"), "code": role.get("code"),
            "country": role.get("country"), "start": role.get("start"), "end": role.get("end")}


def plover_record(ev: Mapping[str, Any], text: str | None = None) -> dict[str, Any]:
    article = ev.get("article") or {}
    plover = ev.get("plover") or {}
    context = plover.get("context")
    if isinstance(context, str):
        context = [c for c in context.replace(";", ",").split(",") if c.strip()]
    sentence = ev.get("sentence")
    if isinstance(sentence, Mapping) and text is not None and sentence.get("start") is not None:
        sent_text: Any = text[sentence["start"]:sentence["end"]]
    elif isinstance(sentence, Mapping):
        sent_text = sentence.get("text")
    else:
        sent_text = sentence if isinstance(sentence, str) else None
    return {
        "id": f"{article.get('id')}:{ev.get('id')}",
        "date": ev.get("day") or ev.get("date") or article.get("published"),
        "event": plover.get("event"),
        "mode": plover.get("mode"),
        "context": context or [],
        "actor": _role(ev.get("source")),
        "recipient": _role(ev.get("target")),
        "text": sent_text,
        "trigger": ev.get("trigger"),
        "cameo": ev.get("cameo"),
        "quad_class": ev.get("quad_class"),
        "goldstein": ev.get("goldstein"),
        "negated": ev.get("negated"),
        "location": ev.get("location"),
        "ids": {"article": article.get("id"), "event": ev.get("id"),
                "url": article.get("url"), "site": article.get("site")},
    }


def write_plover(events: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    n = 0
    for ev in events:
        out.write(json.dumps(plover_record(ev), ensure_ascii=False) + "\n")
        n += 1
    return n
