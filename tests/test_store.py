"""The store: idempotent, transactional, resumable ingest through the same pipeline as
``marsad analyze``; queries, filters, pagination and Arabic full-text search — on SQLite
and on PostgreSQL (a throwaway server, see tests/pg_support.py; skipped without one).

Articles and entities are real pipeline output on the bundled ANT sample. Quotes and
events come from the pipeline once its stages produce them; until then
:func:`with_synthetic_layers` adds small synthetic ones to real documents (spans are real
slices of the text; codes are made up) so the query code is exercised."""

from __future__ import annotations

import contextlib
import gzip
import itertools
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from marsad import Pipeline, Settings
from marsad.store import (
    Filters,
    QueryError,
    Store,
    StoredArticle,
    StoreError,
    StoreVersionError,
    ingest_paths,
    pipeline_version,
    reprocess,
)
from marsad.store.dialect import redact
from marsad.store.rows import quad_class_of
from pg_support import BACKENDS, PgServer, store_target

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample" / "ant-v2.1-sample-500.jsonl.gz"
SEED = REPO / "examples" / "sample" / "aawsat-soleimani-2017.txt"

# test data only: a few capitals for synthetic event locations
_PLACES = {"IRN": ("طهران", 35.69, 51.42), "ISR": ("القدس", 31.78, 35.22),
           "SYR": ("دمشق", 33.51, 36.29), "USA": ("واشنطن", 38.9, -77.04),
           "RUS": ("موسكو", 55.75, 37.62), "TUR": ("أنقرة", 39.93, 32.86),
           "PSE": ("غزة", 31.5, 34.47), "EGY": ("القاهرة", 30.04, 31.24)}
_CODES = ("042", "036", "112", "190", "057", "173", "010", "1823")
_GOLDSTEIN = {"042": 1.9, "036": 4.0, "112": -2.0, "190": -10.0, "057": 8.0, "173": -5.0,
              "010": 0.0, "1823": -9.0}


def sample_lines(n: int, start: int = 0) -> list[str]:
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as fh:
        return list(itertools.islice(fh, start, start + n))


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines), encoding="utf-8")
    return path


def with_synthetic_layers(doc: dict[str, Any], n: int) -> dict[str, Any]:
    """Add synthetic quotations («...» after a person) and events (between two entities of
    one sentence) when the pipeline produced none."""
    doc = json.loads(json.dumps(doc))
    text = doc["text"]
    mentions = sorted(((m["start"], m["end"], e) for e in doc["entities"]
                       for m in e["mentions"]), key=lambda t: t[0])
    if not doc["quotes"]:
        for i, m in enumerate(re.finditer(r"«([^«»\n]{15,300})»", text)):
            before = [e for s, _, e in mentions if s < m.start() and e["type"] == "PER"]
            speaker = before[-1] if before else None
            doc["quotes"].append({
                "id": f"q{i + 1}", "kind": "direct", "text": m.group(1),
                "start": m.start(1), "end": m.end(1),
                "speaker": speaker["id"] if speaker else None,
                "speaker_text": speaker["name"] if speaker else None,
                "cue": None, "via": None, "addressee": None})
    if not doc["events"]:
        k = 0
        for sent in doc["sentences"]:
            inside = [(s, e_, ent) for s, e_, ent in mentions
                      if sent["start"] <= s and e_ <= sent["end"]]
            pairs = [(a, b) for a, b in itertools.combinations(inside, 2)
                     if a[2]["id"] != b[2]["id"] and a[1] <= b[0]]
            if not pairs:
                continue
            (s1, e1, src), (s2, e2, tgt) = pairs[0]
            code = _CODES[(n + k) % len(_CODES)]
            words = [w for w in re.finditer(r"\w+", text[e1:s2]) if len(w.group()) > 2]
            trig = words[0] if words else None
            country = tgt.get("country") or src.get("country")
            place = _PLACES.get(country or "")
            k += 1
            doc["events"].append({
                "id": f"v{k}", "cameo": code, "cameo_root": code[:2],
                "quad_class": quad_class_of(code), "goldstein": _GOLDSTEIN[code],
                "label": None,
                "source": {"entity": src["id"], "text": text[s1:e1], "start": s1, "end": e1},
                "target": {"entity": tgt["id"], "text": text[s2:e2], "start": s2, "end": e2},
                "plover": {"event": "CONSULT", "mode": None, "context": []},
                "trigger": ({"start": e1 + trig.start(), "end": e1 + trig.end(),
                             "text": trig.group()} if trig else None),
                "sentence": {"start": sent["start"], "end": sent["end"]},
                "negated": False, "modality": None, "reported_by": None,
                "date": doc["published"], "date_text": None,
                "location": ({"name": place[0], "geonames_id": None, "country": country,
                              "lat": place[1], "lon": place[2]} if place else None),
                "pattern": "synthetic", "confidence": 0.5})
            if k >= 3:
                break
    return doc


