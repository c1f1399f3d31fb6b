"""The command line, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEED, read_jsonl_gz, shared_path
from marsad.cli import main


def run(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "marsad.cli", *args], input=stdin,
                          capture_output=True, timeout=300, check=False)


def test_cli_single_input_prints_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(SEED)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["schema"] == "marsad.article/1"
    assert out["headline"].startswith("سليماني يعرض")


def test_cli_pretty_is_a_readable_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(SEED), "--format", "pretty"]) == 0
    out = capsys.readouterr().out
    assert "سليماني يعرض" in out and "11 paragraphs" in out and "[subscription]" in out


def test_cli_published_and_source_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(SEED), "--published", "2017-12-14", "--source", "aawsat"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["published"] == "2017-12-14" and out["source"]["site"] == "aawsat"


def test_cli_jsonl_with_broken_line_reports_it_and_goes_on(tmp_path: Path) -> None:
    recs = list(read_jsonl_gz(shared_path("data", "corpora", "ant-v2.1-world-mideast.jsonl.gz"),
                              0, 5))
    lines = [json.dumps(r, ensure_ascii=False) for r in recs]
    lines.insert(2, '{"title": "broken"')
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    res = run(["analyze", str(path)])
    assert res.returncode == 0
    out = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == [r["id"] for r in recs]
    err = res.stderr.decode()
    assert "dump.jsonl:3" in err and "invalid JSON" in err and "1 skipped" in err
    assert "Traceback" not in err


def test_cli_jobs_gives_the_same_output_in_input_order(tmp_path: Path) -> None:
    recs = list(read_jsonl_gz(shared_path("data", "corpora", "ant-v2.1-world-mideast.jsonl.gz"),
                              500, 60))
    lines = [json.dumps(r, ensure_ascii=False) for r in recs]
    lines.insert(41, '{"title": "broken"')  # read errors in the middle of the chunks
    lines.insert(9, "[1, 2")
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    one = run(["analyze", str(path), "--jobs", "1"])
    two = run(["analyze", str(path), "--jobs", "2"])
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    assert [json.loads(x)["id"] for x in two.stdout.decode().splitlines()] == \
        [r["id"] for r in recs]
    assert one.stderr == two.stderr
    assert "dump.jsonl:10" in two.stderr.decode() and "2 skipped" in two.stderr.decode()


def test_cli_reads_stdin() -> None:
    res = run(["analyze", "-"], stdin=SEED.read_bytes())
    assert res.returncode == 0
    assert json.loads(res.stdout)["headline"].startswith("سليماني يعرض")


def test_cli_missing_file_is_one_line_error() -> None:
    res = run(["analyze", "/nonexistent.txt"])
    assert res.returncode == 1
    err = res.stderr.decode().strip().splitlines()
    assert err[0].startswith("marsad: E001") and "no such file" in err[0]


def test_cli_bad_date_is_a_usage_error() -> None:
    res = run(["analyze", str(SEED), "--published", "yesterday"])
    assert res.returncode == 2 and b"ISO date" in res.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_analyze_skips_an_article_over_the_time_budget_and_keeps_the_others(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str) -> None:
    # a runaway-sized text (a reporting frame and an unclosed « repeated) next to the
    # real seed article: the long one is an E009 error, the seed still comes out
    runaway = tmp_path / "runaway.txt"
    runaway.write_text("قال الرئيس إن «" * 40_000, encoding="utf-8")
    status = main(["analyze", str(SEED), str(runaway), "--time-budget", "1",
                   "--jobs", jobs])
    out, err = capsys.readouterr()
    assert status == 0
    docs = [json.loads(line) for line in out.splitlines()]
    assert len(docs) == 1 and "سليماني" in docs[0]["text"]
    assert "E009" in err and "runaway.txt" in err and "--time-budget" in err
