"""``marsad quotes PATH... [--json]``: who said what, as a readable table.

Runs the pipeline up to the quotes stage on the same inputs as ``marsad analyze`` and
prints, per article, one line per quote: speaker → quoted words, with the kind, the
reporting verb, the source cited and the addressee. ``--json`` prints one JSON object per
article (``id``, ``source``, ``quotes`` as in ``marsad.article/1``, and ``speakers``: the
entity names of the speaker ids)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..api import analyse_stream, learn_then_stream
from ..doc import Doc
from ..entities import Entity
from ..errors import MarsadError
from ..pipeline import Pipeline
from ..recovery import iter_inputs
from ..settings import DEFAULT_STAGES, Settings
from .records import Quote

RLM = "\u200f"


def add_commands(subparsers: Any) -> None:
    """Add ``quotes PATH...`` to the ``marsad`` command line. When another module already
    has a ``quotes`` command (the store lists stored quotations), the paths are added to
    it: with paths it analyses them, without paths it does what it did before."""
    existing = getattr(subparsers, "choices", {}).get("quotes")
    if existing is None:
        p = subparsers.add_parser(
            "quotes", help="print who said what (speaker → quote) for articles",
            description="Find the attributed statements in articles and print them as a "
            "table: speaker → quote, with kind, reporting verb, source cited and addressee.")
        p.add_argument("--json", action="store_true",
                       help="print one JSON object per article instead of a table")
        fallback = None
    else:
        p = existing
        fallback = p.get_default("handler")
        p.description = ((p.description or "") + " With PATH arguments: analyse those "
                         "articles instead and print who said what (speaker → quote).")
    p.add_argument("paths", nargs="*", default=[], metavar="PATH",
                   help="articles to analyse (raw text, HTML, JSON, JSONL dumps, "
                   "directories, or - for stdin): print speaker → quote for each")
    p.add_argument("--width", type=int, default=100,
                   help="with PATH: cut quotes longer than this many characters in the "
                   "table (0: never; default 100)")

    def handler(args: argparse.Namespace) -> int:
        if args.paths or fallback is None:
            return run(args)
        return int(fallback(args))

    p.set_defaults(handler=handler)


def _stages() -> tuple[str, ...]:
    if "quotes" in DEFAULT_STAGES:
        return DEFAULT_STAGES[:DEFAULT_STAGES.index("quotes") + 1]
    return (*DEFAULT_STAGES, "quotes")


def run(args: argparse.Namespace) -> int:
    try:
        pipe = Pipeline(Settings(stages=_stages()))
    except MarsadError as err:
        print(f"marsad: {err}", file=sys.stderr)
        return 1
    items, repeated = learn_then_stream(iter_inputs(args.paths or ["-"]), pipe.settings)
    written = failed = 0
    for res in analyse_stream(items, pipe, repeated):
        if isinstance(res, MarsadError):
            failed += 1
            print(f"marsad: {res}", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps(quotes_json(res), ensure_ascii=False))
        else:
            print(format_quotes(res, width=args.width))
        written += 1
    if failed:
        print(f"marsad: {written} article(s) analysed, {failed} skipped", file=sys.stderr)
    return 0 if written or not failed else 1


def _names(doc: Doc) -> dict[str, str]:
    return {e.id: e.name for e in doc.entities if isinstance(e, Entity)}


def quotes_json(doc: Doc) -> dict[str, Any]:
    """The quotes of one article as a JSON-ready dict."""
    names = _names(doc)
    quotes = [q for q in doc.quotes if isinstance(q, Quote)]
    return {"id": doc.id, "source": doc.source.to_json(),
            "headline": doc.span_text(doc.headline) if doc.headline else None,
            "quotes": [q.to_json() for q in quotes],
            "speakers": {q.speaker: names.get(q.speaker) for q in quotes if q.speaker}}


def format_quotes(doc: Doc, *, width: int = 100) -> str:
    """A table of one article's quotes: ``id kind speaker → «quote»`` and the frame."""
    names = _names(doc)
    head = doc.span_text(doc.headline) if doc.headline else "(no headline)"
    where = doc.source.path or doc.source.url or "-"
    if doc.source.record is not None:
        where += f":{doc.source.record}"
    quotes = [q for q in doc.quotes if isinstance(q, Quote)]
    lines = [f"■ {RLM}{_flat(head)}", f"  {doc.id} · {where} · {len(quotes)} quote(s)"]
    for q in quotes:
        who = names.get(q.speaker or "", "") or q.speaker_text or "?"
        if q.speaker_text and who != q.speaker_text:
            who += f" ({q.speaker_text})"
        if q.speaker is None:
            who += " [no entity]" if q.speaker_text else ""
        text = _flat(q.text)
        if width and len(text) > width:
            text = text[:width - 1] + "…"
        lines.append(f"  {q.id:<4} {q.kind:<8} {RLM}{_flat(who)} → «{text}»")
        frame = []
        if q.cue is not None:
            frame.append(f"cue {q.cue.text} ({q.cue.lemma})")
        if q.via is not None:
            frame.append(f"via {q.via.text}")
        if q.addressee is not None:
            frame.append(f"to {q.addressee.text}")
        if frame:
            lines.append(f"       {RLM}" + " · ".join(_flat(f) for f in frame))
    return "\n".join(lines)


def _flat(text: str) -> str:
    return " ".join(text.split())
