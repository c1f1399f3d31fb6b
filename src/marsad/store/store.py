"""The article store: analysed articles in a database (a SQLite file, or PostgreSQL for
shared deployments), normalised tables for querying, full-text search with Arabic
normalisation.

Writing: :meth:`Store.write_batch` stores a batch of documents in one transaction (an
interrupted batch leaves nothing behind, never half an article). An article is keyed by its
``id``: storing it again replaces its rows (an upsert, so concurrent writers of the same
article never duplicate it). Reading: small query methods that return
JSON-ready dicts, lists paginated with an opaque cursor. All SQL takes its values as
parameters."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ..resources import load_lexicon
from ..text import Tokenizer
from .dialect import Dialect, dialect_for, is_postgres, redact
from .errors import QueryError, StoreError, StoreVersionError
from .rows import ActorRow, ArticleRows, article_rows
from .schema import MIGRATIONS, SCHEMA_VERSION

Json = dict[str, Any]

#: tokens kinds that go into the full-text key (punctuation and symbols do not)
_INDEXED = frozenset({"word", "clitic", "article", "number", "latin"})
MAX_LIMIT = 500
#: how often a write transaction that lost a deadlock to a concurrent writer is run again
_WRITE_TRIES = 5


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """What :meth:`Store.write_batch` needs for one article."""

    doc: Mapping[str, Any]
    raw_hash: str
    pipeline: str
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class Filters:
    """Filters shared by the CLI and the HTTP API. Unset fields do not filter.

    ``actor``: an actor id, a CAMEO actor-code prefix (``IRN``, ``PSEREB``) or part of a
    name (Arabic, normalised, or English); ``role`` limits it to ``source`` or ``target``
    of events. ``cameo``: an event-code prefix (``19`` is the root, ``190`` a code).
    ``text``: full-text match on the article (events, articles) or the quotation."""

    actor: str | None = None
    role: str | None = None
    source: str | None = None
    target: str | None = None
    cameo: str | None = None
    quad_class: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    site: str | None = None
    text: str | None = None
    article: str | None = None
    #: events at this place (its name as stored)
    place: str | None = None

    def __post_init__(self) -> None:
        if self.cameo is not None and not (self.cameo.isdigit() and 1 <= len(self.cameo) <= 4):
            raise QueryError(detail=f"CAMEO code {self.cameo!r} should be 1-4 digits, "
                             "e.g. 19 (a root) or 190")
        if self.quad_class is not None and self.quad_class not in (1, 2, 3, 4):
            raise QueryError(detail=f"QuadClass {self.quad_class} should be 1, 2, 3 or 4")
        if self.role not in (None, "source", "target", "any"):
            raise QueryError(detail=f"role {self.role!r} should be source, target or any")


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Json]
    next: str | None

    def to_json(self) -> Json:
        return {"items": self.items, "next": self.next}


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _cursor(value: str | None) -> int:
    if not value:
        return 0
    try:
        n = int(value, 36)
    except ValueError:
        n = -1
    if not 0 <= n < 2**62:  # beyond that a database integer overflows
        raise QueryError(detail=f"cursor {value!r} is not one this server gave out; "
                         "pass the 'next' value of the previous page")
    return n


def _next_cursor(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def _limit(limit: int) -> int:
    if limit < 1:
        raise QueryError(detail=f"limit {limit} should be at least 1")
    return min(limit, MAX_LIMIT)


class Store:
    """An open store. ``Store.open(path_or_url)`` creates or migrates it: a file path is a
    SQLite store, ``postgresql://user@host/db`` a PostgreSQL one. Use as a context manager
    or call :meth:`close`."""

    def __init__(self, target: str, dialect: Dialect, con: Any) -> None:
        self.target = target
        self.dialect = dialect
        self.con = con
        self._tokenizer: Tokenizer | None = None

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, target: str, *, create: bool = True) -> Store:
        """Open the store at ``target``; ``create=False`` refuses to make a new one."""
        from pathlib import Path

        shown = redact(target)
        pg = is_postgres(target)
        if not create and not pg and target != ":memory:" and not Path(target).exists():
            raise StoreError(path=shown, detail="no such file. Create it with "
                             f"'marsad ingest PATH --db {shown}'")
        dialect = dialect_for(target)
        try:
            con = dialect.connect(target)
        except Exception as err:  # sqlite3.Error, OSError, psycopg.Error, ImportError
            hint = (". Is the server running, and do the user, password and database "
                    "exist?" if pg and not isinstance(err, ImportError) else "")
            raise StoreError(path=shown, detail=f"{type(err).__name__}: "
                             f"{str(err).strip()}{hint}") from err
        store = cls(target, dialect, con)
        try:
            if not create and pg and store._probe_version() == 0:
                raise StoreError(path=shown, detail="the database holds no marsad store. "
                                 f"Create it with 'marsad ingest PATH --db {shown}'")
            store._migrate()
        except BaseException:
            con.close()
            raise
        return store

    @property
    def name(self) -> str:
        """The store's ``--db`` value, without a password, for messages."""
        return redact(self.target)

    def close(self) -> None:
        self.con.close()

    def connection_lost(self) -> bool:
        """Whether this store's connection is gone (closed, or dropped by the database
        server); open the store again to go on."""
        return self.dialect.connection_lost(self.con)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _exec(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.con.execute(self.dialect.sql(sql), tuple(params))

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(self._exec(sql, params).fetchall())

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._exec(sql, params).fetchone()

    def schema_version(self) -> int:
        """How far the store has been migrated (0: no store yet)."""
        # asked first, so no failing statement aborts a PostgreSQL transaction
        if self._one(self.dialect.has_table(), ("meta",)) is None:
            return 0
        row = self._one("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(row[0]) if row else 0

    def _probe_version(self) -> int:
        try:
            return self.schema_version()
        except Exception as err:
            raise StoreError(path=self.name, detail=f"{type(err).__name__}: {err}") from err

    def _migrate(self) -> None:
        try:
            if self.schema_version() == SCHEMA_VERSION:
                return  # the common case: no write lock taken
            # one transaction under the dialect's lock: of concurrent openers of a new
            # store one creates the tables, the others then find them
            for statement in self.dialect.begin_migration():
                self._exec(statement)
            try:
                found = self.schema_version()
                if found > SCHEMA_VERSION:
                    raise StoreVersionError(path=self.name, found=found, known=SCHEMA_VERSION)
                for n in range(found, SCHEMA_VERSION):
                    for statement in MIGRATIONS[n](self.dialect):
                        self._exec(statement)
                    self._exec("INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
                               "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               (str(n + 1),))
                self._exec("COMMIT")
            except BaseException:
                self._exec("ROLLBACK")
                raise
        except StoreVersionError:
            raise
        except Exception as err:
            raise StoreError(path=self.name, detail=f"{type(err).__name__}: {err}. "
                             "Is it a marsad store?") from err

    # -- full-text keys --------------------------------------------------------------------
    @property
    def tokenizer(self) -> Tokenizer:
        if self._tokenizer is None:
            self._tokenizer = Tokenizer(load_lexicon())
        return self._tokenizer

    def key_text(self, text: str) -> str:
        """The full-text key of a text: normalised tokens, proclitics and the article split
        off (``والقدس`` is indexed as ``و ال قدس``)."""
        return " ".join(t.norm for t in self.tokenizer(text) if t.kind in _INDEXED and t.norm)

    def query_phrases(self, query: str) -> list[list[str]]:
        """A search query as phrases of keys: words in ``"..."`` stay together, the other
        words are separate phrases; all must match."""
        phrases: list[list[str]] = []
        for i, part in enumerate(query.split('"')):
            keys = self.key_text(part).split()
            if i % 2:
                phrases.append(keys)
            else:
                phrases.extend(self._word_keys(w) for w in part.split())
        return [p for p in phrases if p]

    def _word_keys(self, word: str) -> list[str]:
        keys = self.key_text(word).split()
        # a bare article or clitic alone matches everything: drop it, keep the stem
        return keys if len(keys) == 1 else [k for k in keys if len(k) > 1 or k.isdigit()]

    def find_match(self, text: str, phrases: list[list[str]]) -> tuple[int, int] | None:
        """Where the first phrase first occurs in ``text`` (offsets into the original)."""
        if not phrases:
            return None
        toks = [t for t in self.tokenizer(text) if t.kind in _INDEXED and t.norm]
        norms = [t.norm for t in toks]
        for phrase in phrases:
            n = len(phrase)
            for i in range(len(norms) - n + 1):
                if norms[i:i + n] == phrase:
                    return toks[i].start, toks[i + n - 1].end
        return None

    # -- writing ---------------------------------------------------------------------------
    def stored_hashes(self, hashes: Iterable[str], pipeline: str) -> set[str]:
        """Which raw-input hashes are stored already, analysed by ``pipeline``."""
        wanted = list(dict.fromkeys(hashes))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self._all(
                f"SELECT raw_hash FROM articles WHERE pipeline = ? AND raw_hash IN ({marks})",
                [pipeline, *chunk]))
        return found

    def write_batch(self, articles: Sequence[StoredArticle]) -> tuple[int, int]:
        """Store a batch in one transaction. Returns (new, updated).

        Safe with concurrent writers (several ``marsad ingest`` on one PostgreSQL
        database): articles are upserted on their ``id``; the batch's actors, which every
        writer shares, are locked first and in id order, so writers that read the same
        inputs in the same order cannot deadlock; a transaction the server aborts anyway
        (deadlock, serialisation failure) is run again."""
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for attempt in range(_WRITE_TRIES):
            self._exec("BEGIN")
            try:
                with self.dialect.pipelined(self.con):
                    result = self._write_all(articles, now)
                self._exec("COMMIT")
                return result
            except BaseException as err:
                self._exec("ROLLBACK")
                if attempt + 1 < _WRITE_TRIES and self.dialect.retryable(err):
                    continue
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _write_all(self, articles: Sequence[StoredArticle], now: str) -> tuple[int, int]:
        rows = [article_rows(art.doc) for art in articles]
        self._write_actors([a for r in rows for a in r.actors])
        new = updated = 0
        for art, r in zip(articles, rows, strict=True):
            existed = self._write_one(art, r, now)
            updated += existed
            new += not existed
        return new, updated

    def _write_actors(self, actors: Sequence[ActorRow]) -> None:
        """Upsert the batch's actors in id order. A field stays as first stored (the first
        non-empty value within the batch)."""
        merged: dict[str, ActorRow] = {}
        for a in actors:
            old = merged.get(a.id)
            merged[a.id] = a if old is None else ActorRow(
                id=old.id, type=old.type, name=old.name, name_en=old.name_en or a.name_en,
                code=old.code or a.code, country=old.country or a.country,
                dictionary_id=old.dictionary_id, key=old.key)
        self._many(
            "INSERT INTO actors (id, type, name, name_en, code, country, dictionary_id, key)"
            " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
            "code = COALESCE(actors.code, excluded.code), "
            "name_en = COALESCE(actors.name_en, excluded.name_en), "
            "country = COALESCE(actors.country, excluded.country)",
            [(a.id, a.type, a.name, a.name_en, a.code, a.country, a.dictionary_id, a.key)
             for a in (merged[k] for k in sorted(merged))])

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            cur = self.con.cursor()
            try:
                cur.executemany(self.dialect.sql(sql), rows)
            finally:
                cur.close()

    def _write_one(self, art: StoredArticle, rows: ArticleRows, now: str) -> bool:
        doc = art.doc
        old = self._one("SELECT pk FROM articles WHERE id = ?", (doc["id"],))
        values = (art.raw_hash, art.pipeline, (doc.get("source") or {}).get("site"),
                  (doc.get("source") or {}).get("url"), doc.get("published"),
                  doc.get("headline"), doc.get("language"), len(rows.entities),
                  len(rows.quotes), len(rows.events), json.dumps(doc, ensure_ascii=False),
                  art.raw, now)
        # an upsert, not SELECT-then-INSERT: a concurrent writer of the same article waits
        # for this one's transaction, then replaces the rows instead of failing
        pk = int(self._one(
            "INSERT INTO articles (id, raw_hash, pipeline, site, url, published, headline,"
            " language, n_entities, n_quotes, n_events, doc, raw, ingested) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET"
            " raw_hash=excluded.raw_hash, pipeline=excluded.pipeline, site=excluded.site,"
            " url=excluded.url, published=excluded.published, headline=excluded.headline,"
            " language=excluded.language, n_entities=excluded.n_entities,"
            " n_quotes=excluded.n_quotes, n_events=excluded.n_events, doc=excluded.doc,"
            " raw=excluded.raw, ingested=excluded.ingested RETURNING pk",
            (doc["id"], *values))[0])
        # always: a concurrent writer may have stored the article since the SELECT
        self._delete_children(pk)
        self._many(
            "INSERT INTO entities (article_pk, entity, actor_id, type, name, code, country,"
            " n_mentions) VALUES (?,?,?,?,?,?,?,?)", [(pk, *r) for r in rows.entities])
        self._many(
            "INSERT INTO mentions (article_pk, entity, char_start, char_end, text) "
            "VALUES (?,?,?,?,?)", [(pk, *r) for r in rows.mentions])
        for q in rows.quotes:
            qpk = self._one(
                "INSERT INTO quotes (article_pk, quote, kind, text, char_start, char_end,"
                " speaker_entity, speaker_actor, speaker_text, cue, via, addressee, day, site)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING pk", (pk, *q))[0]
            self._exec(self.dialect.fts_insert("quote_fts"), (qpk, self.key_text(q[2])))
        self._many(
            "INSERT INTO events (article_pk, event, cameo, cameo_root, quad_class, goldstein,"
            " label, source_entity, source_actor, source_text, source_code, source_country,"
            " target_entity, target_actor, target_text, target_code, target_country,"
            " plover_event, plover_mode, plover_context, trigger_start, trigger_end,"
            " trigger_text, negated, modality, day, date_text, place, place_country, lat, lon,"
            " geonames_id, confidence, site, sentence_text, data) VALUES "
            "(" + ",".join("?" * 36) + ")", [(pk, *r) for r in rows.events])
        self._exec(self.dialect.fts_insert("article_fts"), (pk, self.key_text(doc["text"])))
        return old is not None

    def _delete_children(self, pk: int) -> None:
        self._exec("DELETE FROM quote_fts WHERE rowid IN "
                   "(SELECT pk FROM quotes WHERE article_pk = ?)", (pk,))
        self._exec(self.dialect.fts_delete("article_fts"), (pk,))
        for table in ("mentions", "entities", "quotes", "events"):
            self._exec(f"DELETE FROM {table} WHERE article_pk = ?", (pk,))

    def outdated(self, pipeline: str, limit: int | None = None) -> list[tuple[str, str]]:
        """(id, raw input JSON) of articles analysed by another pipeline version."""
        sql = ("SELECT id, raw FROM articles WHERE pipeline <> ? AND raw IS NOT NULL "
               "ORDER BY pk")
        params: list[Any] = [pipeline]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [(r[0], r[1]) for r in self._all(sql, params)]

    # -- reading: filters ------------------------------------------------------------------
    @staticmethod
    def _is_code(actor: str) -> bool:
        return actor.isascii() and actor.isalpha() and actor.isupper() and len(actor) >= 3

    def _actor_ids_sql(self, actor: str) -> tuple[str, list[Any]]:
        """Actors by id, by CAMEO code prefix (``IRN``, ``PSEREB``: upper-case letters) or
        else by part of a name."""
        if self._is_code(actor):
            return ("SELECT id FROM actors WHERE id = ? OR code LIKE ? ESCAPE '\\'",
                    [actor, _like(actor) + "%"])
        return ("SELECT id FROM actors WHERE id = ? OR key LIKE ? ESCAPE '\\'",
                [actor, "%" + _like(self._name_key(actor)) + "%"])

    @staticmethod
    def _name_key(text: str) -> str:
        from ..text.normalize import normalize_key

        return normalize_key(text).lower()

    def _fts_param(self, text: str) -> str:
        phrases = self.query_phrases(text)
        if not phrases:
            raise QueryError(detail=f"the search text {text!r} has no words to look for")
        return self.dialect.fts_query(phrases)

    def _where(self, f: Filters, kind: str) -> tuple[str, list[Any]]:
        """WHERE clause for ``kind`` = events (alias e), quotes (q) or articles (a)."""
        alias = {"events": "e", "quotes": "q", "articles": "a"}[kind]
        art = "a.pk" if kind == "articles" else f"{alias}.article_pk"
        day = "a.published" if kind == "articles" else f"{alias}.day"
        conds: list[str] = []
        params: list[Any] = []
        if f.actor:
            sub, sp = self._actor_ids_sql(f.actor)
            if kind == "events":
                role = f.role or "any"
                cols = [c for c in ("source", "target") if role in (c, "any")]
                if self._is_code(f.actor):
                    # the code the actor had in that article (codes change with dates)
                    conds.append("(" + " OR ".join(f"e.{c}_code LIKE ? ESCAPE '\\'"
                                                   for c in cols) + ")")
                    params += [_like(f.actor) + "%"] * len(cols)
                else:
                    conds.append("(" + " OR ".join(f"e.{c}_actor IN ({sub})"
                                                   for c in cols) + ")")
                    params += sp * len(cols)
            elif kind == "quotes":
                conds.append(f"q.speaker_actor IN ({sub})")
                params += sp
            else:
                conds.append(f"a.pk IN (SELECT article_pk FROM entities WHERE actor_id IN ({sub}))")
                params += sp
        if kind == "events":
            if f.source:
                conds.append("e.source_actor = ?")
                params.append(f.source)
            if f.target:
                conds.append("e.target_actor = ?")
                params.append(f.target)
            if f.cameo:
                conds.append("e.cameo LIKE ?")
                params.append(f.cameo + "%")
            if f.quad_class:
                conds.append("e.quad_class = ?")
                params.append(f.quad_class)
            if f.place:
                conds.append("e.place = ?")
                params.append(f.place)
        if f.date_from:
            conds.append(f"{day} >= ?")
            params.append(f.date_from.isoformat())
        if f.date_to:
            conds.append(f"{day} <= ?")
            params.append(f.date_to.isoformat())
        if f.site:
            conds.append(("a.site" if kind == "articles" else f"{alias}.site") + " = ?")
            params.append(f.site)
        if f.article:
            conds.append(f"{art} = (SELECT pk FROM articles WHERE id = ?)")
            params.append(f.article)
        if f.text:
            if kind == "quotes":
                conds.append(f"q.pk IN ({self.dialect.fts_match('quote_fts')})")
            else:
                conds.append(f"{art} IN ({self.dialect.fts_match('article_fts')})")
            params.append(self._fts_param(f.text))
        return (" WHERE " + " AND ".join(conds)) if conds else "", params

    # -- reading: lists --------------------------------------------------------------------
    def stats(self) -> Json:
        out: Json = {}
        for table in ("articles", "actors", "entities", "mentions", "quotes", "events"):
            out[table] = int(self._one(f"SELECT COUNT(*) FROM {table}")[0])
        first, last = self._one("SELECT MIN(published), MAX(published) FROM articles")
        out["sites"] = {r[0] or "": int(r[1]) for r in self._all(
            "SELECT site, COUNT(*) FROM articles GROUP BY site ORDER BY COUNT(*) DESC")}
        out["published"] = {"first": first, "last": last}
        out["pipelines"] = {r[0]: int(r[1]) for r in self._all(
            "SELECT pipeline, COUNT(*) FROM articles GROUP BY pipeline")}
        out["schema_version"] = self.schema_version()
        return out

    _EVENT_COLS = ("e.pk, a.id, a.headline, a.url, a.published, e.data, e.source_actor, "
                   "e.target_actor, e.quad_class, e.goldstein, e.day, e.source_code, "
                   "e.target_code, e.source_country, e.target_country, e.place, "
                   "e.place_country, e.lat, e.lon, e.cameo_root, e.site, e.sentence_text")

    def _event_json(self, r: Sequence[Any]) -> Json:
        ev: Json = json.loads(r[5])
        ev.setdefault("cameo_root", r[19])
        ev["quad_class"] = r[8]
        ev["goldstein"] = r[9]
        for i, key in ((6, "source"), (7, "target")):
            role = ev.get(key)
            if isinstance(role, dict):
                role["actor"] = r[i]
                role["code"] = r[11 if i == 6 else 12]
                role["country"] = r[13 if i == 6 else 14]
        ev["day"] = r[10]
        ev["sentence_text"] = r[21]
        ev["article"] = {"id": r[1], "headline": r[2], "url": r[3], "published": r[4],
                         "site": r[20]}
        return ev

    def _keyset(self, select: str, table: str, key: str, f: Filters, limit: int,
                cursor: str | None, to_json: Callable[[Sequence[Any]], Json]) -> Page:
        """One page of ``select`` (whose first column is ``key``, the table's primary key)
        under the filters, after the cursor, in key order."""
        where, params = self._where(f, table)
        where += (" AND " if where else " WHERE ") + f"{key} > ?"
        rows = self._all(f"{select}{where} ORDER BY {key} LIMIT ?",
                         [*params, _cursor(cursor), _limit(limit) + 1])
        return self._page([to_json(r) for r in rows], [r[0] for r in rows], limit)

    def events(self, f: Filters = Filters(), limit: int = 50, cursor: str | None = None
               ) -> Page:
        return self._keyset(f"SELECT {self._EVENT_COLS} FROM events e JOIN articles a ON "
                            "a.pk = e.article_pk", "events", "e.pk", f, limit, cursor,
                            self._event_json)

    def iter_events(self, f: Filters = Filters()) -> Iterator[Json]:
        """Every event that passes the filters, in store order (for exports)."""
        where, params = self._where(f, "events")
        for r in self._stream(f"SELECT {self._EVENT_COLS} FROM events e JOIN articles a ON "
                              f"a.pk = e.article_pk{where} ORDER BY e.pk", params):
            yield self._event_json(r)

    @staticmethod
    def _page(items: list[Json], keys: list[int], limit: int) -> Page:
        limit = _limit(limit)
        if len(items) > limit:
            return Page(items[:limit], _next_cursor(keys[limit - 1]))
        return Page(items, None)

    def quotes(self, f: Filters = Filters(), limit: int = 50, cursor: str | None = None
               ) -> Page:
        return self._keyset(
            "SELECT q.pk, q.quote, q.kind, q.text, q.char_start, q.char_end, q.speaker_entity,"
            " q.speaker_actor, q.speaker_text, q.cue, q.via, q.addressee, q.day, a.id,"
            " a.headline, a.url, ac.name, ac.code, a.site FROM quotes q JOIN articles a ON"
            " a.pk = q.article_pk LEFT JOIN actors ac ON ac.id = q.speaker_actor", "quotes",
            "q.pk", f, limit, cursor, self._quote_json)

    @staticmethod
    def _quote_json(r: Sequence[Any]) -> Json:
        def load(v: Any) -> Any:
            if v is None:
                return None
            try:
                return json.loads(v)
            except ValueError:
                return v
        return {"id": r[1], "kind": r[2], "text": r[3], "start": r[4], "end": r[5],
                "speaker": r[6], "speaker_actor": r[7], "speaker_name": r[16],
                "speaker_code": r[17], "speaker_text": r[8], "cue": load(r[9]),
                "via": load(r[10]), "addressee": load(r[11]), "day": r[12],
                "article": {"id": r[13], "headline": r[14], "url": r[15], "site": r[18]}}

    def articles(self, f: Filters = Filters(), limit: int = 50, cursor: str | None = None
                 ) -> Page:
        return self._keyset(
            "SELECT a.pk, a.id, a.headline, a.site, a.url, a.published, a.language,"
            " a.n_entities, a.n_quotes, a.n_events, a.pipeline FROM articles a", "articles",
            "a.pk", f, limit, cursor,
            lambda r: {"id": r[1], "headline": r[2], "site": r[3], "url": r[4],
                       "published": r[5], "language": r[6], "entities": r[7],
                       "quotes": r[8], "events": r[9], "pipeline": r[10]})

    def article(self, article_id: str) -> Json | None:
        """The stored ``marsad.article/1`` document, each entity with its ``actor_id``."""
        row = self._one("SELECT pk, doc, pipeline, ingested FROM articles WHERE id = ?",
                        (article_id,))
        if row is None:
            return None
        doc: Json = json.loads(row[1])
        ids = dict(self._all("SELECT entity, actor_id FROM entities WHERE article_pk = ?",
                             (row[0],)))
        for ent in doc.get("entities") or ():
            ent["actor_id"] = ids.get(ent.get("id"))
        doc["stored"] = {"pipeline": row[2], "ingested": row[3]}
        return doc

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Sequence[Any]]:
        """Rows of a large query (exports), streamed rather than loaded at once."""
        return self.dialect.stream(self.con, self.target, sql, params)

    def iter_documents(self, f: Filters = Filters()) -> Iterator[Json]:
        where, params = self._where(f, "articles")
        for (doc,) in self._stream(f"SELECT a.doc FROM articles a{where} ORDER BY a.pk",
                                   params):
            yield json.loads(doc)

    @staticmethod
    def _table_sql(table: str) -> str:
        if table not in ("articles", "entities", "mentions", "quotes", "events"):
            raise QueryError(detail=f"no table {table!r}")
        if table == "articles":
            return ("SELECT id, site, url, published, headline, language, n_entities,"
                    " n_quotes, n_events, pipeline, ingested, doc FROM articles ORDER BY pk")
        return (f"SELECT a.id, t.* FROM {table} t JOIN articles a ON a.pk = t.article_pk "
                "ORDER BY t.pk")

    def iter_rows(self, table: str) -> Iterator[Sequence[Any]]:
        """Rows of a normalised table with the article id, for the Parquet/CSV exports."""
        return self._stream(self._table_sql(table))

    def table_columns(self, table: str) -> list[str]:
        """The column names of :meth:`iter_rows` (``article_id`` first but for articles)."""
        cur = self._exec(self._table_sql(table) + " LIMIT 0")
        names = [str(d[0]) for d in cur.description]
        if table != "articles":
            names[0] = "article_id"
        return names

    def iter_table(self, table: str) -> Iterator[Json]:
        """Rows of a normalised table as dicts (column names as in the database, plus
        ``article_id``), for the Parquet and CSV exports."""
        names = self.table_columns(table)
        for row in self.iter_rows(table):
            yield dict(zip(names, row, strict=True))

    def actors(self, query: str | None = None, kind: str | None = None, limit: int = 50,
               cursor: str | None = None) -> Page:
        """Actors by number of articles that name them; ``query`` as the ``actor`` filter."""
        conds: list[str] = []
        params: list[Any] = []
        if query:
            sub, sp = self._actor_ids_sql(query)
            conds.append(f"ac.id IN ({sub})")
            params += sp
        if kind:
            conds.append("ac.type = ?")
            params.append(kind)
        where = (" WHERE " + " AND ".join(conds)) if conds else ""
        offset = _cursor(cursor)
        rows = self._all(
            "SELECT ac.id, ac.name, ac.name_en, ac.type, ac.code, ac.country,"
            " COUNT(DISTINCT en.article_pk), COALESCE(SUM(en.n_mentions), 0),"
            " (SELECT COUNT(*) FROM events e WHERE e.source_actor = ac.id),"
            " (SELECT COUNT(*) FROM events e WHERE e.target_actor = ac.id),"
            " (SELECT COUNT(*) FROM quotes q WHERE q.speaker_actor = ac.id)"
            f" FROM actors ac LEFT JOIN entities en ON en.actor_id = ac.id{where}"
            " GROUP BY ac.id, ac.name, ac.name_en, ac.type, ac.code, ac.country"
            " ORDER BY COUNT(DISTINCT en.article_pk) DESC,"
            " COALESCE(SUM(en.n_mentions), 0) DESC, ac.id LIMIT ? OFFSET ?",
            [*params, _limit(limit) + 1, offset])
        items = [self._actor_json(r) for r in rows]
        limit = _limit(limit)
        if len(items) > limit:
            return Page(items[:limit], _next_cursor(offset + limit))
        return Page(items, None)

    @staticmethod
    def _actor_json(r: Sequence[Any]) -> Json:
        return {"id": r[0], "name": r[1], "name_en": r[2], "type": r[3], "code": r[4],
                "country": r[5], "articles": r[6], "mentions": r[7], "events_as_source": r[8],
                "events_as_target": r[9], "quotes": r[10]}

    def actor(self, actor_id: str, limit: int = 50) -> Json | None:
        """One actor: its names in the corpus, codes, quotes, events as source and as
        target, and the counterparts of those events."""
        rows = self._all(
            "SELECT ac.id, ac.name, ac.name_en, ac.type, ac.code, ac.country,"
            " COUNT(DISTINCT en.article_pk), COALESCE(SUM(en.n_mentions), 0),"
            " (SELECT COUNT(*) FROM events e WHERE e.source_actor = ac.id),"
            " (SELECT COUNT(*) FROM events e WHERE e.target_actor = ac.id),"
            " (SELECT COUNT(*) FROM quotes q WHERE q.speaker_actor = ac.id)"
            " FROM actors ac LEFT JOIN entities en ON en.actor_id = ac.id WHERE ac.id = ?"
            " GROUP BY ac.id, ac.name, ac.name_en, ac.type, ac.code, ac.country", (actor_id,))
        if not rows:
            return None
        out = self._actor_json(rows[0])
        out["names"] = [{"text": r[0], "count": int(r[1])} for r in self._all(
            "SELECT m.text, COUNT(*) FROM mentions m JOIN entities en ON"
            " en.article_pk = m.article_pk AND en.entity = m.entity WHERE en.actor_id = ?"
            " GROUP BY m.text ORDER BY COUNT(*) DESC, m.text LIMIT 30", (actor_id,))]
        out["codes"] = [{"code": r[0], "count": int(r[1])} for r in self._all(
            "SELECT code, COUNT(*) FROM entities WHERE actor_id = ? AND code IS NOT NULL"
            " GROUP BY code ORDER BY COUNT(*) DESC", (actor_id,))]
        out["recent_articles"] = [
            {"id": r[0], "headline": r[1], "published": r[2], "site": r[3]}
            for r in self._all(
                "SELECT a.id, a.headline, a.published, a.site FROM articles a JOIN"
                " entities en ON en.article_pk = a.pk WHERE en.actor_id = ?"
                " ORDER BY a.published DESC, a.pk LIMIT ?", (actor_id, limit))]
        out["quotes_list"] = [
            self._quote_json(r) for r in self._all(
                "SELECT q.pk, q.quote, q.kind, q.text, q.char_start, q.char_end,"
                " q.speaker_entity, q.speaker_actor, q.speaker_text, q.cue, q.via, q.addressee,"
                " q.day, a.id, a.headline, a.url, NULL, NULL, a.site FROM quotes q JOIN"
                " articles a ON a.pk = q.article_pk WHERE q.speaker_actor = ? ORDER BY q.pk"
                " LIMIT ?", (actor_id, limit))]
        out["as_source"] = self.events(Filters(source=actor_id), limit=limit).items
        out["as_target"] = self.events(Filters(target=actor_id), limit=limit).items
        out["counterparts"] = [
            {"id": r[0], "name": r[1], "code": r[2], "as_target": int(r[3]),
             "as_source": int(r[4]), "goldstein": r[5]}
            for r in self._all(
                "SELECT o.id, ac.name, ac.code, SUM(o.t), SUM(o.s), AVG(o.g) FROM ("
                " SELECT target_actor AS id, 1 AS t, 0 AS s, goldstein AS g FROM events"
                "  WHERE source_actor = ? AND target_actor IS NOT NULL"
                " UNION ALL"
                " SELECT source_actor AS id, 0 AS t, 1 AS s, goldstein AS g FROM events"
                "  WHERE target_actor = ? AND source_actor IS NOT NULL"
                ") o LEFT JOIN actors ac ON ac.id = o.id GROUP BY o.id, ac.name, ac.code"
                " ORDER BY SUM(o.t) + SUM(o.s) DESC LIMIT ?", (actor_id, actor_id, limit))]
        return out

    def search(self, query: str, limit: int = 20, cursor: str | None = None,
               kinds: tuple[str, ...] = ("article", "quote")) -> Page:
        """Full-text search over articles and quotations. Each hit has a ``snippet`` of the
        original text and ``match`` offsets into it (and into the article text)."""
        phrases = self.query_phrases(query)
        if not phrases:
            raise QueryError(detail=f"the search text {query!r} has no words to look for")
        param = self.dialect.fts_query(phrases)
        offset = _cursor(cursor)
        lim = _limit(limit)
        parts: list[str] = []
        params: list[Any] = []
        if "article" in kinds:
            parts.append("SELECT 'article', a.pk, a.pk FROM articles a WHERE a.pk IN "
                         f"({self.dialect.fts_match('article_fts')})")
            params.append(param)
        if "quote" in kinds:
            parts.append("SELECT 'quote', q.pk, q.article_pk FROM quotes q WHERE q.pk IN "
                         f"({self.dialect.fts_match('quote_fts')})")
            params.append(param)
        if not parts:
            raise QueryError(detail="search kinds should include article or quote")
        hits = self._all(" UNION ALL ".join(parts) + " ORDER BY 3 DESC, 1, 2 LIMIT ? OFFSET ?",
                         [*params, lim + 1, offset])
        items: list[Json] = []
        for kind, pk, _apk in hits[:lim]:
            if kind == "article":
                r = self._one("SELECT id, headline, site, published, doc FROM articles "
                              "WHERE pk = ?", (pk,))
                text = json.loads(r[4])["text"]
                item: Json = {"kind": "article", "article": {"id": r[0], "headline": r[1],
                              "site": r[2], "published": r[3]}}
            else:
                r = self._one(
                    "SELECT a.id, a.headline, a.site, a.published, q.text, q.quote,"
                    " q.speaker_text, q.speaker_actor, q.char_start FROM quotes q JOIN"
                    " articles a ON a.pk = q.article_pk WHERE q.pk = ?", (pk,))
                text = r[4]
                item = {"kind": "quote", "article": {"id": r[0], "headline": r[1],
                        "site": r[2], "published": r[3]}, "quote": r[5],
                        "speaker_text": r[6], "speaker_actor": r[7], "text": r[4]}
            item.update(_snippet(text, self.find_match(text, phrases)))
            items.append(item)
        if len(hits) > lim:
            return Page(items, _next_cursor(offset + lim))
        return Page(items, None)

    # -- reading: aggregates for the UI ----------------------------------------------------
    def timeline(self, f: Filters = Filters(), bucket: str = "day") -> list[Json]:
        """Event counts by QuadClass per day or week (weeks start on Monday)."""
        if bucket not in ("day", "week"):
            raise QueryError(detail=f"bucket {bucket!r} should be day or week")
        where, params = self._where(f, "events")
        where += (" AND " if where else " WHERE ") + "e.day IS NOT NULL"
        counts: dict[str, list[int]] = {}
        for day, quad, n in self._all(
                "SELECT e.day, e.quad_class, COUNT(*) FROM events e JOIN articles a ON "
                f"a.pk = e.article_pk{where} GROUP BY e.day, e.quad_class", params):
            try:
                d = date.fromisoformat(day)
            except ValueError:
                continue
            if bucket == "week":
                d = date.fromordinal(d.toordinal() - d.weekday())
            row = counts.setdefault(d.isoformat(), [0, 0, 0, 0, 0])
            row[quad if quad in (1, 2, 3, 4) else 0] += int(n)
        return [{"period": k, "q1": v[1], "q2": v[2], "q3": v[3], "q4": v[4], "other": v[0]}
                for k, v in sorted(counts.items())]

    def network(self, f: Filters = Filters(), limit: int = 300) -> Json:
        """Who acts on whom: edges source → target with the number of events and the mean
        Goldstein score; nodes with their names and codes."""
        where, params = self._where(f, "events")
        where += (" AND " if where else " WHERE ") + \
            "e.source_actor IS NOT NULL AND e.target_actor IS NOT NULL"
        edges = [{"source": r[0], "target": r[1], "weight": int(r[2]), "goldstein": r[3]}
                 for r in self._all(
                     "SELECT e.source_actor, e.target_actor, COUNT(*), AVG(e.goldstein) FROM"
                     f" events e JOIN articles a ON a.pk = e.article_pk{where}"
                     " GROUP BY e.source_actor, e.target_actor ORDER BY COUNT(*) DESC LIMIT ?",
                     [*params, _limit(limit)])]
        ids = sorted({e["source"] for e in edges} | {e["target"] for e in edges})
        nodes: list[Json] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            nodes += [{"id": r[0], "name": r[1], "code": r[2], "type": r[3]} for r in
                      self._all(f"SELECT id, name, code, type FROM actors WHERE id IN ({marks})",
                                chunk)]
        known = {n["id"] for n in nodes}
        nodes += [{"id": i, "name": i, "code": None, "type": None} for i in ids if i not in known]
        weight: dict[str, int] = {}
        for e in edges:
            weight[e["source"]] = weight.get(e["source"], 0) + e["weight"]
            weight[e["target"]] = weight.get(e["target"], 0) + e["weight"]
        for n in nodes:
            n["events"] = weight.get(n["id"], 0)
        return {"nodes": nodes, "edges": edges}

    def places(self, f: Filters = Filters(), limit: int = 500) -> list[Json]:
        """Events by place with coordinates: counts by QuadClass, for the map."""
        where, params = self._where(f, "events")
        where += (" AND " if where else " WHERE ") + "e.lat IS NOT NULL AND e.lon IS NOT NULL"
        out: dict[tuple[Any, ...], Json] = {}
        lat_, lon_ = self.dialect.round("e.lat", 2), self.dialect.round("e.lon", 2)
        for place, country, lat, lon, quad, n in self._all(
                f"SELECT e.place, e.place_country, {lat_}, {lon_},"
                " e.quad_class, COUNT(*) FROM events e JOIN articles a ON a.pk = e.article_pk"
                f"{where} GROUP BY e.place, e.place_country, {lat_}, {lon_},"
                " e.quad_class", params):
            item = out.setdefault((place, country, lat, lon), {
                "place": place, "country": country, "lat": lat, "lon": lon, "events": 0,
                "q1": 0, "q2": 0, "q3": 0, "q4": 0})
            item["events"] += int(n)
            if quad in (1, 2, 3, 4):
                item[f"q{quad}"] += int(n)
        return sorted(out.values(), key=lambda p: -int(p["events"]))[:_limit(limit)]


def _snippet(text: str, match: tuple[int, int] | None, width: int = 90) -> Json:
    if match is None:
        return {"snippet": text[:2 * width], "snippet_start": 0, "match": None}
    start, end = match
    lo = max(0, start - width)
    hi = min(len(text), end + width)
    return {"snippet": text[lo:hi], "snippet_start": lo, "match": {"start": start, "end": end}}
