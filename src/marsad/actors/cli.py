"""``marsad actors QUERY [--date YYYY-MM-DD] [--json] [--file EXTRA.tsv]``: look up the
actor dictionary. Prints the actors whose name or alias matches QUERY (exactly, then by
prefix and substring, Arabic or English) and, for a role or agent phrase such as
«الرئيس الإيراني» or «الجيش التركي», what it resolves to at the date.

``marsad actors --db FILE [QUERY] [--type T]`` lists the actors of a store instead (the
same as ``marsad corpus-actors``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from ..cli import iso_date
from ..errors import MarsadError
from .dictionary import Actor, ActorDictionary, Resolution


def add_commands(subparsers: Any) -> None:
    """Add ``actors`` to the ``marsad`` command line (``args.handler(args)`` runs it)."""
    p = subparsers.add_parser(
        "actors", help="look up the actor dictionary (names, roles, CAMEO codes by date)",
        description="Look up Arabic or English names and role phrases in the actor "
        "dictionary: matching actors with their CAMEO code at --date, and what a role or "
        "agent phrase («الرئيس الإيراني», «الجيش التركي») stands for.")
    p.add_argument("query", nargs="*", metavar="QUERY", help="a name, alias or phrase")
    p.add_argument("--date", type=iso_date, default=None,
                   help="date for codes and role holders (default: the current ones)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--file", action="append", default=[], type=Path, metavar="EXTRA.tsv",
                   help="your own actors file (same columns as the shipped actors.tsv); "
                   "may be repeated")
    p.add_argument("--limit", type=int, default=20, help="most actors to print (default 20)")
    store = p.add_argument_group(
        "the actors of a store", "with --db: list the actors named in the stored articles "
        "(most frequent first; QUERY, if given, is an actor id, CAMEO code prefix or part "
        "of a name), as 'marsad corpus-actors' does")
    store.add_argument("--db", metavar="FILE|URL",
                       help="the store: a SQLite file or a PostgreSQL URL")
    store.add_argument("--type", choices=("PER", "ORG", "LOC", "GRP", "MISC"))
    store.add_argument("--cursor", help="the 'next' value printed by the previous page")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    query = " ".join(args.query).strip()
    if args.db is not None:
        from ..store.cli import run_list

        args.query = query or None
        args.kind = "actors"
        return run_list(args)
    if not query:
        print("marsad: give a name or phrase to look up in the actor dictionary, or --db "
              "FILE to list the actors of a store", file=sys.stderr)
        return 2
    try:
        actors = ActorDictionary.load(extra_files=args.file)
    except MarsadError as err:
        print(f"marsad: {err}", file=sys.stderr)
        return 1
    when: date | None = args.date
    exact = actors.lookup(query)
    found = exact + [a for a in actors.search(query, limit=args.limit) if a not in exact]
    found = found[:args.limit]
    resolution = actors.resolve(query, when)
    if resolution is not None and resolution.kind == "name":
        resolution = None  # the actor itself is listed
    if args.json:
        out = {"query": query, "date": when.isoformat() if when else None,
               "resolution": _resolution_json(resolution, when),
               "actors": [_actor_json(a, when) for a in found]}
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        if resolution is not None:
            print(_resolution_text(query, resolution, when))
        for a in found:
            print(_actor_text(a, when))
        if not found and resolution is None:
            print(f"no actor matches {query!r}", file=sys.stderr)
    return 0 if found or resolution is not None else 1


def _actor_json(a: Actor, when: date | None) -> dict[str, Any]:
    return {"id": a.id, "type": a.type, "name_ar": a.name_ar, "name_en": a.name_en,
            "code": a.code_at(when), "codes": [str(r) for r in a.codes],
            "country": a.country, "wikidata": a.wikidata, "aliases": list(a.names[1:]),
            "source": a.source}


def _resolution_json(r: Resolution | None, when: date | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"kind": r.kind, "code": r.code, "country": r.country, "role": r.role,
            "agent": r.agent, "actor": _actor_json(r.actor, when) if r.actor else None}


def _actor_text(a: Actor, when: date | None) -> str:
    head = f"{a.name_ar} — {a.name_en}" if a.name_en else a.name_ar
    lines = [f"{head}  [{a.type}]  {a.code_at(when) or '-'}",
             f"    id {a.id} · country {a.country or '-'} · wikidata {a.wikidata or '-'}"
             f" · codes {'; '.join(str(r) for r in a.codes)}"]
    if a.aliases:
        lines.append("    aliases: " + " | ".join(a.names[1:]))
    return "\n".join(lines)


def _resolution_text(query: str, r: Resolution, when: date | None) -> str:
    at = when.isoformat() if when else "now"
    what = {"role": f"role {r.role}", "agent": f"agent {r.agent}",
            "demonym": "people of"}.get(r.kind, r.kind)
    who = f" of {r.country}" if r.country and r.kind != "demonym" else (
        f" {r.country}" if r.country else "")
    holder = ""
    if r.actor is not None and r.kind == "role":
        holder = f": {r.actor.name_ar}" + (f" ({r.actor.name_en})" if r.actor.name_en else "")
    return f"«{query}» at {at} -> {what}{who}{holder}  {r.code or '-'}"
