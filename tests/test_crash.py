"""Crash safety: ``marsad ingest`` and ``marsad run`` killed with SIGKILL in the middle of a
batch, then run again, leave exactly what a clean run leaves — every article once, none
half-stored, and a SQLite file that passes ``PRAGMA integrity_check``."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from test_store import sample_lines, write_jsonl

#: ANT records from the bundled sample; one broken line in the middle stays an error
N_RECORDS = 128


def _dump(tmp_path: Path) -> tuple[Path, int]:
    lines = sample_lines(N_RECORDS)
    lines.insert(N_RECORDS // 2, "{this line is not JSON\n")
    return write_jsonl(tmp_path / "dump.jsonl", lines), N_RECORDS


def _marsad(*args: str) -> list[str]:
    return [sys.executable, "-m", "marsad.cli", *args]


def _kill_when(cmd: list[str], ready: Callable[[], bool], timeout: float = 240) -> None:
    """Start ``cmd`` in its own process group, SIGKILL the group (workers too) as soon as
    ``ready()`` holds, i.e. while it is in the middle of its work."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if ready():
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the command finished before it could be killed"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            return int(con.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:  # not created yet, or locked for a moment
        return 0


def _tables(db: Path) -> dict[str, list[str]]:
    """Every row of every table, keyed by article id instead of row numbers, without the
    time of writing: what two stores that hold the same articles have in common."""
    con = sqlite3.connect(str(db))
    con.row_factory = sqlite3.Row
    out: dict[str, list[str]] = {}
    try:
        ids = {r["pk"]: r["id"] for r in con.execute("SELECT pk, id FROM articles")}
        for table in ("articles", "actors", "entities", "mentions", "quotes", "events"):
            rows = []
            for r in con.execute(f"SELECT * FROM {table}"):
                row: dict[str, Any] = dict(r)
                row.pop("pk", None)
                row.pop("ingested", None)
                if "article_pk" in row:
                    row["article_pk"] = ids[row["article_pk"]]
                rows.append(json.dumps(row, ensure_ascii=False, sort_keys=True, default=str))
            out[table] = sorted(rows)
        for fts in ("article_fts", "quote_fts"):
            out[fts] = [str(con.execute(f"SELECT COUNT(*) FROM {fts}").fetchone()[0])]
    finally:
        con.close()
    return out


def _check_whole(db: Path, expected_articles: int) -> None:
    con = sqlite3.connect(str(db))
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        ids = [r[0] for r in con.execute("SELECT id FROM articles")]
        assert len(ids) == len(set(ids)) == expected_articles
        # no half-stored article: each article row has all the rows its document lists
        for name, n_entities, n_quotes, n_events, doc in con.execute(
                "SELECT id, n_entities, n_quotes, n_events, doc FROM articles"):
            d = json.loads(doc)
            got = [con.execute(f"SELECT COUNT(*) FROM {t} JOIN articles a ON a.pk = "
                               f"{t}.article_pk WHERE a.id = ?", (name,)).fetchone()[0]
                   for t in ("entities", "quotes", "events")]
            assert got == [n_entities, n_quotes, n_events], name
            assert got == [len(d["entities"]), len(d["quotes"]), len(d["events"])], name
            mentions = con.execute("SELECT COUNT(*) FROM mentions JOIN articles a ON a.pk = "
                                   "mentions.article_pk WHERE a.id = ?", (name,)).fetchone()[0]
            assert mentions == sum(len(e["mentions"]) for e in d["entities"]), name
    finally:
        con.close()


def test_crash_ingest_killed_mid_batch_resumes_to_what_a_clean_ingest_stores(
        tmp_path: Path) -> None:
    dump, n = _dump(tmp_path)
    clean, crashed = tmp_path / "clean.db", tmp_path / "crashed.db"
    ok = subprocess.run(_marsad("ingest", str(dump), "--db", str(clean), "--batch", "16",
                                "--quiet"), capture_output=True, text=True, timeout=600,
                        check=False)
    assert ok.returncode == 0, ok.stderr
    assert "dump.jsonl:" in ok.stderr and "invalid JSON" in ok.stderr
    # killed twice: once after the first batches are committed, once later
    for at_least in (16, 80):
        _kill_when(_marsad("ingest", str(dump), "--db", str(crashed), "--batch", "16",
                           "--quiet"), lambda k=at_least: _count(crashed) >= k)
        con = sqlite3.connect(str(crashed))
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()
        assert at_least <= _count(crashed) < n
    again = subprocess.run(_marsad("ingest", str(dump), "--db", str(crashed), "--batch", "16",
                                   "--quiet"), capture_output=True, text=True, timeout=600,
                           check=False)
    assert again.returncode == 0, again.stderr
    _check_whole(crashed, n)
    _check_whole(clean, n)
    assert _tables(crashed) == _tables(clean)


pq = pytest.importorskip("pyarrow.parquet")


def _run_tables(out: Path) -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    for name in ("articles", "entities", "quotes", "events"):
        rows = pq.read_table(out / name).to_pylist()
        for r in rows:
            r.pop("ingested", None)
        tables[name] = sorted(json.dumps(r, ensure_ascii=False, sort_keys=True, default=str)
                              for r in rows)
    errors = (out / "errors.jsonl").read_text("utf-8").splitlines()
    tables["errors"] = sorted(errors)
    return tables


def test_crash_run_killed_mid_shard_resumes_to_the_tables_of_a_clean_run(
        tmp_path: Path) -> None:
    dump, n = _dump(tmp_path)
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    args = ("--jobs", "2", "--shard-size", "30", "--quiet")
    ok = subprocess.run(_marsad("run", "-i", str(dump), "-o", str(clean), *args),
                        capture_output=True, text=True, timeout=600, check=False)
    assert ok.returncode == 0, ok.stderr
    done = crashed / "_done"
    _kill_when(_marsad("run", "-i", str(dump), "-o", str(crashed), *args),
               lambda: done.is_dir() and len(list(done.iterdir())) >= 2)
    again = subprocess.run(_marsad("run", "-i", str(dump), "-o", str(crashed), *args),
                           capture_output=True, text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["complete"] and report["skipped"] >= 2
    ours, theirs = _run_tables(crashed), _run_tables(clean)
    ids = [json.loads(r)["id"] for r in ours["articles"]]
    assert len(ids) == len(set(ids)) == n
    assert ours == theirs
    assert len(ours["errors"]) == 1 and json.loads(ours["errors"][0])["record"] == n // 2 + 1
