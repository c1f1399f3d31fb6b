"""The ``marsad`` command line. The only place that prints and exits."""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import multiprocessing
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from . import __version__
from .api import analyse_stream, analyse_within, learn_then_stream
from .budget import TimeBudget
from .doc import Doc
from .errors import MarsadError
from .pipeline import Pipeline
from .recovery import RawArticle, RepeatedLines, iter_inputs
from .render import render_pretty
from .runtime import tune_gc_for_batch
from .settings import DEFAULT_TIME_BUDGET, Settings

#: modules with more subcommands (``add_commands(subparsers)``)
_COMMAND_MODULES: tuple[str, ...] = ("marsad.actors.cli", "marsad.ner.cli", "marsad.store.cli",
                                      "marsad.quotes.cli", "marsad.events.cli",
                                      "marsad.batch.cli")


def iso_date(value: str) -> date:
    """argparse type for ``YYYY-MM-DD`` dates."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO date like 2018-03-14, got {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marsad", description="Arabic news to structured political event data.")
    parser.add_argument("--version", action="version", version=f"marsad {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    an = sub.add_parser("analyze", help="analyse articles into marsad.article/1 JSON",
                        description="Analyse raw text, HTML pages, JSON records or JSONL "
                        "dumps (.jsonl, .jsonl.gz) into marsad.article/1 JSON. One input "
                        "prints one JSON object; several print JSONL in input order.")
    an.add_argument("paths", nargs="*", default=["-"], metavar="PATH",
                    help="files, directories or - for stdin (default: stdin)")
    an.add_argument("--published", type=iso_date,
                    help="publication date for inputs without one")
    an.add_argument("--source", help="source/site name for inputs without one")
    an.add_argument("--format", choices=("json", "jsonl", "pretty"),
                    help="output format (default: json for one article, else jsonl)")
    an.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    add_time_budget(an)
    an.add_argument("--tokens", action="store_true", help="include the token layer")
    an.add_argument("--boilerplate", action="append", default=[], type=Path, metavar="FILE",
                    help="extra boilerplate lexicon (mode<TAB>reason<TAB>phrase lines)")
    an.add_argument("--actors", action="append", default=[], type=Path, metavar="FILE",
                    help="your own actor dictionary (TSV, same columns as the shipped "
                    "actors.tsv); entries with a shipped id replace it")

    ev = sub.add_parser("eval", help="score the pipeline against gold annotations",
                        description="Run the pipeline on the inputs that gold files "
                        "(marsad.gold/1) reference and print precision/recall/F1 per part.")
    ev.add_argument("gold", nargs="+", metavar="GOLD", help="gold files or directories")
    ev.add_argument("--per-doc", action="store_true", help="also print one line per document")
    ev.add_argument("--notes", action="store_true",
                    help="also print what was missed or spurious, per document")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    for module in _COMMAND_MODULES:
        # each module adds subcommands that set `handler` (args -> exit status)
        importlib.import_module(module).add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "handler", None) is not None:
            return int(args.handler(args))
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "eval":
            return _eval(args)
    except MarsadError as err:
        print(f"marsad: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 2


# -- analyze ------------------------------------------------------------------------------
def _settings(args: argparse.Namespace) -> Settings:
    return Settings(published=args.published, source=args.source,
                    include_tokens=args.tokens, boilerplate_files=tuple(args.boilerplate),
                    actor_files=tuple(args.actors), time_budget=args.time_budget)


def add_time_budget(parser: argparse.ArgumentParser) -> None:
    """``--time-budget SECONDS``: an article that takes longer is skipped with an error."""
    parser.add_argument("--time-budget", type=float, default=DEFAULT_TIME_BUDGET,
                        metavar="SECONDS", help="skip, with an error, an article that takes "
                        "longer than this in the pipeline (default %(default)g; 0: no limit)")


_WORKER: dict[str, Any] = {}


def worker_pool(jobs: int, pipe: Pipeline, repeated: RepeatedLines) -> ProcessPoolExecutor:
    """Worker processes that analyse with ``pipe``'s settings (``_work``). Where processes
    can fork they start with this process's loaded pipeline instead of loading their own
    (about 0.65 s each before the first article)."""
    if "fork" in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_init_worker, initargs=(pipe, repeated))
    return ProcessPoolExecutor(jobs, initializer=_init_worker,
                               initargs=(pipe.settings, repeated))


def _init_worker(loaded: Pipeline | Settings, repeated: RepeatedLines) -> None:
    _WORKER["pipeline"] = loaded if isinstance(loaded, Pipeline) else Pipeline(loaded)
    tune_gc_for_batch()
    _WORKER["repeated"] = repeated
    _WORKER["budget"] = TimeBudget(_WORKER["pipeline"].settings.time_budget)


def _work(raw: RawArticle) -> tuple[bool, str]:
    pipe: Pipeline = _WORKER["pipeline"]
    doc = analyse_within(pipe, raw, _WORKER["repeated"], _WORKER["budget"])
    if isinstance(doc, MarsadError):
        return False, str(doc)
    return True, json.dumps(doc.to_json(include_tokens=pipe.settings.include_tokens),
                            ensure_ascii=False)


class _Encoded(NamedTuple):
    """An article a worker process analysed, already as one line of JSON."""

    json: str


def _work_chunk(raws: list[RawArticle]) -> list[tuple[bool, str]]:
    return [_work(raw) for raw in raws]


#: articles per task sent to a worker process, and tasks in flight per worker
_CHUNK = 8
_AHEAD = 4


def _results(args: argparse.Namespace, pipe: Pipeline
             ) -> Iterator[Doc | _Encoded | MarsadError | str]:
    items, repeated = learn_then_stream(iter_inputs(args.paths), pipe.settings)
    if args.jobs <= 1:
        yield from analyse_stream(items, pipe, repeated)
        return
    with worker_pool(args.jobs, pipe, repeated) as pool:
        # chunks of input in order, each with the task analysing its articles; new chunks
        # go out while earlier ones are written, so that no worker waits for the others.
        # Errors from reading stay in place: output comes in input order.
        pending: deque[tuple[list[RawArticle | MarsadError], Future[list[tuple[bool, str]]]]]
        pending = deque()
        for chunk in iter(lambda: list(itertools.islice(items, _CHUNK)), []):
            raws = [b for b in chunk if isinstance(b, RawArticle)]
            pending.append((chunk, pool.submit(_work_chunk, raws)))
            if len(pending) >= _AHEAD * args.jobs:
                yield from _in_order(*pending.popleft())
        while pending:
            yield from _in_order(*pending.popleft())


def _in_order(chunk: list[RawArticle | MarsadError], task: Future[list[tuple[bool, str]]]
              ) -> Iterator[_Encoded | MarsadError | str]:
    """A chunk's read errors and analysed articles, in input order."""
    analysed = iter(task.result())
    for b in chunk:
        if isinstance(b, MarsadError):
            yield b
            continue
        ok, payload = next(analysed)
        yield _Encoded(payload) if ok else payload


