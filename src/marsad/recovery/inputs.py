"""Reading every input form into :class:`RawArticle` objects: raw text files, HTML pages,
JSON records, JSONL dumps (also gzip-compressed), directories of these, and stdin.

Reading never raises for one bad record: it yields a :class:`~marsad.errors.MarsadError`
in the record's place, so the caller can report it and go on with the others."""

from __future__ import annotations

import codecs
import gzip
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from ..errors import InputError, MarsadError, RecordError
from .dates import parse_date

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz", ".json.gz")
JSON_SUFFIXES = (".json",)
SUPPORTED = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + JSON_SUFFIXES
MAX_FILE_BYTES = 64 * 1024 * 1024

FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "abstract": ("abstract", "subheadline", "subtitle", "description", "lead", "summary"),
    "body": ("text", "content", "body", "article", "maintext"),
    "published": ("published", "date", "date_extracted", "time", "date_publish",
                  "datePublished", "published_at", "pubdate"),
    "url": ("url", "link"),
    "site": ("source", "site", "sitename", "source_domain", "domain"),
    "id": ("id", "_id", "doc_id", "uuid"),
    "author": ("author", "authors", "byline"),
    "html": ("html", "raw_html"),
}


@dataclass(frozen=True, slots=True)
class RawArticle:
    """One article as read, before recovery. ``body`` is the raw text (lines)."""

    body: str
    kind: str = "text"  # text | html | record
    title: str | None = None
    abstract: str | None = None
    published: date | None = None
    url: str | None = None
    site: str | None = None
    path: str | None = None
    record: int | None = None
    id: str | None = None
    author: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        where = self.path or "<input>"
        return f"{where}:{self.record}" if self.record is not None else where


# -- decoding -----------------------------------------------------------------------------
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def decode_bytes(data: bytes, where: str) -> tuple[str, list[str]]:
    """Decode input bytes: BOMs, UTF-8, a detected legacy encoding (Windows-1256 ...),
    else UTF-8 with U+FFFD replacements and a warning that says where."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), []
    if b"\x00" in data[:4096]:
        raise InputError(where=where, detail="it looks like a binary file (NUL bytes), "
                         "not text, HTML or JSON. Pass an article file instead")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as err:
        first_bad = err.start
    legacy = _detect_legacy(data)
    if legacy:
        return data.decode(legacy, errors="replace"), [
            f"encoding: input is not UTF-8; decoded as {legacy}"]
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    return text, [f"encoding: invalid UTF-8 at byte {first_bad} ({bad} bad sequence(s)); "
                  "replaced with U+FFFD"]


def _detect_legacy(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    best = from_bytes(data[:200_000]).best()
    if best is None:
        return None
    enc = str(best.encoding)
    if enc.replace("_", "-").lower() in {"utf-8", "ascii"}:
        return None
    return enc


# -- reading ------------------------------------------------------------------------------
def iter_inputs(paths: list[str], *, stdin: BinaryIO | None = None
                ) -> Iterator[RawArticle | MarsadError]:
    """Every article of every path, in order. ``-`` reads stdin. Directories are walked
    in sorted order for files with a supported suffix."""
    for p in paths:
        if p == "-":
            stream = stdin if stdin is not None else _stdin()
            yield from articles_from_bytes(stream.read(), "<stdin>", None)
            continue
        path = Path(p)
        if path.is_dir():
            files = sorted(f for f in path.rglob("*") if f.is_file()
                           and f.name.lower().endswith(SUPPORTED) and not f.name.startswith("."))
            if not files:
                yield InputError(where=p, detail="the directory holds no .txt, .html, .json "
                                 "or .jsonl files")
            for f in files:
                yield from _from_file(f)
        elif path.exists():
            yield from _from_file(path)
        else:
            yield InputError(where=p, detail="no such file or directory")


def _stdin() -> BinaryIO:
    import sys
    return sys.stdin.buffer


def _from_file(path: Path) -> Iterator[RawArticle | MarsadError]:
    name = path.name.lower()
    where = str(path)
    try:
        if name.endswith(JSONL_SUFFIXES) and name.endswith(".gz"):
            with gzip.open(path, "rb") as fh:
                yield from _jsonl(fh, where)
            return
        if name.endswith(JSONL_SUFFIXES):
            with path.open("rb") as fh:
                yield from _jsonl(fh, where)
            return
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield InputError(where=where, detail=f"file is {size} bytes, more than the "
                             f"{MAX_FILE_BYTES} byte limit; split it or use JSONL")
            return
        data = path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        yield InputError(where=where, detail=str(err))
        return
    yield from articles_from_bytes(data, where, name)


def articles_from_bytes(data: bytes, where: str, name: str | None
                        ) -> Iterator[RawArticle | MarsadError]:
    """The articles of one file's bytes (decoded, sniffed by ``name`` and content)."""
    try:
        text, warnings = decode_bytes(data, where)
    except MarsadError as err:
        yield err
        return
    kind = sniff(text, name)
    if kind == "jsonl":
        yield from _jsonl(io.BytesIO(text.encode("utf-8", "surrogatepass")), where)
    elif kind == "json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as err:
            yield RecordError(where=where, detail=f"invalid JSON ({err.msg} at line {err.lineno})")
            return
        items = obj if isinstance(obj, list) else [obj]
        for i, item in enumerate(items, 1):
            yield safe_record(item, where, i if isinstance(obj, list) else None, warnings)
    elif kind == "html":
        yield RawArticle(body=text, kind="html", path=where, warnings=tuple(warnings))
    else:
        yield RawArticle(body=text, kind="text", path=where, warnings=tuple(warnings))


