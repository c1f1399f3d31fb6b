"""Store commands: ``marsad ingest``, ``reprocess``, ``events``, ``quotes``,
``corpus-actors``, ``search``, ``export`` and ``serve``. Thin wrappers over
:mod:`marsad.store`, :mod:`marsad.export` and :mod:`marsad.server`."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from ..cli import add_time_budget, iso_date
from ..pipeline import Pipeline
from ..runtime import tune_gc_for_batch
from ..settings import Settings
from .dialect import redact
from .ingest import IngestReport, count_inputs, ingest_paths, pipeline_version, reprocess
from .store import Filters, Page, Store

DEFAULT_DB = "marsad.db"
EXPORT_FORMATS = ("jsonl", "parquet", "csv", "gdelt", "plover")


def add_commands(subparsers: Any) -> None:
    ing = subparsers.add_parser(
        "ingest", help="analyse inputs and store them in a database",
        description="Analyse articles (every input form 'analyze' takes) and store them in "
        "a SQLite file or a PostgreSQL database. Articles stored already by this pipeline "
        "version are skipped, changed ones are updated; each batch is one transaction, so "
        "an interrupted ingest can simply be run again, and several ingests may write to "
        "one PostgreSQL database at once.")
    ing.add_argument("paths", nargs="+", metavar="PATH", help="files, directories or -")
    _db(ing)
    ing.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    ing.add_argument("--batch", type=int, default=64,
                     help="articles per transaction and worker (default 64)")
    ing.add_argument("--published", type=iso_date, help="publication date for inputs "
                     "without one")
    ing.add_argument("--source", help="source/site name for inputs without one")
    ing.add_argument("--boilerplate", action="append", default=[], type=Path,
                     metavar="FILE", help="extra boilerplate lexicon")
    ing.add_argument("--actors", action="append", default=[], type=Path, metavar="FILE",
                     help="your own actor dictionary (TSV)")
    add_time_budget(ing)
    ing.add_argument("--force", action="store_true",
                     help="analyse and store again articles that are stored already")
    ing.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    ing.set_defaults(handler=run_ingest)

    rep = subparsers.add_parser(
        "reprocess", help="re-analyse stored articles made by an older pipeline",
        description="Re-analyse, from the raw input kept in the store, the articles that "
        "another pipeline version analysed (or all with --all).")
    _db(rep)
    rep.add_argument("--all", action="store_true", help="re-analyse every article")
    rep.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    rep.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    rep.set_defaults(handler=run_reprocess)

    for name, hlp in (("events", "list stored events"), ("quotes", "list stored quotations")):
        p = subparsers.add_parser(name, help=hlp, description=hlp.capitalize() + ", filtered.")
        _db(p)
        _filters(p, events=name == "events")
        _paging(p)
        p.set_defaults(handler=run_list, kind=name)

    act = subparsers.add_parser(
        "corpus-actors", help="list the actors of the stored articles",
        description="Actors named in the stored articles, most frequent first, with their "
        "CAMEO code and how many articles, events and quotations involve them. "
        "(The same as 'marsad actors --db FILE'; 'marsad actors QUERY' without --db looks "
        "up the actor dictionary.)")
    _db(act)
    act.add_argument("query", nargs="?", help="actor id, CAMEO code prefix or part of a name")
    act.add_argument("--type", choices=("PER", "ORG", "LOC", "GRP", "MISC"))
    _paging(act)
    act.set_defaults(handler=run_list, kind="actors")

    se = subparsers.add_parser(
        "search", help="full-text search over stored articles and quotations",
        description="Search articles and quotations. Arabic is matched after normalisation "
        "(alef forms, ta marbuta, tashkeel...) and with proclitics split, so القدس also "
        "finds بالقدس and والقدس. Words in \"double quotes\" must be adjacent.")
    _db(se)
    se.add_argument("query", nargs="+", help="words to look for")
    se.add_argument("--only", choices=("article", "quote"), help="search only one kind")
    _paging(se)
    se.set_defaults(handler=run_list, kind="search")

    ex = subparsers.add_parser(
        "export", help="export the store (jsonl, parquet, csv, gdelt, plover)",
        description="jsonl: the full marsad.article/1 documents; parquet: one file per "
        "table (articles, entities, quotes, events) in the --out directory; csv: one table "
        "(--table, default events); gdelt: GDELT 2.0 event records (61 tab-separated "
        "columns, no header); plover: PLOVER event JSON lines.")
    _db(ex)
    ex.add_argument("--format", choices=EXPORT_FORMATS, default="jsonl")
    ex.add_argument("--out", type=Path, help="output file (directory for parquet); "
                    "default stdout")
    ex.add_argument("--table", choices=("articles", "entities", "quotes", "events"),
                    default="events", help="table for --format csv (default events)")
    _filters(ex, events=True)
    ex.set_defaults(handler=run_export)

    sv = subparsers.add_parser(
        "serve", help="serve the HTTP API and the web UI over a store",
        description="Serve the HTTP API (OpenAPI docs at /docs) and the web UI.")
    _db(sv)
    sv.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    sv.add_argument("--token", default=None, metavar="SECRET",
                    help="write endpoints (POST /api/analyze) need 'Authorization: Bearer "
                    "SECRET' (default: $MARSAD_TOKEN); without one they are refused when "
                    "--host is not a loopback address")
    sv.set_defaults(handler=run_serve)


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE|URL",
                   help=f"the store: a SQLite file (default {DEFAULT_DB}) or a PostgreSQL "
                   "URL, postgresql://user@host/dbname (needs 'marsad[postgres]')")


def _filters(p: argparse.ArgumentParser, *, events: bool) -> None:
    p.add_argument("--actor", help="actor id, CAMEO actor-code prefix (IRN, PSEREB) or "
                   "part of a name")
    if events:
        p.add_argument("--role", choices=("source", "target", "any"), default="any",
                       help="with --actor: as source, target or either (default)")
        p.add_argument("--cameo", help="CAMEO event code or prefix (19 = the root 'fight')")
        p.add_argument("--quad-class", type=int, choices=(1, 2, 3, 4),
                       help="1 verbal coop., 2 material coop., 3 verbal conflict, "
                       "4 material conflict")
    p.add_argument("--from", dest="date_from", type=iso_date, help="first date")
    p.add_argument("--to", dest="date_to", type=iso_date, help="last date")
    p.add_argument("--site", help="source site, exactly as stored")
    p.add_argument("--text", help="full-text filter (article text; quotation text for "
                   "quotes)")
    p.add_argument("--article", help="one article id")


def _paging(p: argparse.ArgumentParser) -> None:
    p.add_argument("--limit", type=int, default=20, help="items per page (default 20)")
    p.add_argument("--cursor", help="the 'next' value printed by the previous page")
    p.add_argument("--json", action="store_true", help="print the page as JSON")


def filters_from(args: argparse.Namespace) -> Filters:
    role = getattr(args, "role", None)
    return Filters(actor=getattr(args, "actor", None), role=None if role == "any" else role,
                   cameo=getattr(args, "cameo", None),
                   quad_class=getattr(args, "quad_class", None),
                   date_from=getattr(args, "date_from", None),
                   date_to=getattr(args, "date_to", None), site=getattr(args, "site", None),
                   text=getattr(args, "text", None), article=getattr(args, "article", None))


# -- ingest -------------------------------------------------------------------------------
class _Progress:
    """A tqdm bar on a terminal (articles/s and ETA); nothing otherwise."""

    def __init__(self, total: int | None, quiet: bool) -> None:
        self.bar: Any = None
        if not quiet and sys.stderr.isatty():
            try:
                from tqdm import tqdm
            except ImportError:  # the server extras are not installed: no bar
                return
            self.bar = tqdm(total=total, unit=" articles", file=sys.stderr,
                            dynamic_ncols=True, smoothing=0.1)

    def __call__(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def write(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=sys.stderr)
        else:
            print(message, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _summary(report: IngestReport, store: Store, seconds: float) -> str:
    done = report.new + report.updated
    rate = f", {done / seconds:.1f} articles/s" if done and seconds > 0 else ""
    return (f"marsad: {report.read} read, {report.new} new, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.failed} failed in {seconds:.1f}s{rate}; "
            f"{store.stats()['articles']} articles in {store.name}")


def run_ingest(args: argparse.Namespace) -> int:
    if args.jobs < 1 or args.batch < 1:
        print("marsad: --jobs and --batch must be at least 1", file=sys.stderr)
        return 2
    settings = Settings(published=args.published, source=args.source,
                        boilerplate_files=tuple(args.boilerplate),
                        actor_files=tuple(args.actors), time_budget=args.time_budget)
    pipe = Pipeline(settings)
    tune_gc_for_batch()
    total = None if args.quiet or not sys.stderr.isatty() else count_inputs(args.paths)
    bar = _Progress(total, args.quiet)
    started = time.perf_counter()
    with Store.open(args.db) as store:
        try:
            report = ingest_paths(store, args.paths, pipe, jobs=args.jobs,
                                  batch_size=args.batch, force=args.force, progress=bar,
                                  on_error=lambda m: bar.write(f"marsad: {m}"))
        finally:
            bar.close()
        if not args.quiet:
            print(_summary(report, store, time.perf_counter() - started), file=sys.stderr)
    return 0 if report.read > report.failed or not report.read else 1


def run_reprocess(args: argparse.Namespace) -> int:
    pipe = Pipeline(Settings())
    started = time.perf_counter()
    with Store.open(args.db, create=False) as store:
        n = len(store.outdated("" if args.all else pipeline_version(pipe)))
        bar = _Progress(n, args.quiet)
        try:
            report = reprocess(store, pipe, all_articles=args.all, jobs=args.jobs,
                               progress=bar, on_error=lambda m: bar.write(f"marsad: {m}"))
        finally:
            bar.close()
        if not args.quiet:
            print(_summary(report, store, time.perf_counter() - started), file=sys.stderr)
    return 0 if not report.failed else 1


# -- query --------------------------------------------------------------------------------
def run_list(args: argparse.Namespace) -> int:
    with Store.open(args.db, create=False) as store:
        if args.kind == "events":
            page = store.events(filters_from(args), args.limit, args.cursor)
        elif args.kind == "quotes":
            page = store.quotes(filters_from(args), args.limit, args.cursor)
        elif args.kind == "actors":
            page = store.actors(args.query, args.type, args.limit, args.cursor)
        else:
            kinds = (args.only,) if args.only else ("article", "quote")
            page = store.search(" ".join(args.query), args.limit, args.cursor, kinds)
    _print_page(page, args.kind, args.json, sys.stdout)
    return 0


def _print_page(page: Page, kind: str, as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(page.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    for item in page.items:
        out.write(_line(item, kind) + "\n")
    if page.next:
        out.write(f"-- more: --cursor {page.next}\n")


def _line(item: dict[str, Any], kind: str) -> str:
    def role(r: Any) -> str:
        if not isinstance(r, dict):
            return "-"
        return f"{r.get('text')} [{r.get('code') or '-'}]"

    if kind == "events":
        return "\t".join(str(x) for x in (
            item.get("day") or "-", item.get("cameo"), f"Q{item.get('quad_class') or '-'}",
            role(item.get("source")), "→", role(item.get("target")),
            (item.get("trigger") or {}).get("text") or "", item["article"]["id"]))
    if kind == "quotes":
        return "\t".join(str(x) for x in (
            item.get("day") or "-", item.get("speaker_text") or "-",
            item.get("speaker_code") or "-", item["text"][:120], item["article"]["id"]))
    if kind == "actors":
        return "\t".join(str(x) for x in (
            item["id"], item["name"], item.get("code") or "-", item.get("type") or "-",
            f"{item['articles']} articles", f"{item['events_as_source']}+"
            f"{item['events_as_target']} events", f"{item['quotes']} quotes"))
    return "\t".join(str(x) for x in (
        item["kind"], item["article"]["id"], item["article"].get("published") or "-",
        item["snippet"].replace("\n", " ")))


# -- export -------------------------------------------------------------------------------
def run_export(args: argparse.Namespace) -> int:
    from ..export import write_csv, write_gdelt, write_parquet, write_plover

    f = filters_from(args)
    with Store.open(args.db, create=False) as store:
        if args.format == "parquet":
            if f != Filters():
                print("marsad: --format parquet exports whole tables; filters are not "
                      "supported", file=sys.stderr)
                return 2
            out_dir = args.out or Path("marsad-parquet")
            out_dir.mkdir(parents=True, exist_ok=True)
            for table in ("articles", "entities", "quotes", "events"):
                n = write_parquet(store.iter_table(table), table, out_dir / f"{table}.parquet")
                print(f"marsad: {n} rows -> {out_dir / (table + '.parquet')}", file=sys.stderr)
            return 0
        out = args.out.open("w", encoding="utf-8", newline="") if args.out else sys.stdout
        try:
            if args.format == "jsonl":
                n = sum(out.write(json.dumps(doc, ensure_ascii=False) + "\n") > 0
                        for doc in store.iter_documents(f))
            elif args.format == "csv":
                if f != Filters():
                    print("marsad: --format csv exports a whole table; filters are not "
                          "supported", file=sys.stderr)
                    return 2
                n = write_csv(store.iter_table(args.table), args.table, out)
            elif args.format == "gdelt":
                n = write_gdelt(store.iter_events(f), out)
            else:
                n = write_plover(store.iter_events(f), out)
        finally:
            if args.out:
                out.close()
    if args.out:
        print(f"marsad: {n} records -> {args.out}", file=sys.stderr)
    return 0


# -- serve --------------------------------------------------------------------------------
def run_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:
        print("marsad: 'serve' needs the server extras: pip install 'marsad[server]'",
              file=sys.stderr)
        return 1
    from ..server.app import TOKEN_ENV, create_app, is_loopback

    Store.open(args.db).close()  # create or migrate it before serving
    token = args.token or os.environ.get(TOKEN_ENV) or None
    app = create_app(args.db, token=token, require_token=not is_loopback(args.host))
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"marsad: serving {redact(args.db)} at http://{host}:{args.port}/ "
          f"(API docs at /docs; Ctrl-C stops)", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