# analysed documents by (pipeline, n): each backend's store is built from the same ones
_DOCS: dict[tuple[str, str, int], list[dict[str, Any]]] = {}


def synthetic_docs(pipeline: Pipeline, n: int) -> list[dict[str, Any]]:
    """``n`` sample articles and the seed, analysed, with synthetic quotes/events."""
    key = (pipeline_version(pipeline), repr(pipeline.settings), n)
    if key not in _DOCS:
        from marsad.recovery.inputs import record_to_raw

        docs = []
        for i, line in enumerate(sample_lines(n)):
            raw = record_to_raw(json.loads(line), path=str(SAMPLE), record=i + 1)
            docs.append(with_synthetic_layers(pipeline(raw).to_json(), i))
        seed = pipeline(next(_seed_raws())).to_json()
        docs.append(with_synthetic_layers(seed, n))
        _DOCS[key] = docs
    return json.loads(json.dumps(_DOCS[key]))


def build_store(target: Path | str, pipeline: Pipeline, n: int = 60) -> Store:
    """A store (a SQLite path or a PostgreSQL URL) with ``n`` sample articles and the seed,
    with synthetic quotes/events."""
    version = pipeline_version(pipeline)
    store = Store.open(str(target))
    store.write_batch([StoredArticle(doc=d, raw_hash=f"h{i}", pipeline=version)
                       for i, d in enumerate(synthetic_docs(pipeline, n))])
    return store


def _seed_raws() -> Iterator[Any]:
    from marsad.recovery import iter_inputs

    yield from iter_inputs([str(SEED)])


@pytest.fixture(scope="module")
def plain_pipeline() -> Pipeline:
    return Pipeline(Settings())


@pytest.fixture(params=BACKENDS)
def new_db(request: pytest.FixtureRequest, tmp_path: Path,
           pg_server: PgServer | str) -> Callable[[str], str]:
    """``new_db("m.db")``: the ``--db`` value of a new store on each backend."""
    return store_target(request.param, tmp_path, pg_server)


@pytest.fixture(scope="module", params=BACKENDS)
def synth(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          plain_pipeline: Pipeline, pg_server: PgServer | str) -> Iterator[Store]:
    target = store_target(request.param, tmp_path_factory.mktemp("store"), pg_server)
    with build_store(target("synth.db"), plain_pipeline) as store:
        yield store


# -- ingest -------------------------------------------------------------------------------
# fewer articles on PostgreSQL: the analysis, not the store, takes the time
@pytest.mark.parametrize(("backend", "n"), [("sqlite", 300), ("postgresql", 40)])
def test_store_ingest_plus_seed_is_idempotent(backend: str, n: int, tmp_path: Path,
                                              plain_pipeline: Pipeline, check_output: Any,
                                              pg_server: PgServer | str) -> None:
    db = store_target(backend, tmp_path, pg_server)("m.db")
    ant = write_jsonl(tmp_path / "ant.jsonl", sample_lines(n))
    with Store.open(db) as store:
        first = ingest_paths(store, [str(ant), str(SEED)], plain_pipeline)
        assert (first.new, first.failed) == (n + 1, 0)
        assert store.stats()["articles"] == n + 1
        again = ingest_paths(store, [str(ant)], plain_pipeline)
        assert (again.new, again.updated, again.unchanged) == (0, 0, n)
        assert store.stats()["articles"] == n + 1
        # the stored document is the pipeline's output, schema-valid with right offsets
        some = store.articles(limit=3).items
        for item in some:
            check_output({k: v for k, v in store.article(item["id"]).items()  # type: ignore[union-attr]
                          if k != "stored"} | {"entities": [
                              {k: v for k, v in e.items() if k != "actor_id"}
                              for e in store.article(item["id"])["entities"]]})  # type: ignore[index]


