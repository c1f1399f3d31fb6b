"""Inputs of a batch run: expanding paths and URIs into files, cutting them into
deterministic shards, and reading one shard's records.

A shard is a range of lines of one JSONL file (``.jsonl``, ``.jsonl.gz``, ``.ndjson``), a
range of rows of one Parquet file, or a group of consecutive single-article files (text,
HTML, JSON) of one input directory, all in input order. A worker reads only its own shard,
so inputs must be reachable from every worker: local paths, or any URI that fsspec
understands (``s3://``, ``gs://``, ``https://``, ``memory://`` ...).

Field mapping is the one of ``marsad analyze`` (:func:`marsad.recovery.record_to_raw`);
a broken record becomes a :class:`~marsad.errors.MarsadError` in its place."""

from __future__ import annotations

import gzip
import hashlib
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, cast

from ..errors import InputError, MarsadError
from ..recovery import RawArticle, iter_inputs
from ..recovery.inputs import (
    FIELDS,
    JSONL_SUFFIXES,
    SUPPORTED,
    articles_from_bytes,
    jsonl_record,
    safe_record,
)

PARQUET_SUFFIXES = (".parquet", ".pq")
#: the record columns worth reading from a Parquet file (the others are ignored)
_WANTED_COLUMNS = frozenset(itertools.chain.from_iterable(FIELDS.values()))


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file of the inputs. ``kind``: ``jsonl``, ``parquet`` or ``file`` (one text,
    HTML or JSON document). ``group`` is the input argument it came from."""

    uri: str
    kind: str
    group: str
    size: int | None = None


@dataclass(frozen=True, slots=True)
class ShardSpec:
    """A deterministic piece of the input. ``start``/``stop`` are 0-based line (JSONL) or
    row (Parquet) numbers; ``files`` lists the documents of a ``files`` shard."""

    seq: int
    id: str
    source: str
    kind: str
    start: int = 0
    stop: int = 0
    files: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "id": self.id, "source": self.source, "kind": self.kind,
                "start": self.start, "stop": self.stop, "files": list(self.files)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShardSpec:
        return cls(seq=int(data["seq"]), id=str(data["id"]), source=str(data["source"]),
                   kind=str(data["kind"]), start=int(data["start"]), stop=int(data["stop"]),
                   files=tuple(data.get("files") or ()))


# -- file systems -------------------------------------------------------------------------
def is_uri(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def _fs(uri: str) -> tuple[Any, str]:
    try:
        import fsspec
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise InputError(where=uri, detail="reading URIs needs fsspec: pip install fsspec"
                         ) from err
    try:
        fs, path = fsspec.core.url_to_fs(uri)
    except (ImportError, ValueError) as err:
        raise InputError(where=uri, detail=f"no file system for this URI ({err}); install "
                         "the fsspec driver for its scheme, e.g. s3fs or gcsfs") from err
    return fs, path


def open_binary(uri: str) -> IO[bytes]:
    """Open a local path or URI for reading bytes (not decompressed)."""
    if not is_uri(uri):
        return Path(uri.removeprefix("file://")).open("rb")
    fs, path = _fs(uri)
    return fs.open(path, "rb")  # type: ignore[no-any-return]


def _open_lines(uri: str) -> IO[bytes]:
    """Open for reading lines, decompressing ``.gz``; closing it closes the file too."""
    gz = uri.lower().endswith(".gz")
    if not is_uri(uri):
        path = uri.removeprefix("file://")
        return cast(IO[bytes], gzip.open(path, "rb")) if gz else Path(path).open("rb")
    fs, path = _fs(uri)
    return fs.open(path, "rb", compression="gzip" if gz else None)  # type: ignore[no-any-return]


def _kind(name: str) -> str | None:
    low = name.lower()
    if low.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if low.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(SUPPORTED):
        return "file"
    return None


def expand_inputs(inputs: list[str]) -> list[InputFile]:
    """Every input file in order: directories are walked in sorted order for supported
    files (hidden and ``_``-prefixed names skipped), glob patterns expanded (URIs).
    A missing input or an empty directory is an :class:`InputError`."""
    files: list[InputFile] = []
    for arg in inputs:
        found = _expand_uri(arg) if is_uri(arg) else _expand_local(arg)
        if not found:
            raise InputError(where=arg, detail="no .jsonl, .jsonl.gz, .parquet, .json, "
                             ".html or .txt files found there")
        files += found
    return files


def _expand_local(arg: str) -> list[InputFile]:
    path = Path(arg.removeprefix("file://"))
    if path.is_dir():
        found = sorted(f for f in path.rglob("*") if f.is_file() and _kind(f.name)
                       and not f.name.startswith((".", "_")))
        return [InputFile(str(f), _kind(f.name) or "file", arg, f.stat().st_size)
                for f in found]
    if path.is_file():
        return [InputFile(str(path), _kind(path.name) or "file", arg, path.stat().st_size)]
    raise InputError(where=arg, detail="no such file or directory")


def _expand_uri(arg: str) -> list[InputFile]:
    fs, path = _fs(arg)
    protocol = arg.split("://", 1)[0]
    if any(c in path for c in "*?["):
        names = sorted(fs.glob(path))
    elif fs.isdir(path):
        names = sorted(fs.find(path))
    elif fs.exists(path):
        names = [path]
    else:
        raise InputError(where=arg, detail="no such file or directory")
    out = []
    for name in names:
        base = name.rsplit("/", 1)[-1]
        if _kind(base) is None or base.startswith((".", "_")):
            continue
        uri = name if "://" in name else f"{protocol}://{name}"
        size = fs.size(name)
        out.append(InputFile(uri, _kind(base) or "file", arg,
                             int(size) if size is not None else None))
    return out


# -- planning -----------------------------------------------------------------------------
def count_lines(uri: str) -> int:
    """Lines in a (possibly gzip-compressed) JSONL file, a last line without a newline
    included. One streaming pass in 1 MiB blocks."""
    n = 0
    last = b"\n"
    with _open_lines(uri) as fh:
        while block := fh.read(1 << 20):
            n += block.count(b"\n")
            last = block[-1:]
    return n + (last != b"\n")


def parquet_rows(uri: str) -> int:
    import pyarrow.parquet as pq

    with open_binary(uri) as fh:
        return int(pq.ParquetFile(fh).metadata.num_rows)


def _shard_id(seq: int, key: str) -> str:
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"part-{seq:06d}-{digest}"


#: with no shard size given, about this many shards (between the two bounds below), so
#: that workers finish together on small inputs and shards stay small on large ones
AUTO_SHARDS = 64
AUTO_SHARD_BOUNDS = (50, 500)


def auto_shard_size(records: int) -> int:
    lo, hi = AUTO_SHARD_BOUNDS
    return max(lo, min(hi, -(-records // AUTO_SHARDS)))


def plan_shards(files: list[InputFile], shard_size: int | None = None) -> list[ShardSpec]:
    """Cut the inputs into shards of at most ``shard_size`` records (default:
    :func:`auto_shard_size` of the whole input), in input order. The plan depends only on
    the inputs and ``shard_size``."""
    groups: list[tuple[str, str, list[str], int]] = []  # (source, kind, files, records)
    for (group, is_doc), run in itertools.groupby(files, lambda f: (f.group, f.kind == "file")):
        if is_doc:
            docs = [f.uri for f in run]
            groups.append((group, "files", docs, len(docs)))
            continue
        for f in run:
            total = count_lines(f.uri) if f.kind == "jsonl" else parquet_rows(f.uri)
            groups.append((f.uri, f.kind, [], total))
    size = shard_size or auto_shard_size(sum(g[3] for g in groups))
    shards: list[ShardSpec] = []
    for source, kind, docs, total in groups:
        for start in range(0, total, size):
            stop = min(total, start + size)
            chunk = tuple(docs[start:stop])
            key = f"{source}\0{kind}\0{start}\0{stop}\0" + "\0".join(chunk)
            shards.append(ShardSpec(len(shards), _shard_id(len(shards), key), source, kind,
                                    start, stop, chunk))
    return shards


# -- reading ------------------------------------------------------------------------------
def read_shard(spec: ShardSpec) -> Iterator[RawArticle | MarsadError]:
    """The records of one shard, in order; unreadable records as errors in their place."""
    try:
        if spec.kind == "jsonl":
            yield from _read_jsonl(spec)
        elif spec.kind == "parquet":
            yield from _read_parquet(spec)
        else:
            for uri in spec.files:
                yield from _read_document(uri)
    except (OSError, EOFError, ValueError) as err:
        yield InputError(where=f"{spec.source}:{spec.start + 1}-{spec.stop}",
                         detail=f"{type(err).__name__}: {err}")


def _read_jsonl(spec: ShardSpec) -> Iterator[RawArticle | MarsadError]:
    with _open_lines(spec.source) as fh:
        lines = itertools.islice(fh, spec.start, spec.stop)
        for n, raw in enumerate(lines, spec.start + 1):
            if raw.strip():
                yield jsonl_record(raw, spec.source, n)


def _plain(value: Any) -> Any:
    """Parquet values as the JSON a record would hold (dates as ISO strings)."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _read_parquet(spec: ShardSpec) -> Iterator[RawArticle | MarsadError]:
    import pyarrow.parquet as pq

    with open_binary(spec.source) as fh:
        pf = pq.ParquetFile(fh)
        columns = [c for c in pf.schema_arrow.names if c in _WANTED_COLUMNS]
        first = 0
        for g in range(pf.metadata.num_row_groups):
            rows = pf.metadata.row_group(g).num_rows
            lo, hi = max(spec.start, first), min(spec.stop, first + rows)
            if lo < hi:
                table = pf.read_row_group(g, columns=columns).slice(lo - first, hi - lo)
                for n, obj in enumerate(table.to_pylist(), lo + 1):
                    yield safe_record({k: _plain(v) for k, v in obj.items()}, spec.source, n)
            first += rows
            if first >= spec.stop:
                break


def _read_document(uri: str) -> Iterator[RawArticle | MarsadError]:
    if not is_uri(uri):
        yield from iter_inputs([uri.removeprefix("file://")])
        return
    with open_binary(uri) as fh:
        data = fh.read()
    # the same decoding and sniffing as a local file
    yield from articles_from_bytes(data, uri, uri.rsplit("/", 1)[-1].lower())
