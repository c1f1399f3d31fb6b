"""The small SQL dialect layer.

The store is written against plain DB-API connections with ``?`` placeholders and SQL that
SQLite and PostgreSQL share (``INSERT ... ON CONFLICT ... DO UPDATE``, ``LIMIT``, window-
free aggregates). What differs lives here: connecting, the auto-increment key, the
full-text index and how it is queried, and the placeholder style. A PostgreSQL backend
(issue 7) is one more :class:`Dialect` (``tsvector`` with the ``simple`` configuration over
the same normalised key text), not a rewrite.

Why not SQLAlchemy Core: the queries are few and hand-written, full-text search is not
abstracted by it anyway, and sqlite3 needs no dependency."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol


class Dialect(Protocol):
    name: str
    #: column type of a table's own integer key
    pk: str

    def connect(self, target: str) -> Any: ...

    def sql(self, statement: str) -> str:
        """Turn a statement written with ``?`` placeholders into this dialect's form."""
        ...

    def create_fts(self, table: str) -> list[str]:
        """Statements that create a full-text table ``table`` (``rowid``, ``key``)."""
        ...

    def fts_insert(self, table: str) -> str: ...

    def fts_delete(self, table: str) -> str: ...

    def fts_match(self, table: str) -> str:
        """A boolean SQL fragment: rows of ``table`` whose key matches the one parameter
        (see :meth:`fts_query`)."""
        ...

    def fts_query(self, phrases: Sequence[Sequence[str]]) -> str:
        """The match parameter for phrases of normalised tokens (all must occur)."""
        ...


class SQLiteDialect:
    """SQLite 3 with FTS5: one file, write-ahead log, foreign keys on."""

    name = "sqlite"
    pk = "INTEGER PRIMARY KEY"

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


SQLITE = SQLiteDialect()


def dialect_for(target: str) -> Dialect:
    """The dialect for a ``--db`` value: a file path (SQLite) for now."""
    return SQLITE
