"""The small SQL dialect layer.

The store is written against plain DB-API connections with ``?`` placeholders and SQL that
SQLite and PostgreSQL share (``INSERT ... ON CONFLICT ... DO UPDATE``, ``RETURNING``,
``LIMIT``, window-free aggregates). What differs lives here: connecting, column types,
the full-text index and how it is queried, the placeholder style, locking for migrations,
which errors are worth retrying, and streaming large results.

* :class:`SQLiteDialect`: one file, FTS5 over the normalised key text.
* :class:`PostgresDialect` (``--db postgresql://...``, psycopg 3): a ``tsvector`` with the
  ``simple`` configuration (no stemming, no stop words) over the same normalised key text
  in a GIN index, phrase queries with ``<->``.

Why not SQLAlchemy Core: the queries are few and hand-written, full-text search is not
abstracted by it anyway, and sqlite3 needs no dependency."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

#: ``--db`` values that name a PostgreSQL database rather than a SQLite file
PG_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: str) -> bool:
    return target.startswith(PG_SCHEMES)


def redact(target: str) -> str:
    """A ``--db`` value fit for messages: the password of a URL replaced by ``***``."""
    return re.sub(r"^(postgres(?:ql)?://[^:/@?#]*):[^@/?#]*@", r"\1:***@", target)


class Dialect(Protocol):
    name: str
    #: column type of a table's own integer key
    pk: str
    #: column type of floating-point values (8 bytes: REAL is 4 bytes on PostgreSQL)
    real: str

    def connect(self, target: str) -> Any: ...

    def sql(self, statement: str) -> str:
        """Turn a statement written with ``?`` placeholders into this dialect's form."""
        ...

    def has_table(self) -> str:
        """A query with one parameter (a table name) that returns a row if it exists."""
        ...

    def begin_migration(self) -> list[str]:
        """Statements that open the migration transaction and keep other processes from
        migrating the same store at the same time."""
        ...

    def round(self, expr: str, digits: int) -> str:
        """``expr`` rounded to ``digits`` decimals, as a float."""
        ...

    def create_fts(self, table: str) -> list[str]:
        """Statements that create a full-text table ``table`` (``rowid``, ``key``)."""
        ...

    def fts_insert(self, table: str) -> str: ...

    def fts_delete(self, table: str) -> str: ...

    def fts_match(self, table: str) -> str:
        """A query returning the ``rowid`` of the rows of ``table`` whose key matches the
        one parameter (see :meth:`fts_query`)."""
        ...

    def fts_query(self, phrases: Sequence[Sequence[str]]) -> str:
        """The match parameter for phrases of normalised tokens (all must occur)."""
        ...

    def pipelined(self, con: Any) -> AbstractContextManager[Any]:
        """A block whose statements may be sent without waiting for each answer (those
        whose rows are fetched still wait)."""
        ...

    def retryable(self, err: BaseException) -> bool:
        """Whether a failed write transaction may simply be run again (a deadlock or a
        serialisation failure between concurrent writers)."""
        ...

    def connection_lost(self, con: Any) -> bool:
        """Whether the connection can no longer be used (closed, or the server dropped
        it: restarted, or the session was terminated), so that a new one is needed."""
        ...

    def stream(self, store_con: Any, target: str, statement: str,
               params: Sequence[Any]) -> Iterator[Sequence[Any]]:
        """Rows of a query that may be large, without holding them all in memory and
        without keeping the store's own connection busy in between."""
        ...


class SQLiteDialect:
    """SQLite 3 with FTS5: one file, write-ahead log, foreign keys on."""

    name = "sqlite"
    pk = "INTEGER PRIMARY KEY"
    real = "REAL"

    def connect(self, target: str) -> sqlite3.Connection:
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(target, isolation_level=None, check_same_thread=False,
                              timeout=30.0)
        con.execute("PRAGMA foreign_keys = ON")
        if target != ":memory:":
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("PRAGMA synchronous = NORMAL")
        return con

    def sql(self, statement: str) -> str:
        return statement

    def has_table(self) -> str:
        return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"

    def begin_migration(self) -> list[str]:
        # IMMEDIATE takes the write lock now: a second process waits, then sees the tables
        return ["BEGIN IMMEDIATE"]

    def round(self, expr: str, digits: int) -> str:
        return f"ROUND({expr}, {int(digits)})"

    def create_fts(self, table: str) -> list[str]:
        # the key text is already normalised and split into clitics by marsad's tokenizer;
        # unicode61 only has to cut it at spaces
        return [f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
                "key, tokenize = 'unicode61 remove_diacritics 0')"]

    def fts_insert(self, table: str) -> str:
        return f"INSERT INTO {table}(rowid, key) VALUES (?, ?)"

    def fts_delete(self, table: str) -> str:
        return f"DELETE FROM {table} WHERE rowid = ?"

    def fts_match(self, table: str) -> str:
        return f"SELECT rowid FROM {table} WHERE {table} MATCH ?"

    def fts_query(self, phrases: Sequence[Sequence[str]]) -> str:
        # every phrase quoted: FTS5 syntax characters in the text are never operators
        return " AND ".join(
            '"' + " ".join(tok.replace('"', '""') for tok in phrase) + '"'
            for phrase in phrases if phrase)

    def pipelined(self, con: Any) -> AbstractContextManager[Any]:
        return nullcontext()  # in-process: there are no round trips to save

    def retryable(self, err: BaseException) -> bool:
        return False  # writers wait for the lock (timeout 30 s) instead

    def connection_lost(self, con: Any) -> bool:
        try:
            con.total_changes  # noqa: B018 - raises on a closed connection
        except sqlite3.ProgrammingError:
            return True
        return False

    def stream(self, store_con: Any, target: str, statement: str,
               params: Sequence[Any]) -> Iterator[Sequence[Any]]:
        # sqlite3 cursors step through the result; other statements may run in between
        yield from store_con.execute(statement, tuple(params))


