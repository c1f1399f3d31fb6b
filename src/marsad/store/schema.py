"""The store's tables, as numbered migrations, the same for SQLite and PostgreSQL.

``SCHEMA_VERSION`` is the number of the last migration; ``meta.schema_version`` records
how far a store has been migrated (the ``meta`` table is the ``schema_version`` record on
both backends). A new version appends a migration (never edits an old
one), so any older store is brought up to date when it is opened."""

from __future__ import annotations

from collections.abc import Callable

from .dialect import Dialect


def _v1(d: Dialect) -> list[str]:
    # the dialect's types keep the SQLite statements exactly as they were written
    pk, real = d.pk, d.real
    return [
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        f"""CREATE TABLE articles (
            pk {pk},
            id TEXT NOT NULL UNIQUE,
            raw_hash TEXT NOT NULL,
            pipeline TEXT NOT NULL,
            site TEXT, url TEXT, published TEXT, headline TEXT, language TEXT,
            n_entities INTEGER NOT NULL DEFAULT 0,
            n_quotes INTEGER NOT NULL DEFAULT 0,
            n_events INTEGER NOT NULL DEFAULT 0,
            doc TEXT NOT NULL,
            raw TEXT,
            ingested TEXT NOT NULL)""",
        "CREATE INDEX articles_published ON articles(published)",
        "CREATE INDEX articles_site ON articles(site)",
        "CREATE INDEX articles_raw_hash ON articles(raw_hash)",
        """CREATE TABLE actors (
            id TEXT PRIMARY KEY,
            type TEXT, name TEXT NOT NULL, name_en TEXT, code TEXT, country TEXT,
            dictionary_id TEXT, key TEXT NOT NULL)""",
        "CREATE INDEX actors_code ON actors(code)",
        f"""CREATE TABLE entities (
            pk {pk},
            article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
            entity TEXT NOT NULL,
            actor_id TEXT NOT NULL REFERENCES actors(id),
            type TEXT, name TEXT, code TEXT, country TEXT,
            n_mentions INTEGER NOT NULL DEFAULT 0,
            UNIQUE (article_pk, entity))""",
        "CREATE INDEX entities_actor ON entities(actor_id)",
        f"""CREATE TABLE mentions (
            pk {pk},
            article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
            entity TEXT NOT NULL,
            char_start INTEGER NOT NULL, char_end INTEGER NOT NULL, text TEXT NOT NULL)""",
        "CREATE INDEX mentions_article ON mentions(article_pk)",
        f"""CREATE TABLE quotes (
            pk {pk},
            article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
            quote TEXT NOT NULL, kind TEXT, text TEXT NOT NULL,
            char_start INTEGER, char_end INTEGER,
            speaker_entity TEXT, speaker_actor TEXT, speaker_text TEXT,
            cue TEXT, via TEXT, addressee TEXT,
            day TEXT, site TEXT)""",
        "CREATE INDEX quotes_article ON quotes(article_pk)",
        "CREATE INDEX quotes_speaker ON quotes(speaker_actor)",
        "CREATE INDEX quotes_day ON quotes(day)",
        f"""CREATE TABLE events (
            pk {pk},
            article_pk INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
            event TEXT NOT NULL,
            cameo TEXT NOT NULL, cameo_root TEXT, quad_class INTEGER, goldstein {real},
            label TEXT,
            source_entity TEXT, source_actor TEXT, source_text TEXT, source_code TEXT,
            source_country TEXT,
            target_entity TEXT, target_actor TEXT, target_text TEXT, target_code TEXT,
            target_country TEXT,
            plover_event TEXT, plover_mode TEXT, plover_context TEXT,
            trigger_start INTEGER, trigger_end INTEGER, trigger_text TEXT,
            negated INTEGER, modality TEXT,
            day TEXT, date_text TEXT,
            place TEXT, place_country TEXT, lat {real}, lon {real}, geonames_id TEXT,
            confidence {real}, site TEXT, sentence_text TEXT,
            data TEXT NOT NULL)""",
        "CREATE INDEX events_article ON events(article_pk)",
        "CREATE INDEX events_day ON events(day)",
        "CREATE INDEX events_source ON events(source_actor)",
        "CREATE INDEX events_target ON events(target_actor)",
        "CREATE INDEX events_cameo ON events(cameo)",
        *d.create_fts("article_fts"),
        *d.create_fts("quote_fts"),
    ]


#: migration n (1-based) brings a store from version n-1 to n
MIGRATIONS: tuple[Callable[[Dialect], list[str]], ...] = (_v1,)
SCHEMA_VERSION = len(MIGRATIONS)
