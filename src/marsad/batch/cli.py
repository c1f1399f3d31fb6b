"""``marsad run``: a thin command over :func:`marsad.batch.run_batch`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from ..runtime import tune_gc_for_batch
from ..settings import Settings
from .engines import ENGINES
from .run import run_batch
from .worker import ShardResult


def add_commands(subparsers: Any) -> None:
    from ..cli import iso_date

    run = subparsers.add_parser(
        "run", help="analyse an archive into sharded Parquet tables (resumable)",
        description="Analyse every article of JSONL, JSONL.gz, Parquet, JSON, HTML or text "
        "inputs (local paths or fsspec URIs such as s3://bucket/dump/) into sharded Parquet "
        "tables (articles, entities, quotes, events) plus a manifest under --output. "
        "Documents that fail go to errors.jsonl with the reason. Running the same command "
        "again skips the shards already done, so a killed run resumes.")
    run.add_argument("--input", "-i", nargs="+", action="extend", required=True,
                     metavar="PATH_OR_URI", help="files, directories, globs or URIs")
    run.add_argument("--output", "-o", required=True, metavar="DIR",
                     help="output directory (local path or URI)")
    run.add_argument("--engine", choices=ENGINES, default="local",
                     help="local: worker processes on this machine (default); ray: Ray Data, "
                     "locally or on the cluster of RAY_ADDRESS / --ray-address")
    run.add_argument("--jobs", type=int, default=None,
                     help="workers (default: every CPU of this machine, or of the Ray cluster)")
    run.add_argument("--shard-size", type=int, default=None, metavar="N",
                     help="records per shard (default: the input's size / 64, at least 50 "
                     "and at most 500); fixed for the life of an output")
    run.add_argument("--time-budget", type=float, default=60.0, metavar="SECONDS",
                     help="seconds one document may take before it is skipped as an error "
                     "(default 60; 0 for no limit)")
    run.add_argument("--ray-address", default=None, metavar="ADDRESS",
                     help="Ray cluster to use (default: RAY_ADDRESS, else a local Ray)")
    run.add_argument("--published", type=iso_date, help="publication date for inputs "
                     "without one")
    run.add_argument("--source", help="source/site name for inputs without one")
    run.add_argument("--boilerplate", action="append", default=[], type=Path, metavar="FILE",
                     help="extra boilerplate lexicon")
    run.add_argument("--actors", action="append", default=[], type=Path, metavar="FILE",
                     help="your own actor dictionary (TSV)")
    run.add_argument("--quiet", action="store_true", help="no progress lines")
    run.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        print("marsad: --jobs must be at least 1", file=sys.stderr)
        return 2
    settings = Settings(published=args.published, source=args.source,
                        boilerplate_files=tuple(args.boilerplate),
                        actor_files=tuple(args.actors))
    t0 = time.perf_counter()
    analysed = [0]

    def progress(res: ShardResult, done: int, total: int) -> None:
        analysed[0] += res.articles
        if not args.quiet:
            rate = res.articles / res.seconds if res.seconds else 0.0
            print(f"marsad: shard {done}/{total} {res.id}: {res.articles} articles, "
                  f"{res.errors} errors, {rate:.0f} articles/s, "
                  f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)

    tune_gc_for_batch()  # (for the shards run in this process with --jobs 1)
    report = run_batch(args.input, args.output, settings=settings, engine=args.engine,
                       jobs=args.jobs, shard_size=args.shard_size,
                       time_budget=args.time_budget, ray_address=args.ray_address,
                       progress=progress)
    print(json.dumps(report.to_json(), ensure_ascii=False))
    if not args.quiet:
        rate = analysed[0] / report.seconds if report.seconds else 0.0
        print(f"marsad: {report.ran} shard(s) run ({rate:.0f} articles/s), "
              f"{report.skipped} already done; in all {report.articles} articles, "
              f"{report.errors} errors (see {args.output.rstrip('/')}/errors.jsonl)",
              file=sys.stderr)
    return 0 if report.articles or not report.errors else 1
