"""What a worker does with one shard: read its records, analyse each with the pipeline,
flatten the documents into table rows, write the shard's Parquet files and error lines,
commit them, and write the shard's done-marker last. Both engines call
:meth:`ShardWorker.run`; a worker builds its :class:`~marsad.pipeline.Pipeline` once from
the run's frozen :class:`~marsad.settings.Settings`."""

from __future__ import annotations

import json
import os
import resource
import shutil
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..doc import Doc
from ..errors import MarsadError, StageError
from ..export.tables import write_parquet
from ..pipeline import Pipeline
from ..recovery import RawArticle, RepeatedLines
from ..settings import Settings
from ..store.ingest import pipeline_version
from .budget import DocumentTimeout, TimeBudget
from .output import DONE_DIR, Output
from .readers import ShardSpec, read_shard
from .rows import TABLE_NAMES, document_rows


@dataclass(frozen=True, slots=True)
class WorkerContext:
    """Everything a worker needs, sent once to each worker process or Ray actor."""

    settings: Settings
    repeated: RepeatedLines
    output: str
    #: seconds one document may take (0: no limit)
    time_budget: float = 60.0
    #: the ``ingested`` value of the article rows: when the run started
    ingested: str | None = None


@dataclass(frozen=True, slots=True)
class ShardResult:
    """A finished shard, as its done-marker records it."""

    id: str
    seq: int
    articles: int
    errors: int
    rows: dict[str, int] = field(default_factory=dict)
    tokens: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    pid: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "seq": self.seq, "articles": self.articles,
                "errors": self.errors, "rows": dict(self.rows), "tokens": self.tokens,
                "seconds": round(self.seconds, 3), "cpu_seconds": round(self.cpu_seconds, 3),
                "peak_rss_mb": round(self.peak_rss_mb, 1), "pid": self.pid}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShardResult:
        return cls(id=str(data["id"]), seq=int(data["seq"]), articles=int(data["articles"]),
                   errors=int(data["errors"]), rows=dict(data.get("rows") or {}),
                   tokens=int(data.get("tokens") or 0), seconds=float(data.get("seconds", 0)),
                   cpu_seconds=float(data.get("cpu_seconds", 0)),
                   peak_rss_mb=float(data.get("peak_rss_mb", 0)), pid=int(data.get("pid", 0)))


def error_record(err: MarsadError, spec: ShardSpec, raw: RawArticle | None = None
                 ) -> dict[str, Any]:
    """One line of ``errors.jsonl``: where the document came from and why it failed."""
    path, record = (raw.path, raw.record) if raw else (spec.source, None)
    where = str(err.data.get("where") or "")
    if raw is None and where:  # a record that could not be read: "path:line"
        head, _, tail = where.rpartition(":")
        path, record = (head, int(tail)) if tail.isdigit() and head else (where, None)
    return {"shard": spec.id, "path": path, "record": record,
            "id": raw.id if raw else None, "code": err.code, "message": str(err)}


def _stage_of(err: BaseException) -> str:
    """The pipeline stage that was running where ``err`` was raised."""
    stage = "recover"
    for frame, _ in traceback.walk_tb(err.__traceback__):
        if frame.f_code is Pipeline.process.__code__:
            stage = str(frame.f_locals.get("name", stage))
    return stage


class ShardWorker:
    """Analyses shards. Build once per worker process (it loads the pipeline)."""

    def __init__(self, context: WorkerContext) -> None:
        self.context = context
        self.pipeline = Pipeline(context.settings)
        self.version = pipeline_version(self.pipeline)
        self.output = Output(context.output)
        self.budget = TimeBudget(context.time_budget)

    def analyse(self, raw: RawArticle) -> Doc:
        """One document through the pipeline; any failure, a time-out too, comes out as a
        MarsadError naming the stage (``recover`` for article recovery)."""
        try:
            with self.budget:
                return self.pipeline(raw, self.context.repeated)
        except MarsadError:
            raise
        except DocumentTimeout as err:
            raise self._timeout(_stage_of(err), raw) from None
        except Exception as err:
            raise StageError(stage="recover", doc_id=raw.id or raw.where,
                             detail=f"{type(err).__name__}: {err}") from err

    def _timeout(self, stage: str, raw: RawArticle) -> StageError:
        return StageError(stage=stage, doc_id=raw.id or raw.where, detail=(
            f"took longer than the time budget of {self.budget.seconds:g} s per document "
            "and was skipped; give it more with --time-budget"))

    def run(self, spec: ShardSpec) -> ShardResult:
        t0, c0 = time.perf_counter(), time.process_time()
        tables: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLE_NAMES}
        errors: list[dict[str, Any]] = []
        articles = tokens = 0
        for item in read_shard(spec):
            if isinstance(item, MarsadError):
                errors.append(error_record(item, spec))
                continue
            try:
                doc = self.analyse(item)
            except MarsadError as err:
                errors.append(error_record(err, spec, item))
                continue
            tokens += len(doc.tokens)
            data = doc.to_json()
            for table, rows in document_rows(data, pipeline=self.version,
                                             ingested=self.context.ingested).items():
                tables[table].extend(rows)
            articles += 1
        self._write(spec, tables, errors)
        result = ShardResult(
            id=spec.id, seq=spec.seq, articles=articles, errors=len(errors),
            rows={t: len(r) for t, r in tables.items()}, tokens=tokens,
            seconds=time.perf_counter() - t0, cpu_seconds=time.process_time() - c0,
            peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            pid=os.getpid())
        self.output.write_text(f"{DONE_DIR}/{spec.id}.json", json.dumps(result.to_json()))
        return result

    def _write(self, spec: ShardSpec, tables: dict[str, list[dict[str, Any]]],
               errors: list[dict[str, Any]]) -> None:
        from pathlib import Path

        staging = self.output.staging()
        try:
            staged: dict[str, str] = {}
            for table, rows in tables.items():
                path = Path(staging, f"{table}.parquet")
                write_parquet(rows, table, path)
                staged[f"{table}/{spec.id}.parquet"] = str(path)
            if errors:
                path = Path(staging, "errors.jsonl")
                path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n"
                                        for e in errors), "utf-8")
                staged[f"errors/{spec.id}.jsonl"] = str(path)
            self.output.commit(staged)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
