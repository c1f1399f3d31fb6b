"""The HTTP API: stats after ingest, analyse endpoint, paginated lists with filters, JSON
errors, bounded requests, security headers, exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient

from marsad import Pipeline, Settings
from marsad.server import create_app
from marsad.store import Store, ingest_paths
from pg_support import BACKENDS, PgServer, store_target
from test_store import SEED, build_store, sample_lines, write_jsonl


@pytest.fixture(scope="module", params=BACKENDS)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           pg_server: PgServer | str) -> Iterator[TestClient]:
    """The API over a store on each backend (SQLite file, PostgreSQL database)."""
    db = store_target(request.param, tmp_path_factory.mktemp("server"), pg_server)("s.db")
    build_store(db, Pipeline(Settings()), n=30).close()
    with TestClient(create_app(db, max_body=200_000)) as c:
        yield c


def test_server_stats_count_301_after_ingesting_300_plus_seed_twice(tmp_path: Path) -> None:
    ant = write_jsonl(tmp_path / "ant.jsonl", sample_lines(300))
    db = str(tmp_path / "m.db")
    pipe = Pipeline(Settings())
    with Store.open(db) as store:
        ingest_paths(store, [str(ant), str(SEED)], pipe)
    with TestClient(create_app(db)) as c:
        assert c.get("/api/stats").json()["articles"] == 301
    with Store.open(db) as store:
        ingest_paths(store, [str(ant)], pipe)
    with TestClient(create_app(db)) as c:
        stats = c.get("/api/stats").json()
        assert stats["articles"] == 301 and stats["entities"] > 301


def test_server_analyze_returns_a_marsad_article(client: TestClient,
                                                 check_output: Any) -> None:
    sentence = "وقال الرئيس الإيراني حسن روحاني إن «إيران ستدافع عن القدس» أمام البرلمان."
    r = client.post("/api/analyze", content=sentence.encode(),
                    headers={"content-type": "text/plain; charset=utf-8"},
                    params={"published": "2018-03-01"})
    assert r.status_code == 200
    doc = r.json()
    check_output(doc)
    assert doc["schema"] == "marsad.article/1" and doc["published"] == "2018-03-01"
    assert any(e["name"] == "حسن روحاني" for e in doc["entities"])
    rec = {"title": "عنوان الخبر", "text": sentence, "published": "2018-05-14",
           "url": "https://example.org/a"}
    r = client.post("/api/analyze", json=rec)
    assert r.status_code == 200 and r.json()["source"]["url"] == rec["url"]
    html = f"<html><body><article><h1>عنوان</h1><p>{sentence}</p></article></body></html>"
    r = client.post("/api/analyze", content=html.encode(),
                    headers={"content-type": "text/html"})
    assert r.status_code == 200 and "حسن روحاني" in r.json()["text"]


@pytest.mark.parametrize(("method", "path", "kw", "status"), [
    ("post", "/api/analyze", {"content": b"x" * 300_000}, 413),
    ("post", "/api/analyze", {"content": b"\x89PNG\r\n\x1a\n\x00\x00IHDR"}, 400),
    ("post", "/api/analyze", {"content": b"", "headers": {"content-type": "text/plain"}}, 400),
    ("post", "/api/analyze", {"content": b"{", "headers": {"content-type": "application/json"}},
     400),
    ("post", "/api/analyze", {"content": b"abc", "headers": {"content-type": "image/png"}}, 415),
    ("get", "/api/events?cameo=abc", {}, 400),
    ("get", "/api/events?quad_class=7", {}, 422),
    ("get", "/api/events?cursor=%21%21", {}, 400),
    ("get", "/api/articles/no-such-article", {}, 404),
    ("get", "/api/actors/no-such-actor", {}, 404),
    ("get", "/api/nowhere", {}, 404),
    ("get", "/api/search?q=%2C%2C", {}, 400),
])
def test_server_errors_are_json_with_a_message(client: TestClient, method: str, path: str,
                                               kw: dict[str, Any], status: int) -> None:
    r = getattr(client, method)(path, **kw)
    assert r.status_code == status
    err = r.json()["error"]
    assert err["message"] and err["code"]


def test_server_lists_paginate_and_filter_like_the_cli(client: TestClient) -> None:
    seen: list[str] = []
    url, params = "/api/articles", {"limit": 7}
    while True:
        page = client.get(url, params=params).json()
        assert set(page) == {"items", "next"}
        seen += [a["id"] for a in page["items"]]
        if not page["next"]:
            break
        params = {"limit": 7, "cursor": page["next"]}
    stats = client.get("/api/stats").json()
    assert len(seen) == len(set(seen)) == stats["articles"]
    q4 = client.get("/api/events", params={"quad_class": 4, "limit": 500}).json()["items"]
    assert q4 and {e["quad_class"] for e in q4} == {4}
    actor = client.get("/api/actors", params={"limit": 1}).json()["items"][0]
    page = client.get(f"/api/actors/{actor['id']}").json()
    assert page["id"] == actor["id"] and page["articles"] == actor["articles"]
    arts = client.get("/api/articles", params={"actor": actor["id"], "limit": 500}).json()
    assert len(arts["items"]) == actor["articles"]
    hits = client.get("/api/search", params={"q": "القدس"}).json()["items"]
    assert hits and all(h["match"] for h in hits)
    quotes = client.get("/api/quotes", params={"limit": 3}).json()["items"]
    assert quotes and all("text" in q and q["article"]["id"] for q in quotes)


def test_server_events_export_formats(client: TestClient) -> None:
    n = client.get("/api/stats").json()["events"]
    r = client.get("/api/events", params={"format": "gdelt"})
    rows = list(csv.reader(io.StringIO(r.text), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(rows) == n and all(len(row) == 61 for row in rows)
    r = client.get("/api/events", params={"format": "plover", "quad_class": 1})
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert lines and all(rec["quad_class"] == 1 for rec in lines)


def test_server_sends_security_headers_and_the_ui(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/app.js").status_code == 200
    world = client.get("/static/world.json").json()
    assert len(world) > 150 and all(c["d"].startswith("M") for c in world)
    assert client.get("/openapi.json").json()["paths"]["/api/events"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_server_reopens_the_store_when_the_database_drops_its_connection(
        backend: str, tmp_path: Path, pg_server: PgServer | str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: the server kept one connection, so after a PostgreSQL restart (or a
    terminated session) every request failed until the server was restarted."""
    db = store_target(backend, tmp_path, pg_server)("s.db")
    build_store(db, Pipeline(Settings()), n=5).close()
    with TestClient(create_app(db)) as c:
        before = c.get("/api/stats").json()
        assert before["articles"] == 6
        if backend == "postgresql":  # the database server ends the session
            import psycopg

            with psycopg.connect(db, autocommit=True) as admin:
                killed = admin.execute(
                    "SELECT count(*) FROM pg_stat_activity, pg_terminate_backend(pid) "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchone()
            assert killed is not None and killed[0] >= 1
        else:  # the SQLite connection is closed under the server, once
            real_stats = Store.stats
            closed: list[Store] = []

            def close_then_stats(self: Store) -> Any:
                if not closed:
                    closed.append(self)
                    self.close()
                return real_stats(self)

            monkeypatch.setattr(Store, "stats", close_then_stats)
        r = c.get("/api/stats")
        assert r.status_code == 200 and r.json() == before
        assert c.get("/api/articles").status_code == 200
        if backend == "sqlite":
            assert closed and closed[0].connection_lost()