def test_store_changed_article_is_updated_not_added(tmp_path: Path, new_db: Callable[[str], str],
                                                    plain_pipeline: Pipeline) -> None:
    lines = sample_lines(5)
    path = write_jsonl(tmp_path / "a.jsonl", lines)
    with Store.open(new_db("m.db")) as store:
        ingest_paths(store, [str(path)], plain_pipeline)
        rec = json.loads(lines[2])
        rec["text"] = rec["text"] + "\nوأعلنت وزارة الخارجية المصرية رفضها للقرار."
        path2 = write_jsonl(tmp_path / "b.jsonl", [json.dumps(rec, ensure_ascii=False) + "\n"])
        report = ingest_paths(store, [str(path2)], plain_pipeline)
        assert (report.new, report.updated) == (0, 1)
        assert store.stats()["articles"] == 5
        doc = store.article(rec["id"])
        assert doc is not None and "وزارة الخارجية المصرية" in doc["text"]
        assert store.search("الخارجية المصرية").items[0]["article"]["id"] == rec["id"]


def test_store_batch_is_all_or_nothing(new_db: Callable[[str], str],
                                       plain_pipeline: Pipeline) -> None:
    raws = [plain_pipeline(next(_seed_raws())).to_json()]
    broken = dict(raws[0], id="broken")
    del broken["text"]  # fails after the article row was written
    with Store.open(new_db("m.db")) as store:
        with pytest.raises(KeyError):
            store.write_batch([StoredArticle(raws[0], "h1", "p"),
                               StoredArticle(broken, "h2", "p")])
        stats = store.stats()
        assert stats["articles"] == stats["entities"] == stats["mentions"] == 0


def test_store_reprocess_reanalyses_older_pipeline_output(tmp_path: Path,
                                                          new_db: Callable[[str], str],
                                                          plain_pipeline: Pipeline) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", sample_lines(4))
    with Store.open(new_db("m.db")) as store:
        ingest_paths(store, [str(path)], plain_pipeline)
        store._exec("UPDATE articles SET pipeline = 'marsad 0.0.1: language' WHERE pk <= 2")
        report = reprocess(store, plain_pipeline)
        assert (report.read, report.updated, report.new) == (2, 2, 0)
        assert store.stats()["pipelines"] == {pipeline_version(plain_pipeline): 4}


def test_store_ingest_with_jobs_stores_the_same(tmp_path: Path,
                                                plain_pipeline: Pipeline) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", sample_lines(12, start=300))
    docs = {}
    for jobs in (1, 2):
        with Store.open(str(tmp_path / f"j{jobs}.db")) as store:
            ingest_paths(store, [str(path)], plain_pipeline, jobs=jobs, batch_size=4)
            docs[jobs] = list(store.iter_documents())
    assert len(docs[1]) == 12 and docs[1] == docs[2]


def test_store_newer_schema_is_refused(new_db: Callable[[str], str]) -> None:
    db = new_db("m.db")
    with Store.open(db) as store:
        store._exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreVersionError, match="newer"):
        Store.open(db)


# -- queries ------------------------------------------------------------------------------
def test_store_search_matches_normalised_arabic_with_clitics(synth: Store) -> None:
    hits = synth.search("القدس", limit=100, kinds=("article",)).items
    assert hits
    for hit in hits:
        doc = synth.article(hit["article"]["id"])
        assert doc is not None
        start, end = hit["match"]["start"], hit["match"]["end"]
        assert synth.key_text(doc["text"][start:end]).endswith("ال قدس")
    # a clitic-prefixed form is found by the bare word, and hamza forms are folded
    assert any("بالقدس" in synth.article(h["article"]["id"])["text"]  # type: ignore[index]
               for h in hits)
    assert synth.search("اسرائيل").items == synth.search("إسرائيل").items


