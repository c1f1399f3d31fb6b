"""Batch runs (``marsad run``): sharding, readers, tables, resume, errors, time budget,
and the Ray engine against the local one."""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import read_jsonl_gz, shared_path
from marsad import Settings, analyze_paths
from marsad.batch import (
    RunReport,
    ShardResult,
    document_rows,
    expand_inputs,
    plan_shards,
    read_shard,
    run_batch,
)
from marsad.batch.readers import auto_shard_size
from marsad.budget import DocumentTimeout, TimeBudget
from marsad.cli import main
from marsad.errors import MarsadError, SettingsError
from marsad.recovery import RawArticle, iter_inputs

pq = pytest.importorskip("pyarrow.parquet")

ANT = ("data", "corpora", "ant-v2.1-world-mideast.jsonl.gz")
#: quick stages for the tests that check the batch machinery, not the analysis
FAST = Settings(stages=("language", "sentences", "tokens"))


def ant(start: int, count: int) -> list[dict[str, Any]]:
    return list(read_jsonl_gz(shared_path(*ANT), start, count))


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(x + "\n" for x in lines), "utf-8")
    return path


def dumps(rec: dict[str, Any]) -> str:
    return json.dumps(rec, ensure_ascii=False)


def table(out: Path, name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(out / name).to_pylist()
    return rows


def comparable(out: Path, name: str) -> list[str]:
    """A table's rows without the run's timestamp, in a stable order."""
    rows = table(out, name)
    for r in rows:
        r.pop("ingested", None)
    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True, default=str) for r in rows)


# -- planning and reading -----------------------------------------------------------------
def test_batch_shards_cover_every_line_in_order_and_are_stable(tmp_path: Path) -> None:
    lines = [dumps(r) for r in ant(0, 23)]
    lines[4] = ""  # a blank line
    lines[9] = '{"title": "broken"'
    path = write_jsonl(tmp_path / "dump.jsonl", lines)
    files = expand_inputs([str(path)])
    shards = plan_shards(files, 5)
    assert [(s.start, s.stop) for s in shards] == [(0, 5), (5, 10), (10, 15), (15, 20),
                                                   (20, 23)]
    assert [s.id for s in shards] == [s.id for s in plan_shards(files, 5)]
    assert len({s.id for s in shards}) == len(shards)
    read = [item for s in shards for item in read_shard(s)]
    expected = list(iter_inputs([str(path)]))
    assert [type(x) for x in read] == [type(x) for x in expected]
    assert [x for x in read if isinstance(x, RawArticle)] == \
        [x for x in expected if isinstance(x, RawArticle)]
    broken = [x for x in read if isinstance(x, MarsadError)]
    assert len(broken) == 1 and "dump.jsonl:10" in str(broken[0])


