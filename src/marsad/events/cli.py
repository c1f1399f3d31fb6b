"""``marsad explain FILE``: sentence by sentence, which event patterns matched, how the
source and target were found, and why a candidate was not coded."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from datetime import date
from typing import Any

from ..doc import Doc
from ..errors import MarsadError
from .coder import Candidate, EventCoder


def add_commands(subparsers: Any) -> None:
    """Add ``explain`` to the ``marsad`` command line."""
    from ..cli import iso_date

    p = subparsers.add_parser(
        "explain", help="show, sentence by sentence, why events were (not) coded",
        description="Analyse the input and print, sentence by sentence, each trigger that "
        "matched an event pattern: the pattern id and CAMEO code, how the source and target "
        "were found, and the reason when a candidate was rejected (negated, no actor, "
        "did not happen ...). Same inputs as `marsad analyze`.")
    p.add_argument("paths", nargs="*", default=["-"], metavar="PATH",
                   help="files, directories or - for stdin (default: stdin)")
    p.add_argument("--published", type=iso_date, help="publication date for inputs "
                   "without one")
    p.add_argument("--all", action="store_true",
                   help="also print sentences where no pattern matched")
    p.add_argument("--json", action="store_true", help="print the candidates as JSONL")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..api import analyse_stream  # noqa: F401 - checks the API is importable
    from ..pipeline import Pipeline
    from ..recovery import iter_inputs
    from ..settings import Settings

    when: date | None = args.published
    try:
        settings = Settings(published=when)
        pipeline = Pipeline(settings)
        coder = EventCoder.for_pipeline(settings, pipeline.knowledge)
        done = 0
        for raw in iter_inputs(args.paths):
            if isinstance(raw, MarsadError):
                print(f"marsad: {raw}", file=sys.stderr)
                continue
            doc = pipeline(raw)
            _events, candidates = coder.code(doc)
            out = (_json_lines(doc, candidates) if args.json
                   else render_explanation(doc, candidates, show_all=args.all))
            for line in out:
                print(line)
            done += 1
    except MarsadError as err:
        print(f"marsad: {err}", file=sys.stderr)
        return 1
    return 0 if done else 1


def _role(role: Any) -> str:
    if role is None:
        return "-"
    ent = f" [{role.entity}]" if role.entity else ""
    return f"«{role.text}»{ent} ({role.how})"


def render_explanation(doc: Doc, candidates: Iterable[Candidate], *,
                       show_all: bool = False) -> list[str]:
    """Readable lines: each sentence, then its candidates."""
    by_sentence: dict[int, list[Candidate]] = {}
    for c in candidates:
        by_sentence.setdefault(c.sentence, []).append(c)
    lines = [f"═══ {doc.id} · published {doc.published or 'unknown'} · "
             f"{sum(1 for c in candidates if c.status == 'coded')} events"]
    marks = {"coded": "✓", "merged": "=", "frame": "·", "rejected": "✗"}
    for si, span in enumerate(doc.sentences):
        cands = by_sentence.get(si, [])
        if not cands and not show_all:
            continue
        lines.append(f"[{si}] {doc.text[span.start:span.end]}")
        for c in cands:
            head = (f"  {marks.get(c.status, '?')} {c.cameo:>4} {c.pattern:<20} "
                    f"«{c.trigger.text}»")
            if c.status == "frame":
                lines.append(f"{head}  speaker {_role(c.source)}")
                continue
            lines.append(f"{head}  {c.status}: {c.reason}")
            lines.append(f"        source {_role(c.source)}  target {_role(c.target)}")
            extra = []
            if c.modality != "asserted":
                extra.append(f"modality {c.modality}")
            if c.negated:
                extra.append("negated")
            if c.reported_by is not None:
                extra.append(f"reported by «{c.reported_by.text}»")
            if c.skipped:
                extra.append("not " + ", ".join(c.skipped) + " (their words are missing)")
            if extra:
                lines.append("        " + "; ".join(extra))
    return lines


def _json_lines(doc: Doc, candidates: Iterable[Candidate]) -> list[str]:
    out = []
    for c in candidates:
        out.append(json.dumps({
            "doc": doc.id, "sentence": c.sentence, "trigger": c.trigger.to_json(),
            "pattern": c.pattern, "cameo": c.cameo, "status": c.status, "reason": c.reason,
            "source": c.source.to_json() if c.source else None,
            "target": c.target.to_json() if c.target else None,
            "modality": c.modality, "negated": c.negated,
            "reported_by": c.reported_by.to_json() if c.reported_by else None,
            "skipped": list(c.skipped)}, ensure_ascii=False))
    return out
