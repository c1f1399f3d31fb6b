"""Ingest: read inputs, analyse them with the same pipeline as ``marsad analyze``, store
them batch by batch.

* Idempotent: an article whose raw input (text and metadata, not the file it came from) was
  already stored by the same pipeline version is skipped without analysing it again; a
  changed article (same id, other content) replaces the stored one.
* Transactional per batch: each batch is one transaction.
* Resumable: after an interruption, running the same command again skips what is stored.
* ``reprocess`` re-analyses articles stored by another pipeline version from the raw input
  kept in the store."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from .. import __version__
from ..api import analyse_stream, learn_then_stream
from ..doc import Doc
from ..errors import MarsadError, RecordError
from ..pipeline import Pipeline
from ..recovery import RawArticle, RepeatedLines
from .store import Store, StoredArticle

_CONTENT_FIELDS = ("body", "kind", "title", "abstract", "published", "url", "site", "id",
                   "author")


def pipeline_version(pipe: Pipeline) -> str:
    """What produced an article: the marsad version and the stages, e.g.
    ``marsad 0.1.0: language,sentences,tokens,entities``."""
    return f"marsad {__version__}: {','.join(pipe.stage_names)}"


def raw_to_json(raw: RawArticle) -> str:
    data = asdict(raw)
    if isinstance(raw.published, date):
        data["published"] = raw.published.isoformat()
    data["warnings"] = list(raw.warnings)
    return json.dumps(data, ensure_ascii=False)


def raw_from_json(text: str) -> RawArticle:
    data = json.loads(text)
    if data.get("published"):
        data["published"] = date.fromisoformat(data["published"])
    data["warnings"] = tuple(data.get("warnings") or ())
    return RawArticle(**data)


def raw_hash(raw: RawArticle) -> str:
    """A hash of the article's content and metadata (not of where it was read from)."""
    data = json.loads(raw_to_json(raw))
    content = {k: data.get(k) for k in _CONTENT_FIELDS}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True)
                          .encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(slots=True)
class IngestReport:
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"read": self.read, "new": self.new, "updated": self.updated,
                "unchanged": self.unchanged, "failed": self.failed}


Progress = Callable[[int], None]
OnError = Callable[[str], None]


def ingest_items(store: Store, items: Iterable[RawArticle | MarsadError], pipe: Pipeline,
                 repeated: RepeatedLines, *, jobs: int = 1, batch_size: int = 64,
                 force: bool = False, progress: Progress | None = None,
                 on_error: OnError | None = None) -> IngestReport:
    """Analyse and store read articles, one transaction per batch. ``force`` re-analyses
    articles that are stored already."""
    report = IngestReport()
    version = pipeline_version(pipe)
    pool = None
    if jobs > 1:
        from ..cli import worker_pool

        pool = worker_pool(jobs, pipe, repeated)
    try:
        it = iter(items)
        while batch := list(itertools.islice(it, batch_size * max(1, jobs))):
            _ingest_batch(store, batch, pipe, repeated, version, pool, force, report,
                          on_error)
            if progress is not None:
                progress(len(batch))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return report


def _analyse(raws: list[RawArticle], pipe: Pipeline, repeated: RepeatedLines,
             pool: ProcessPoolExecutor | None) -> Iterator[dict[str, Any] | str]:
    """Analysis results in input order: the document's JSON or an error message. The
    worker pool is the one ``marsad analyze --jobs`` uses."""
    if pool is None:
        for res in analyse_stream(raws, pipe, repeated):
            yield res.to_json() if isinstance(res, Doc) else str(res)
        return
    from ..cli import _work

    for ok, payload in pool.map(_work, raws, chunksize=8):
        yield json.loads(payload) if ok else payload


def _ingest_batch(store: Store, batch: list[RawArticle | MarsadError], pipe: Pipeline,
                  repeated: RepeatedLines, version: str, pool: ProcessPoolExecutor | None,
                  force: bool, report: IngestReport, on_error: OnError | None) -> None:
    raws: list[RawArticle] = []
    for item in batch:
        report.read += 1
        if isinstance(item, MarsadError):
            report.failed += 1
            _error(report, str(item), on_error)
        else:
            raws.append(item)
    hashes = [raw_hash(r) for r in raws]
    stored = set() if force else store.stored_hashes(hashes, version)
    todo = [(r, h) for r, h in zip(raws, hashes, strict=True) if h not in stored]
    report.unchanged += len(raws) - len(todo)
    out: list[StoredArticle] = []
    for (raw, h), res in zip(todo, _analyse([r for r, _ in todo], pipe, repeated, pool),
                             strict=True):
        if isinstance(res, str):
            report.failed += 1
            _error(report, res, on_error)
            continue
        out.append(StoredArticle(doc=res, raw_hash=h, pipeline=version, raw=raw_to_json(raw)))
    if out:
        new, updated = store.write_batch(out)
        report.new += new
        report.updated += updated


def _error(report: IngestReport, message: str, on_error: OnError | None) -> None:
    if len(report.errors) < 1000:
        report.errors.append(message)
    if on_error is not None:
        on_error(message)


def ingest_paths(store: Store, paths: Iterable[str], pipe: Pipeline, **kw: Any
                 ) -> IngestReport:
    """Read every input form ``marsad analyze`` takes and ingest it (see
    :func:`ingest_items` for the keyword arguments)."""
    from ..recovery import iter_inputs

    items, repeated = learn_then_stream(iter_inputs(list(paths)), pipe.settings)
    return ingest_items(store, items, pipe, repeated, **kw)


def reprocess(store: Store, pipe: Pipeline, *, all_articles: bool = False, **kw: Any
              ) -> IngestReport:
    """Re-analyse the articles stored by another pipeline version (or all of them) from
    the raw input kept in the store."""
    version = "" if all_articles else pipeline_version(pipe)
    stale = store.outdated(version)

    def raws() -> Iterator[RawArticle | MarsadError]:
        for article_id, raw in stale:
            try:
                yield raw_from_json(raw)
            except (ValueError, TypeError) as err:
                yield RecordError(where=f"stored article {article_id}",
                                  detail=f"its raw input cannot be read ({err})")

    items, repeated = learn_then_stream(raws(), pipe.settings)
    return ingest_items(store, items, pipe, repeated, force=True, **kw)


def count_inputs(paths: Iterable[str]) -> int | None:
    """A quick count of the articles in the inputs for a progress bar's ETA (lines of JSONL
    files, one per other file); None for stdin."""
    import gzip
    from pathlib import Path

    from ..recovery.inputs import JSONL_SUFFIXES, SUPPORTED

    total = 0
    for p in paths:
        if p == "-":
            return None
        path = Path(p)
        files = sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path]
        for f in files:
            name = f.name.lower()
            if not name.endswith(SUPPORTED):
                continue
            if name.endswith(JSONL_SUFFIXES):
                opener: Any = gzip.open if name.endswith(".gz") else open
                try:
                    with opener(f, "rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                except OSError:
                    continue
            else:
                total += 1
    return total
