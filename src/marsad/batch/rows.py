"""One analysed document (``marsad.article/1`` JSON) to the rows of the four tables that
``marsad run`` writes. The rows are those of the store (:func:`marsad.store.rows.article_rows`)
in the layout of ``marsad export --format parquet`` (:func:`marsad.export.tables.table_rows`),
so both commands give the same tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..export.tables import table_rows
from ..store.rows import article_rows

TABLE_NAMES: tuple[str, ...] = ("articles", "entities", "quotes", "events")

# The column order of the tuples of ``ArticleRows`` (as the store inserts them).
_ENTITY_COLUMNS = ("entity", "actor_id", "type", "name", "code", "country", "n_mentions")
_QUOTE_COLUMNS = ("quote", "kind", "text", "char_start", "char_end", "speaker_entity",
                  "speaker_actor", "speaker_text", "cue", "via", "addressee", "day", "site")
_EVENT_COLUMNS = ("event", "cameo", "cameo_root", "quad_class", "goldstein", "label",
                  "source_entity", "source_actor", "source_text", "source_code",
                  "source_country", "target_entity", "target_actor", "target_text",
                  "target_code", "target_country", "plover_event", "plover_mode",
                  "plover_context", "trigger_start", "trigger_end", "trigger_text", "negated",
                  "modality", "day", "date_text", "place", "place_country", "lat", "lon",
                  "geonames_id", "confidence", "site", "sentence_text", "data")


def document_rows(doc: Mapping[str, Any], *, pipeline: str, ingested: str | None
                  ) -> dict[str, list[dict[str, Any]]]:
    """``{table: rows}`` for one document; every row carries the article id."""
    rows = article_rows(doc)
    aid = doc["id"]
    source = doc.get("source") or {}
    article = {"id": aid, "site": source.get("site"), "url": source.get("url"),
               "published": doc.get("published"), "headline": doc.get("headline"),
               "language": doc.get("language"), "n_entities": len(rows.entities),
               "n_quotes": len(rows.quotes), "n_events": len(rows.events),
               "pipeline": pipeline, "ingested": ingested, "text": doc.get("text")}
    store_rows: dict[str, list[dict[str, Any]]] = {
        "articles": [article],
        "entities": _keyed(aid, _ENTITY_COLUMNS, rows.entities),
        "quotes": _keyed(aid, _QUOTE_COLUMNS, rows.quotes),
        "events": _keyed(aid, _EVENT_COLUMNS, rows.events),
    }
    return {t: list(table_rows(store_rows[t], t)) for t in TABLE_NAMES}


def _keyed(aid: str, columns: tuple[str, ...], tuples: list[tuple[Any, ...]]
           ) -> list[dict[str, Any]]:
    return [{"article_id": aid, **dict(zip(columns, t, strict=True))} for t in tuples]