def _analyze(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        print("marsad: --jobs must be at least 1", file=sys.stderr)
        return 2
    pipe = Pipeline(_settings(args))
    tune_gc_for_batch()
    out = sys.stdout
    results = _results(args, pipe)
    first = list(itertools.islice(results, 2))
    fmt = args.format or ("json" if len(first) <= 1 else "jsonl")
    written = failed = 0
    for res in itertools.chain(first, results):
        if isinstance(res, (MarsadError, str)):
            failed += 1
            print(f"marsad: {res}", file=sys.stderr)
            continue
        written += 1
        if isinstance(res, _Encoded):
            if fmt == "jsonl":  # as the worker wrote it (the same bytes as one job writes)
                out.write(res.json + "\n")
                continue
            data = json.loads(res.json)
        else:
            data = res.to_json(include_tokens=args.tokens)
        _write(out, data, fmt)
    if failed:
        print(f"marsad: {written} article(s) analysed, {failed} skipped", file=sys.stderr)
    return 0 if written or not failed else 1


def _write(out: TextIO, data: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "jsonl":
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        out.write(render_pretty(data) + "\n")


# -- eval ---------------------------------------------------------------------------------
def _eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, find_gold_files

    pipe = Pipeline(Settings())
    golds = find_gold_files(args.gold)
    if not golds:
        print("marsad: no *.gold.json files found in " + " ".join(args.gold), file=sys.stderr)
        return 1

    def analyze(path: Path) -> dict[str, Any]:
        docs = [r for r in iter_inputs([str(path)])]
        raw = docs[0]
        if isinstance(raw, MarsadError):
            raise raw
        return pipe(raw).to_json()

    report = evaluate(golds, analyze)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(report.format(per_doc=args.per_doc, notes=args.notes))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
