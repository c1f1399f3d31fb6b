"""A batch run: plan the shards (or load the plan of an earlier, interrupted run of the
same command), learn the input's repeated boilerplate lines once, run the shards that
are not done yet on an engine, then merge the error lines and write the totals."""

from __future__ import annotations

import dataclasses
import itertools
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .. import __version__
from ..errors import SettingsError
from ..pipeline import learn_repeated as learn_repeated_lines
from ..recovery import RawArticle, RepeatedLines
from ..settings import Settings
from .engines import run_shards
from .output import DONE_DIR, STAGING_DIR, Output
from .readers import InputFile, ShardSpec, expand_inputs, plan_shards, read_shard
from .rows import TABLE_NAMES
from .worker import ShardResult, WorkerContext

MANIFEST = "manifest.json"
MANIFEST_SCHEMA = "marsad.run/1"

Progress = Callable[[ShardResult, int, int], None]


@dataclass(frozen=True, slots=True)
class RunReport:
    """What a run did: shards in the plan, already done before, run now; totals over all
    done shards."""

    output: str
    shards: int
    skipped: int
    ran: int
    articles: int
    errors: int
    rows: dict[str, int] = field(default_factory=dict)
    tokens: int = 0
    seconds: float = 0.0
    complete: bool = False

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def settings_json(settings: Settings) -> dict[str, Any]:
    """The settings as JSON, to tell whether a resumed run would analyse the same way."""
    data = json.loads(json.dumps(dataclasses.asdict(settings), default=str))
    return data  # type: ignore[no-any-return]


def _repeated_to_json(rep: RepeatedLines) -> dict[str, list[str]]:
    return {site: sorted(keys) for site, keys in sorted(rep.by_site.items())}


def _repeated_from_json(data: dict[str, list[str]]) -> RepeatedLines:
    return RepeatedLines({site: frozenset(keys) for site, keys in data.items()})


def learn_repeated(shards: list[ShardSpec], settings: Settings) -> RepeatedLines:
    """Learn the lines repeated across a site's articles from the first
    ``settings.repeated_sample`` records, as ``marsad analyze`` does for its inputs."""
    def head() -> Iterator[RawArticle]:
        for spec in shards:
            for item in read_shard(spec):
                if isinstance(item, RawArticle):
                    yield item
    return learn_repeated_lines(itertools.islice(head(), settings.repeated_sample), settings)


def _config(inputs: list[str], files: list[InputFile], shard_size: int | None,
            settings: Settings
            ) -> dict[str, Any]:
    return {"inputs": list(inputs), "shard_size": shard_size,
            "files": [[f.uri, f.size] for f in files],
            "settings": settings_json(settings),
            "pipeline": f"marsad {__version__}: {','.join(settings.stages)}"}


def run_batch(inputs: list[str], output: str, *, settings: Settings | None = None,
              engine: str = "local", jobs: int | None = None, shard_size: int | None = None,
              time_budget: float = 60.0, ray_address: str | None = None,
              progress: Progress | None = None) -> RunReport:
    """Analyse every article of ``inputs`` into sharded Parquet tables under ``output``,
    in shards of ``shard_size`` records (default: the input's size / 64, at least 50 and
    at most 500).
    Re-running the same command skips the shards already done (a killed run resumes);
    other inputs or settings in the same ``output`` are an error."""
    if shard_size is not None and shard_size < 1:
        raise SettingsError(name="shard_size", value=shard_size, detail="must be at least 1")
    settings = settings or Settings()
    out = Output(output)
    out.makedirs("")
    files = expand_inputs(inputs)
    config = _config(inputs, files, shard_size, settings)
    if out.exists(MANIFEST):
        manifest = _load_manifest(out, config)
        shards = [ShardSpec.from_json(s) for s in manifest["shards"]]
        repeated = _repeated_from_json(json.loads(out.read_text("repeated.json")))
    else:
        shards = plan_shards(files, shard_size)
        repeated = learn_repeated(shards, settings)
        manifest = {"schema": MANIFEST_SCHEMA, "marsad": __version__,
                    "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "config": config, "tables": list(TABLE_NAMES),
                    "shards": [s.to_json() for s in shards], "status": "running"}
        out.write_text("repeated.json", json.dumps(_repeated_to_json(repeated),
                                                   ensure_ascii=False))
        out.write_text(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    for folder in (DONE_DIR, "errors", *TABLE_NAMES):
        out.makedirs(folder)

    done = {name.removesuffix(".json") for name in out.listdir(DONE_DIR)
            if name.endswith(".json")}
    todo = [s for s in shards if s.id not in done]
    _clean(out, {s.id for s in todo})
    context = WorkerContext(settings=settings, repeated=repeated, output=output,
                            time_budget=time_budget, ingested=manifest["created"])
    t0 = time.perf_counter()
    ran = 0
    for result in run_shards(engine, todo, context, jobs=jobs, ray_address=ray_address):
        ran += 1
        if progress is not None:
            progress(result, len(done) + ran, len(shards))
    return _finish(out, manifest, shards, skipped=len(shards) - len(todo),
                   ran=ran, seconds=time.perf_counter() - t0)


def _load_manifest(out: Output, config: dict[str, Any]) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads(out.read_text(MANIFEST))
        old = manifest["config"]
    except (ValueError, KeyError, TypeError) as err:
        raise SettingsError(name="output", value=out.root, detail=(
            f"its {MANIFEST} is unreadable ({err}); use a new --output directory")) from err
    changed = [k for k in config if old.get(k) != config[k]]
    if changed:
        raise SettingsError(name="output", value=out.root, detail=(
            "it holds a run with other " + ", ".join(changed) + "; use a new --output "
            "directory, or delete this one to start over"))
    return manifest


def _clean(out: Output, todo: set[str]) -> None:
    """Remove what a killed run may have left: staged files, and committed files of
    shards that have no done-marker (they are written again)."""
    out.remove(STAGING_DIR)
    for folder, suffix in ((t, ".parquet") for t in TABLE_NAMES):
        for name in out.listdir(folder):
            if name.removesuffix(suffix) in todo:
                out.remove(f"{folder}/{name}")
    for name in out.listdir("errors"):
        if name.removesuffix(".jsonl") in todo:
            out.remove(f"errors/{name}")


def _finish(out: Output, manifest: dict[str, Any], shards: list[ShardSpec], *, skipped: int,
            ran: int, seconds: float) -> RunReport:
    results: list[ShardResult] = []
    for spec in shards:
        try:
            results.append(ShardResult.from_json(json.loads(
                out.read_text(f"{DONE_DIR}/{spec.id}.json"))))
        except (OSError, FileNotFoundError, ValueError, KeyError):
            continue
    done = {r.id for r in results}
    errors = [out.read_text(f"errors/{s.id}.jsonl") for s in shards
              if s.id in done and out.exists(f"errors/{s.id}.jsonl")]
    out.write_text("errors.jsonl", "".join(errors))
    out.remove(STAGING_DIR)
    rows = {t: sum(r.rows.get(t, 0) for r in results) for t in TABLE_NAMES}
    report = RunReport(output=out.root, shards=len(shards), skipped=skipped, ran=ran,
                       articles=sum(r.articles for r in results),
                       errors=sum(r.errors for r in results), rows=rows,
                       tokens=sum(r.tokens for r in results), seconds=seconds,
                       complete=len(done) == len(shards))
    manifest = {**manifest, "status": "complete" if report.complete else "incomplete",
                "totals": {k: v for k, v in report.to_json().items()
                           if k in ("articles", "errors", "rows", "tokens")},
                "shards_done": len(done)}
    out.write_text(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return report