def test_store_search_quotes_and_hostile_queries(synth: Store) -> None:
    quote = synth.quotes(limit=1).items[0]
    word = max(quote["text"].split(), key=len)
    hits = synth.search(word, kinds=("quote",), limit=50).items
    assert any(h["quote"] == quote["id"] and h["article"]["id"] == quote["article"]["id"]
               for h in hits)
    for q in ("'; DROP TABLE articles; --", 'NEAR("a" OR', "*", "القدس\" OR \"x"):
        with contextlib.suppress(QueryError):
            synth.search(q)
    assert synth.stats()["articles"] == 61


def test_store_event_filters(synth: Store) -> None:
    every = list(synth.iter_events())
    assert len(every) > 20
    fight = synth.events(Filters(cameo="19"), limit=500).items
    assert fight and all(e["cameo"].startswith("19") for e in fight)
    assert len(fight) == sum(e["cameo"].startswith("19") for e in every)
    q4 = synth.events(Filters(quad_class=4), limit=500).items
    assert {e["quad_class"] for e in q4} == {4}
    code = next(e["source"]["code"] for e in every if (e["source"] or {}).get("code"))
    prefix = code[:3]
    by_actor = synth.events(Filters(actor=prefix, role="source"), limit=500).items
    assert by_actor and all(e["source"]["code"].startswith(prefix) for e in by_actor)
    days = sorted(e["day"] for e in every if e["day"])
    mid = days[len(days) // 2]
    from datetime import date

    later = synth.events(Filters(date_from=date.fromisoformat(mid)), limit=500).items
    assert later and all(e["day"] >= mid for e in later)
    assert len(later) == sum(1 for d in days if d >= mid)


def test_store_pagination_visits_every_item_once(synth: Store) -> None:
    seen: list[tuple[str, str]] = []
    cursor = None
    while True:
        page = synth.events(limit=7, cursor=cursor)
        seen += [(e["article"]["id"], e["id"]) for e in page.items]
        if not page.next:
            break
        cursor = page.next
    assert len(seen) == len(set(seen)) == len(list(synth.iter_events()))
    with pytest.raises(QueryError):
        synth.events(cursor="not a cursor!")


def test_store_actor_page_counts_events_and_counterparts(synth: Store) -> None:
    top = synth.actors(limit=5).items
    assert top == sorted(top, key=lambda a: -a["articles"])
    busiest = max((a for a in synth.actors(limit=500).items),
                  key=lambda a: a["events_as_source"] + a["events_as_target"])
    page = synth.actor(busiest["id"])
    assert page is not None
    assert len(page["as_source"]) == min(50, busiest["events_as_source"])
    assert all(e["source"]["actor"] == busiest["id"] for e in page["as_source"])
    assert sum(c["as_target"] + c["as_source"] for c in page["counterparts"]) <= \
        busiest["events_as_source"] + busiest["events_as_target"]
    assert page["names"] and page["names"][0]["count"] >= 1


def test_store_timeline_network_and_places_add_up(synth: Store) -> None:
    every = list(synth.iter_events())
    dated = [e for e in every if e["day"]]
    timeline = synth.timeline(bucket="week")
    assert sum(r["q1"] + r["q2"] + r["q3"] + r["q4"] + r["other"] for r in timeline) == len(dated)
    net = synth.network()
    both = [e for e in every if (e["source"] or {}).get("actor")
            and (e["target"] or {}).get("actor")]
    assert sum(e["weight"] for e in net["edges"]) == len(both)
    ids = {n["id"] for n in net["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in net["edges"])
    places = synth.places()
    assert sum(p["events"] for p in places) == sum(
        1 for e in every if (e.get("location") or {}).get("lat") is not None)


# -- PostgreSQL: the same answers, concurrent writers, URLs ------------------------------
def _rounded(value: Any) -> Any:
    """JSON with floats to 9 digits (sums may be added up in another order)."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


def _sorted(items: list[Any]) -> list[Any]:
    return sorted(_rounded(items), key=lambda x: json.dumps(x, sort_keys=True))


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, plain_pipeline: Pipeline,
         pg_server: PgServer | str) -> Iterator[tuple[Store, Store]]:
    """The same documents in a SQLite and a PostgreSQL store."""
    pg_db = store_target("postgresql", tmp_path_factory.mktemp("both"), pg_server)("")
    lite_db = str(tmp_path_factory.mktemp("both") / "lite.db")
    with build_store(lite_db, plain_pipeline) as lite, build_store(pg_db, plain_pipeline) as pg:
        yield lite, pg


def test_store_postgres_answers_every_query_like_sqlite(both: tuple[Store, Store]) -> None:
    lite, pg = both
    top = lite.actors(limit=1).items[0]["id"]
    quote_word = max(lite.quotes(limit=1).items[0]["text"].split(), key=len)
    lists: list[Callable[[Store], Any]] = [
        lambda s: s.stats(),
        lambda s: s.events(limit=500).to_json(),
        lambda s: s.events(limit=9, cursor=s.events(limit=9).next).to_json(),
        lambda s: s.events(Filters(cameo="19", text="إيران")).to_json(),
        lambda s: s.events(Filters(actor="IRN", role="source")).to_json(),
        lambda s: s.events(Filters(actor="ترامب")).to_json(),
        lambda s: s.quotes(limit=500).to_json(),
        lambda s: s.quotes(Filters(text=quote_word)).to_json(),
        lambda s: s.articles(limit=500).to_json(),
        lambda s: s.articles(Filters(actor=top, text="القدس")).to_json(),
        lambda s: s.actors(limit=500).to_json(),
        lambda s: s.actors("USA").to_json(),
        lambda s: list(s.iter_documents()),
        # every column but when it was written
        lambda s: {t: [{k: v for k, v in row.items() if k != "ingested"}
                       for row in s.iter_table(t)]
                   for t in ("articles", "entities", "mentions", "quotes", "events")},
        lambda s: s.timeline(bucket="week"),
    ]
    for query in ("القدس", "اسرائيل", '"وزارة الخارجية"', "الرئيس الأمريكي", "Trump",
                  "'; DROP TABLE articles; --", "القدس\" OR \"x", "& | ! <-> :*"):
        lists.append(lambda s, q=query: s.search(q, limit=100).to_json())
    for i, ask in enumerate(lists):
        try:
            expected = _rounded(ask(lite))
        except QueryError:
            with pytest.raises(QueryError):
                ask(pg)
            continue
        assert _rounded(ask(pg)) == expected, f"query {i} differs"
    # ties in these orders are the database's choice: compare as sets
    a, b = lite.actor(top), pg.actor(top)
    assert a is not None and b is not None
    for key in ("counterparts", "codes", "names"):
        assert _sorted(a.pop(key)) == _sorted(b.pop(key))
    assert _rounded(a) == _rounded(b)
    net_a, net_b = lite.network(), pg.network()
    assert _sorted(net_a["edges"]) == _sorted(net_b["edges"]) and net_a["edges"]
    assert _sorted(net_a["nodes"]) == _sorted(net_b["nodes"])
    assert _sorted(lite.places()) == _sorted(pg.places()) and lite.places()


def test_store_postgres_search_phrases_and_clitics(both: tuple[Store, Store]) -> None:
    _, pg = both
    bare = pg.search("القدس", limit=500, kinds=("article",)).items
    assert bare
    for hit in bare:
        doc = pg.article(hit["article"]["id"])
        assert doc is not None
        m = hit["match"]
        assert pg.key_text(doc["text"][m["start"]:m["end"]]).endswith("ال قدس")
    assert any("بالقدس" in (pg.article(h["article"]["id"]) or {})["text"] for h in bare)
    # a phrase needs its words adjacent: every phrase hit is a hit of both words, not back
    phrase = pg.search('"وزارة الخارجية"', limit=500).items
    words = pg.search("وزارة الخارجية", limit=500).items
    assert phrase and len(phrase) <= len(words)
    assert {(h["kind"], h["article"]["id"], h.get("quote")) for h in phrase} <= \
        {(h["kind"], h["article"]["id"], h.get("quote")) for h in words}
    for hit in phrase:
        assert hit["match"] is not None


def _ingest_child(db: str, path: str, pipe: Pipeline, batch: int, start: Any,
                  out: Any) -> None:
    try:
        start.wait(60)
        with Store.open(db) as store:
            report = ingest_paths(store, [path], pipe, batch_size=batch)
        out.put(("ok", report.to_json()))
    except BaseException as err:  # reported to the test, which fails with it
        out.put(("error", f"{type(err).__name__}: {err}"))


def test_store_postgres_concurrent_ingesters_store_each_article_once(
        tmp_path: Path, plain_pipeline: Pipeline, pg_server: PgServer | str) -> None:
    import multiprocessing

    db = store_target("postgresql", tmp_path, pg_server)("")
    n = 14
    path = write_jsonl(tmp_path / "a.jsonl", sample_lines(n, start=100))
    ctx = multiprocessing.get_context("fork")
    start, out = ctx.Barrier(2), ctx.Queue()
    # both open the new, empty database at once (the migration runs once) and write the
    # same articles in batches of different sizes
    procs = [ctx.Process(target=_ingest_child,
                         args=(db, str(path), plain_pipeline, batch, start, out))
             for batch in (3, 4)]
    for p in procs:
        p.start()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(60)
    assert [r[0] for r in results] == ["ok", "ok"], results
    for _, report in results:
        assert report["read"] == n and report["failed"] == 0
        assert report["new"] + report["updated"] + report["unchanged"] == n
    with Store.open(db, create=False) as store:
        stats = store.stats()
        assert stats["articles"] == n and stats["schema_version"] == 1
        docs = list(store.iter_documents())
        assert len({d["id"] for d in docs}) == n
        assert stats["entities"] == sum(len(d["entities"]) for d in docs)
        assert stats["mentions"] == sum(len(m["mentions"]) for d in docs
                                        for m in d["entities"])
        assert stats["events"] == sum(len(d["events"]) for d in docs)
        assert int(store._one("SELECT COUNT(*) FROM article_fts")[0]) == n


def test_store_cli_commands_take_either_backend(new_db: Callable[[str], str], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from marsad.cli import main

    db = new_db("cli.db")
    ant = write_jsonl(tmp_path / "a.jsonl", sample_lines(3, start=40))
    assert main(["ingest", str(ant), str(SEED), "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["search", "سليماني", "--db", db, "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["items"]
    assert hits and all("سليماني" in h["snippet"] for h in hits if h["match"])
    for command in (["events"], ["quotes"], ["corpus-actors"]):
        assert main([*command, "--db", db, "--json", "--limit", "500"]) == 0
        json.loads(capsys.readouterr().out)
    # 'actors --db' lists the store's actors (as corpus-actors), 'actors QUERY' without it
    # looks up the dictionary
    assert main(["actors", "--db", db, "--json", "--limit", "500"]) == 0
    listed = json.loads(capsys.readouterr().out)["items"]
    assert main(["corpus-actors", "--db", db, "--json", "--limit", "500"]) == 0
    assert listed == json.loads(capsys.readouterr().out)["items"]
    assert any("سليماني" in json.dumps(a, ensure_ascii=False) for a in listed)
    assert main(["actors", "سليماني", "--db", db, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["items"]
    assert found and len(found) < len(listed)
    assert main(["actors", "سليماني", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["actors"][0]["code"] == "IRNMIL"
    out = tmp_path / "all.jsonl"
    assert main(["export", "--db", db, "--format", "jsonl", "--out", str(out)]) == 0
    ids = [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()]
    assert len(ids) == len(set(ids)) == 4


def test_store_postgres_errors_say_what_to_do_and_hide_the_password(
        pg_server: PgServer | str) -> None:
    assert redact("postgresql://ana:s3cret@db.example:5432/news") == \
        "postgresql://ana:***@db.example:5432/news"
    assert redact("postgresql://ana@db.example/news") == "postgresql://ana@db.example/news"
    with pytest.raises(StoreError) as err:
        Store.open("postgresql://ana:s3cret@/news?host=/nonexistent-marsad&port=1")
    assert "s3cret" not in str(err.value) and "E101" in str(err.value)
    db = store_target("postgresql", Path(), pg_server)("")
    with pytest.raises(StoreError, match="no marsad store"):
        Store.open(db, create=False)
