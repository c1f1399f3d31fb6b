"""The store's tables as Parquet files (one per table) or CSV, with a fixed, documented
schema (``docs/store.md``): the same columns whatever the data, CAMEO codes as strings,
dates as dates."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

#: table -> [(column, type)], type one of string, int, float, bool, date
TABLES: dict[str, list[tuple[str, str]]] = {
    "articles": [("id", "string"), ("site", "string"), ("url", "string"),
                 ("published", "date"), ("headline", "string"), ("language", "string"),
                 ("n_entities", "int"), ("n_quotes", "int"), ("n_events", "int"),
                 ("pipeline", "string"), ("ingested", "string"), ("text", "string")],
    "entities": [("article_id", "string"), ("entity", "string"), ("actor_id", "string"),
                 ("type", "string"), ("name", "string"), ("code", "string"),
                 ("country", "string"), ("n_mentions", "int")],
    "quotes": [("article_id", "string"), ("quote", "string"), ("kind", "string"),
               ("text", "string"), ("start", "int"), ("end", "int"),
               ("speaker_entity", "string"), ("speaker_actor", "string"),
               ("speaker_text", "string"), ("day", "date"), ("site", "string")],
    "events": [("article_id", "string"), ("event", "string"), ("cameo", "string"),
               ("cameo_root", "string"), ("quad_class", "int"), ("goldstein", "float"),
               ("label", "string"),
               *((f"{r}_{c}", "string") for r in ("source", "target")
                 for c in ("entity", "actor", "text", "code", "country")),
               ("plover_event", "string"), ("plover_mode", "string"),
               ("plover_context", "string"), ("trigger_start", "int"), ("trigger_end", "int"),
               ("trigger_text", "string"), ("negated", "bool"), ("modality", "string"),
               ("day", "date"), ("date_text", "string"), ("place", "string"),
               ("place_country", "string"), ("lat", "float"), ("lon", "float"),
               ("geonames_id", "string"), ("confidence", "float"), ("site", "string"),
               ("sentence_text", "string")],
}

_RENAME = {"char_start": "start", "char_end": "end"}


def table_rows(rows: Iterable[Mapping[str, Any]], table: str) -> Iterator[dict[str, Any]]:
    """Store rows in the export layout of ``table``."""
    cols = [c for c, _ in TABLES[table]]
    for row in rows:
        data = {_RENAME.get(k, k): v for k, v in row.items()}
        if table == "articles" and "doc" in data:
            data["text"] = json.loads(data.pop("doc")).get("text")
        yield {c: data.get(c) for c in cols}


def write_csv(rows: Iterable[Mapping[str, Any]], table: str, out: TextIO) -> int:
    cols = [c for c, _ in TABLES[table]]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(cols)
    n = 0
    for row in table_rows(rows, table):
        writer.writerow(["" if row[c] is None else
                         (int(row[c]) if TABLES_TYPES[table][c] == "bool" else row[c])
                         for c in cols])
        n += 1
    return n


TABLES_TYPES = {t: dict(cols) for t, cols in TABLES.items()}


def arrow_schema(table: str) -> Any:
    import pyarrow as pa

    types: dict[str, Callable[[], Any]] = {
        "string": pa.string, "int": pa.int64, "float": pa.float64, "bool": pa.bool_,
        "date": pa.date32}
    return pa.schema([pa.field(c, types[t]()) for c, t in TABLES[table]])


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "date":
        from datetime import date

        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    if kind == "bool":
        return bool(value)
    return value


def write_parquet(rows: Iterable[Mapping[str, Any]], table: str, path: Path,
                  batch_size: int = 5000) -> int:
    """Write one table to ``path`` in batches (memory stays bounded)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(table)
    kinds = TABLES_TYPES[table]
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in table_rows(rows, table):
            batch.append({c: _value(v, kinds[c]) for c, v in row.items()})
            if len(batch) >= batch_size:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            n += len(batch)
    return n
