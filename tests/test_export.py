"""Exports round-trip: GDELT rows have GDELT's 61 columns with CAMEO codes as strings,
Parquet files load in pyarrow with the documented schema, PLOVER lines carry the roles."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from marsad import Pipeline, Settings
from marsad.export import (
    GDELT_COLUMNS,
    TABLES,
    arrow_schema,
    plover_record,
    write_csv,
    write_gdelt,
    write_parquet,
)
from marsad.store import Store
from test_store import build_store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return build_store(tmp_path_factory.mktemp("export") / "e.db", Pipeline(Settings()), n=25)


def test_export_gdelt_rows_have_61_columns_and_string_codes(store: Store) -> None:
    events = list(store.iter_events())
    out = io.StringIO()
    assert write_gdelt(events, out) == len(events) > 0
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter="\t",
                           quoting=csv.QUOTE_NONE))
    assert len(GDELT_COLUMNS) == 61 and all(len(r) == 61 for r in rows)
    col = {name: i for i, name in enumerate(GDELT_COLUMNS)}
    for ev, row in zip(events, rows, strict=True):
        assert row[col["EventCode"]] == ev["cameo"]  # "010" stays "010"
        assert row[col["EventRootCode"]] == ev["cameo"][:2]
        assert row[col["QuadClass"]] == str(ev["quad_class"])
        assert row[col["GLOBALEVENTID"]].isdigit()
        if ev["day"]:
            assert row[col["SQLDATE"]] == ev["day"].replace("-", "")
    ids = [r[0] for r in rows]
    assert len(set(ids)) == len(ids)


def test_export_parquet_loads_with_the_documented_schema(store: Store, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    for table in TABLES:
        path = tmp_path / f"{table}.parquet"
        n = write_parquet(store.iter_table(table), table, path)
        loaded = pq.read_table(path)
        assert loaded.schema.equals(arrow_schema(table))
        assert loaded.num_rows == n == store.stats()[table]
    events = pq.read_table(tmp_path / "events.parquet").to_pylist()
    assert {e["cameo"] for e in events} == {e["cameo"] for e in store.iter_events()}


def test_export_plover_and_csv_keep_roles_and_codes(store: Store) -> None:
    ev = next(e for e in store.iter_events() if e["source"] and e["target"])
    rec = plover_record(ev)
    json.dumps(rec)
    assert rec["actor"]["text"] == ev["source"]["text"]
    assert rec["recipient"]["text"] == ev["target"]["text"]
    assert rec["ids"] == {"article": ev["article"]["id"], "event": ev["id"],
                          "url": ev["article"]["url"], "site": ev["article"]["site"]}
    assert (rec["text"] and ev["trigger"] is None) or rec["trigger"] == ev["trigger"]
    out = io.StringIO()
    n = write_csv(store.iter_table("events"), "events", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == n and list(rows[0]) == [c for c, _ in TABLES["events"]]
    assert {r["cameo"] for r in rows} == {e["cameo"] for e in store.iter_events()}


def test_export_cli_writes_every_format(store: Store, tmp_path: Path) -> None:
    from marsad.cli import main

    db = store.target
    for fmt in ("jsonl", "gdelt", "plover", "csv"):
        out = tmp_path / f"x.{fmt}"
        assert main(["export", "--db", db, "--format", fmt, "--out", str(out)]) == 0
        assert out.read_text("utf-8").strip()
    assert main(["export", "--db", db, "--format", "parquet", "--out",
                 str(tmp_path / "pq")]) == 0
    assert sorted(p.name for p in (tmp_path / "pq").iterdir()) == [
        "articles.parquet", "entities.parquet", "events.parquet", "quotes.parquet"]
    docs = [json.loads(x) for x in (tmp_path / "x.jsonl").read_text("utf-8").splitlines()]
    assert len(docs) == store.stats()["articles"]