@pytest.mark.parametrize("records", [10, 2000, 16000, 1_000_000])
def test_batch_default_shard_size_gives_about_64_shards_within_bounds(records: int) -> None:
    size = auto_shard_size(records)
    assert 50 <= size <= 500
    shards = -(-records // size)
    assert (shards <= 64 or size == 500) and (shards >= 32 or size == 50)


def test_batch_gzip_parquet_and_jsonl_give_the_same_articles(tmp_path: Path) -> None:
    import pyarrow as pa
    from dateutil import parser as dateparser

    recs = ant(100, 12)
    plain = write_jsonl(tmp_path / "a.jsonl", [dumps(r) for r in recs])
    packed = tmp_path / "a.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    # Parquet as archives hold it: typed timestamps, extra columns, several row groups
    cols = {k: [r[k] for r in recs] for k in recs[0]}
    cols["published"] = [dateparser.parse(p) for p in cols["published"]]
    cols["n_words"] = [len(r["text"].split()) for r in recs]
    parquet = tmp_path / "a.parquet"
    pq.write_table(pa.table(cols), parquet, row_group_size=5)

    def articles(path: Path) -> list[tuple[Any, ...]]:
        shards = plan_shards(expand_inputs([str(path)]), 4)
        out = []
        for s in shards:
            for x in read_shard(s):
                assert isinstance(x, RawArticle), x
                out.append((x.id, x.title, x.body, x.abstract, x.published, x.site, x.record))
        return out

    reference = articles(plain)
    assert len(reference) == 12 and all(a[4] is not None for a in reference)
    assert articles(packed) == reference
    assert articles(parquet) == reference


def test_batch_reads_and_writes_fsspec_uris(tmp_path: Path) -> None:
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    recs = ant(200, 6)
    fs.pipe("/in/dump.jsonl.gz", gzip.compress("".join(dumps(r) + "\n" for r in recs)
                                                .encode("utf-8")))
    html = next(shared_path("data", "html").rglob("*.html"))
    fs.pipe("/in/pages/page.html", html.read_bytes())
    files = expand_inputs(["memory://in"])
    assert [f.kind for f in files] == ["jsonl", "file"]
    report = run_batch(["memory://in"], "memory://out", settings=FAST, jobs=1, shard_size=4)
    assert report.complete and report.articles == 7 and report.errors == 0
    import pyarrow as pa

    ids = []
    for name in sorted(fs.ls("/out/articles", detail=False)):
        with fs.open(name, "rb") as fh:
            ids += pa.parquet.read_table(fh).column("id").to_pylist()
    assert ids[:6] == [r["id"] for r in recs] and len(ids) == 7
    assert fs.exists("/out/manifest.json") and len(fs.ls("/out/_done")) == 3


# -- tables -------------------------------------------------------------------------------
def test_batch_tables_hold_what_analyze_finds_and_errors_go_to_a_file(tmp_path: Path) -> None:
    recs = ant(1000, 30)
    lines = [dumps(r) for r in recs]
    lines.insert(7, '{"title": "broken"')
    lines.insert(12, json.dumps({"url": "http://example.org/empty"}))
    path = write_jsonl(tmp_path / "dump.jsonl", lines)
    out = tmp_path / "out"
    report = run_batch([str(path)], str(out), jobs=1, shard_size=8)
    results = list(analyze_paths([str(path)]))
    docs = [d for d in results if not isinstance(d, MarsadError)]
    assert (report.articles, report.errors, report.shards) == (
        len(docs), len(results) - len(docs), 4)
    assert len(docs) > 20
    arts = table(out, "articles")
    assert [a["id"] for a in arts] == [d.id for d in docs]
    assert [a["text"] for a in arts] == [d.text for d in docs]
    assert sum(a["n_entities"] for a in arts) == len(table(out, "entities")) \
        == sum(len(d.entities) for d in docs) > 100
    by_doc = {d.id: d.to_json() for d in docs}
    for ent in table(out, "entities"):
        match = [e for e in by_doc[ent["article_id"]]["entities"] if e["id"] == ent["entity"]]
        assert match and match[0]["name"] == ent["name"] and match[0]["code"] == ent["code"]
    assert sorted((e["article_id"], e["cameo"]) for e in table(out, "events")) == sorted(
        (aid, e["cameo"]) for aid, d in by_doc.items() for e in d["events"])
    assert {"article_id", "source_actor", "target_actor", "cameo", "day"} <= set(
        pq.read_schema(next((out / "events").glob("*.parquet"))).names)
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text("utf-8").splitlines()]
    unreadable = [e for e in errors if e["code"] == "E002"]
    assert [e["record"] for e in unreadable] == [8, 13]
    assert "dump.jsonl:8" in unreadable[0]["message"] and "no text" in unreadable[1]["message"]
    assert all(e["path"] == str(path) for e in errors)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["status"] == "complete" and manifest["totals"]["articles"] == len(docs)


def test_batch_rows_are_the_rows_of_the_store_export(tmp_path: Path) -> None:
    from marsad.export.tables import table_rows
    from marsad.store.store import Store, StoredArticle

    docs = [d.to_json() for d in analyze_paths([str(write_jsonl(
        tmp_path / "d.jsonl", [dumps(r) for r in ant(3000, 12)]))])
        if not isinstance(d, MarsadError)]
    # quotes and events by hand where the pipeline has none, so every column is used
    docs[0]["quotes"] = docs[0]["quotes"] or [{
        "id": "q1", "kind": "direct", "text": docs[0]["text"][:20], "start": 0, "end": 20,
        "speaker": docs[0]["entities"][0]["id"], "speaker_text": "x"}]
    docs[0]["events"] = docs[0]["events"] or [{
        "id": "v1", "cameo": "042", "source": {"entity": docs[0]["entities"][0]["id"]},
        "target": {"text": "y", "code": "USA"}, "trigger": {"start": 0, "end": 3,
                                                            "text": docs[0]["text"][:3]}}]
    store = Store.open(str(tmp_path / "s.db"))
    store.write_batch([StoredArticle(doc=d, raw_hash=d["id"], pipeline="p") for d in docs])
    for name in ("articles", "entities", "quotes", "events"):
        ours = [r for d in docs for r in document_rows(d, pipeline="p", ingested=None)[name]]
        theirs = list(table_rows(store.iter_table(name), name))
        if name == "articles":  # the time of writing
            for r in (*ours, *theirs):
                r["ingested"] = None
        assert ours == theirs, name
        assert ours, name