@lru_cache(maxsize=512)
def _pyformat(statement: str) -> str:
    # the store's SQL has no '?' or '%' inside string literals (values are parameters)
    return statement.replace("%", "%%").replace("?", "%s")


def _tsquery_operand(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresDialect:
    """PostgreSQL (psycopg 3): many readers and concurrent ingesters on one database.

    The connection runs in autocommit mode, so the store's explicit ``BEGIN``/``COMMIT``
    delimit transactions exactly as on SQLite. Full text: ``to_tsvector('simple', key)``
    over the normalised key text (one lexeme per marsad token, lower-cased), matched with
    ``to_tsquery('simple', ...)`` built from quoted tokens, so the parser treats query
    and text alike; words of a phrase are joined with ``<->`` (adjacent)."""

    name = "postgresql"
    pk = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    real = "DOUBLE PRECISION"
    #: pg_advisory_xact_lock key of migrations ("marsad" in ASCII)
    LOCK_KEY = 0x6D6172736164

    def connect(self, target: str) -> Any:
        try:
            import psycopg
        except ImportError as err:
            raise ImportError("PostgreSQL stores need psycopg 3: pip install "
                              "'marsad[postgres]'") from err
        return psycopg.connect(target, autocommit=True, application_name="marsad")

    def sql(self, statement: str) -> str:
        return _pyformat(statement)

    def has_table(self) -> str:
        return ("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema()"
                " AND table_name = ?")

    def begin_migration(self) -> list[str]:
        return ["BEGIN", f"SELECT pg_advisory_xact_lock({self.LOCK_KEY})"]

    def round(self, expr: str, digits: int) -> str:
        # round(double precision, int) does not exist; numeric would come back as Decimal
        return f"CAST(ROUND(CAST({expr} AS NUMERIC), {int(digits)}) AS DOUBLE PRECISION)"

    def create_fts(self, table: str) -> list[str]:
        return [f"CREATE TABLE IF NOT EXISTS {table} (rowid BIGINT PRIMARY KEY, "
                "key TSVECTOR NOT NULL)",
                f"CREATE INDEX IF NOT EXISTS {table}_key ON {table} USING GIN (key)"]

    #: characters of key text indexed per row: a tsvector holds at most 1 MB (and word
    #: positions stop counting at 16,383), so a huge text is indexed by its beginning
    #: rather than failing its whole batch
    MAX_KEY = 200_000

    def fts_insert(self, table: str) -> str:
        return (f"INSERT INTO {table}(rowid, key) VALUES "
                f"(?, to_tsvector('simple', left(?, {self.MAX_KEY})))")

    def fts_delete(self, table: str) -> str:
        return f"DELETE FROM {table} WHERE rowid = ?"

    def fts_match(self, table: str) -> str:
        return f"SELECT rowid FROM {table} WHERE key @@ to_tsquery('simple', ?)"

    def fts_query(self, phrases: Sequence[Sequence[str]]) -> str:
        # every token quoted: tsquery operators in the text (& | ! <-> :*) stay text
        return " & ".join(
            "(" + " <-> ".join(_tsquery_operand(tok) for tok in phrase) + ")"
            for phrase in phrases if phrase)

    def pipelined(self, con: Any) -> AbstractContextManager[Any]:
        # libpq pipeline mode: a batch costs a few round trips, not one per statement
        cm: AbstractContextManager[Any] = con.pipeline()
        return cm

    def retryable(self, err: BaseException) -> bool:
        # 40P01 deadlock_detected, 40001 serialization_failure
        return getattr(err, "sqlstate", None) in ("40P01", "40001")

    def connection_lost(self, con: Any) -> bool:
        return bool(con.closed or con.broken)

    def stream(self, store_con: Any, target: str, statement: str,
               params: Sequence[Any]) -> Iterator[Sequence[Any]]:
        # a server-side cursor on a connection of its own: rows come in pages of 500 and the
        # store's connection stays free for other queries meanwhile
        con = self.connect(target)
        try:
            with con.transaction(), con.cursor(name="marsad_stream") as cur:
                cur.itersize = 500
                cur.execute(self.sql(statement), tuple(params))
                yield from cur
        finally:
            con.close()


SQLITE = SQLiteDialect()
POSTGRES = PostgresDialect()


def dialect_for(target: str) -> Dialect:
    """The dialect for a ``--db`` value: a ``postgresql://`` (or ``postgres://``) URL, else
    a SQLite file path."""
    return POSTGRES if is_postgres(target) else SQLITE
