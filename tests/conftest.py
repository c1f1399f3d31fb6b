"""Shared fixtures: the pipeline (built once), paths to the shared data, and a checker
that every output validates against the JSON Schema and that every span slices the text."""

from __future__ import annotations

import gzip
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from marsad import Pipeline, Settings
from marsad.doc import iter_spans
from marsad.resources import data_path
from pg_support import PgServer, pg_server_or_skip

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MARSAD_SHARED", REPO.parent / "shared"))
SEED = REPO / "examples" / "aawsat-soleimani-2017.txt"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (set MARSAD_SHARED)")
    return path


def read_jsonl_gz(path: Path, start: int = 0, count: int | None = None) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        stop = None if count is None else start + count
        for line in islice(fh, start, stop):
            yield json.loads(line)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | str]:
    """A throwaway PostgreSQL server, or why there is none (tests/pg_support.py)."""
    with pg_server_or_skip() as server:
        yield server


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline(Settings(include_tokens=True))


@pytest.fixture(scope="session")
def schema_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(data_path("schema", "marsad.article-1.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="session")
def check_output(schema_validator: jsonschema.Draft202012Validator
                 ) -> Callable[[dict[str, Any]], None]:
    """Assert that an exported document is schema-valid and all its offsets are right."""
    def check(doc: dict[str, Any]) -> None:
        errors = sorted(schema_validator.iter_errors(doc), key=lambda e: list(e.path))
        assert not errors, f"schema errors: {[e.message for e in errors[:5]]}"
        text = doc["text"]
        for layer, start, end in iter_spans(doc):
            assert 0 <= start <= end <= len(text), (layer, start, end, len(text))
        for para in doc["body"]:
            assert text[para["start"]:para["end"]] == para["text"]
        if doc["headline_span"]:
            s = doc["headline_span"]
            assert text[s["start"]:s["end"]] == doc["headline"]
        if doc["subheadline_span"]:
            s = doc["subheadline_span"]
            assert text[s["start"]:s["end"]] == doc["subheadline"]
        for sent in doc["sentences"]:
            piece = text[sent["start"]:sent["end"]]
            assert piece and piece == piece.strip() and "\n" not in piece
        for ent in doc["entities"]:
            for m in ent["mentions"]:
                assert text[m["start"]:m["end"]] == m["text"]
        for q in doc["quotes"]:
            assert text[q["start"]:q["end"]] == q["text"]
    return check


@contextmanager
def serve_in_thread(target: str) -> Iterator[str]:
    """``marsad serve`` over a store (path or URL) on a free loopback port, in a thread:
    yields the base URL, stops the server on exit. For the browser tests."""
    import uvicorn

    from marsad.server import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    srv = uvicorn.Server(uvicorn.Config(create_app(target), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)