# -- resume -------------------------------------------------------------------------------
def test_batch_killed_run_resumes_without_duplicates(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "dump.jsonl", [dumps(r) for r in ant(1500, 40)])
    out = tmp_path / "out"

    def kill_after_two(res: ShardResult, done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch([str(path)], str(out), settings=FAST, jobs=1, shard_size=10,
                  progress=kill_after_two)
    assert len(list((out / "_done").iterdir())) == 2
    # what a kill between renames and the marker leaves: a part without a marker
    # and a staged file
    leftover = next((out / "articles").glob("*.parquet"))
    marker = out / "_done" / (leftover.stem + ".json")
    marker.unlink()
    (out / "_staging" / "x").mkdir(parents=True)
    (out / "_staging" / "x" / "articles.parquet").write_bytes(b"partial")

    report = run_batch([str(path)], str(out), settings=FAST, jobs=1, shard_size=10)
    assert (report.skipped, report.ran, report.articles, report.complete) == (1, 3, 40, True)
    ids = [a["id"] for a in table(out, "articles")]
    assert ids == [r["id"] for r in ant(1500, 40)]
    assert not (out / "_staging").exists()
    again = run_batch([str(path)], str(out), settings=FAST, jobs=1, shard_size=10)
    assert (again.ran, again.skipped, again.articles) == (0, 4, 40)


def test_batch_cli_run_killed_with_sigkill_resumes_without_duplicates(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    recs = ant(2400, 120)
    path = write_jsonl(tmp_path / "dump.jsonl", [dumps(r) for r in recs])
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "marsad.cli", "run", "-i", str(path), "-o", str(out),
           "--jobs", "2", "--shard-size", "15", "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / "_done").is_dir() and any((out / "_done").iterdir()):
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, mid-shard
    proc.wait()
    killed_with = len(list((out / "_done").iterdir()))
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["complete"] and report["skipped"] == killed_with
    assert report["articles"] + report["errors"] == len(recs)
    ids = [a["id"] for a in table(out, "articles")]
    assert len(ids) == len(set(ids)) == report["articles"]
    assert ids == [r["id"] for r in recs if r["id"] in set(ids)]


def test_batch_output_of_another_run_is_refused(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "dump.jsonl", [dumps(r) for r in ant(0, 4)])
    out = str(tmp_path / "out")
    run_batch([str(path)], out, settings=FAST, jobs=1, shard_size=2)
    with pytest.raises(SettingsError, match="shard_size"):
        run_batch([str(path)], out, settings=FAST, jobs=1, shard_size=3)
    with pytest.raises(SettingsError, match="settings"):
        run_batch([str(path)], out, settings=FAST.replace(source="x"), jobs=1, shard_size=2)


# -- time budget --------------------------------------------------------------------------
def test_batch_time_budget_interrupts_a_busy_loop_only_when_over() -> None:
    budget = TimeBudget(0.05)

    def spin(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pass

    with budget:
        spin(0.001)
    with pytest.raises(DocumentTimeout), budget:
        spin(5)
    with budget:  # the budget is reusable after a time-out
        spin(0.001)
    spin(0.1)  # and nothing fires after the block is left
    # many short documents in a row (the watchdog is not woken for each), then a long
    # one: it is still stopped about when its own budget runs out
    for _ in range(200):
        with budget:
            spin(0.002)
    started = time.monotonic()
    with pytest.raises(DocumentTimeout), budget:
        spin(5)
    assert time.monotonic() - started < 1.0


def test_batch_runaway_document_becomes_an_error_record(tmp_path: Path) -> None:
    recs = ant(2000, 3)
    # a huge article (the text of 300 articles in one record) among normal ones
    huge = {"id": "huge", "title": "x", "text": "\n".join(r["text"] for r in ant(2100, 300))}
    path = write_jsonl(tmp_path / "dump.jsonl",
                       [dumps(recs[0]), dumps(huge), dumps(recs[1]), dumps(recs[2])])
    out = tmp_path / "out"
    report = run_batch([str(path)], str(out), jobs=1, shard_size=10, time_budget=1.0)
    assert (report.articles, report.errors) == (3, 1)
    [err] = [json.loads(x) for x in (out / "errors.jsonl").read_text("utf-8").splitlines()]
    assert err["code"] == "E005" and err["id"] == "huge" and err["record"] == 2
    assert "time budget of 1 s" in err["message"]


# -- command line -------------------------------------------------------------------------
def test_batch_cli_run_prints_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    path = write_jsonl(tmp_path / "dump.jsonl", [dumps(r) for r in ant(50, 5)])
    out = tmp_path / "out"
    assert main(["run", "--input", str(path), "--output", str(out), "--jobs", "1",
                 "--shard-size", "2"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["articles"] == 5 and report["shards"] == 3 and report["complete"]
    assert "shard 3/3" in captured.err
    assert main(["run", "-i", str(tmp_path / "missing.jsonl"), "-o", str(out)]) == 1
    assert "no such file" in capsys.readouterr().err


# -- engines ------------------------------------------------------------------------------
def test_batch_ray_engine_gives_the_same_tables_as_the_local_one(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    path = write_jsonl(tmp_path / "ant400.jsonl", [dumps(r) for r in ant(1000, 400)])
    reports: dict[str, RunReport] = {}
    for engine in ("local", "ray"):
        reports[engine] = run_batch([str(path)], str(tmp_path / engine), engine=engine,
                                    jobs=2, shard_size=100)
        report = reports[engine]
        assert report.complete and report.articles + report.errors == 400
        assert report.articles > 300
    local, ray_ = tmp_path / "local", tmp_path / "ray"
    for name in ("articles", "entities", "quotes", "events"):
        assert comparable(local, name) == comparable(ray_, name), name

    def events(out: Path) -> list[tuple[str, str]]:
        return sorted((e["article_id"], e["cameo"]) for e in table(out, "events"))
    assert events(local) == events(ray_)
    assert reports["local"].rows == reports["ray"].rows

    def errors(out: Path) -> list[str]:
        return (out / "errors.jsonl").read_text("utf-8").splitlines()
    assert errors(local) == errors(ray_)