def sniff(text: str, name: str | None) -> str:
    """``text``, ``html``, ``json`` or ``jsonl``, from the file name and the content."""
    if name:
        if name.endswith(JSONL_SUFFIXES):
            return "jsonl"
        if name.endswith(JSON_SUFFIXES):
            return "json"
        if name.endswith(HTML_SUFFIXES):
            return "html"
    head = text.lstrip("\ufeff \t\r\n")[:1000]
    low = head.lower()
    if low.startswith(("<!doctype html", "<html", "<?xml")) or (
            head.startswith("<") and any(t in low for t in ("<body", "<div", "<p", "<head"))):
        return "html"
    if head.startswith(("{", "[")):
        first = head.split("\n", 1)[0].strip()
        if head.startswith("{") and first.endswith("}") and "\n{" in text[:200_000]:
            return "jsonl"
        return "json"
    return "text"


def _jsonl(fh: BinaryIO | io.BytesIO | gzip.GzipFile, where: str
           ) -> Iterator[RawArticle | MarsadError]:
    n = 0
    try:
        for n, raw in enumerate(fh, 1):
            if raw.strip():
                yield jsonl_record(raw, where, n)
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        yield InputError(where=f"{where}:{n + 1}", detail=f"stream broken: {err}")


def jsonl_record(raw: bytes, where: str, n: int) -> RawArticle | MarsadError:
    """One line ``n`` of a JSONL file as an article, or the error that says why not
    (invalid UTF-8 is replaced, with a warning)."""
    try:
        line = raw.decode("utf-8")
        warnings: list[str] = []
    except UnicodeDecodeError:
        line = raw.decode("utf-8", errors="replace")
        warnings = [f"encoding: invalid UTF-8 in line {n}; replaced with U+FFFD"]
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        return RecordError(where=f"{where}:{n}", detail=f"invalid JSON ({err.msg})")
    return safe_record(obj, where, n, warnings)


def safe_record(obj: Any, path: str, n: int | None, warnings: list[str] | None = None
                 ) -> RawArticle | MarsadError:
    try:
        return record_to_raw(obj, path=path, record=n, warnings=warnings)
    except MarsadError as err:
        return err


def record_to_raw(obj: Any, *, path: str | None = None, record: int | None = None,
                  warnings: list[str] | None = None) -> RawArticle:
    """Map a JSON news record (many common field names) to a :class:`RawArticle`."""
    where = f"{path or '<record>'}" + (f":{record}" if record is not None else "")
    if not isinstance(obj, Mapping):
        raise RecordError(where=where, detail=f"expected a JSON object, got {type(obj).__name__}")
    got = {name: _field(obj, name, where) for name in FIELDS}
    body, html = got["body"], got["html"]
    warns = list(warnings or ())
    if not body and not html and not got["title"]:
        raise RecordError(where=where, detail="no text: expected one of the fields "
                          + ", ".join(FIELDS["body"] + FIELDS["title"] + FIELDS["html"]))
    published = None
    if got["published"]:
        published = parse_date(got["published"])
        if published is None:
            warns.append(f"published: cannot read date {got['published'][:60]!r}")
    site = got["site"] or (urlsplit(got["url"]).hostname if got["url"] else None)
    return RawArticle(
        body=body or html or "", kind="record" if body or not html else "html",
        title=got["title"], abstract=got["abstract"], published=published,
        url=got["url"], site=site, path=path, record=record, id=got["id"],
        author=got["author"], warnings=tuple(warns))


def _field(obj: Mapping[str, Any], name: str, where: str) -> str | None:
    for key in FIELDS[name]:
        if key not in obj or obj[key] is None:
            continue
        value = obj[key]
        if isinstance(value, str):
            return value
        if name == "id" and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if name == "author" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            return ", ".join(value)
        raise RecordError(where=where, detail=f"field '{key}' should be a string, "
                          f"got {type(value).__name__}")
    return None
