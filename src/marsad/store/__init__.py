"""The article store: ingest analysed articles into a database (a SQLite file, or
PostgreSQL for shared deployments: ``postgresql://user@host/dbname``) and query them. See
``docs/store.md``.

>>> from marsad.store import Store, Filters
>>> with Store.open("marsad.db") as store:                     # doctest: +SKIP
...     store.events(Filters(cameo="19", actor="ISR")).items
"""

from __future__ import annotations

from .errors import QueryError, StoreError, StoreVersionError
from .ingest import IngestReport, ingest_items, ingest_paths, pipeline_version, reprocess
from .schema import SCHEMA_VERSION
from .store import Filters, Page, Store, StoredArticle

__all__ = ["SCHEMA_VERSION", "Filters", "IngestReport", "Page", "QueryError", "Store",
           "StoreError", "StoreVersionError", "StoredArticle", "ingest_items", "ingest_paths",
           "pipeline_version", "reprocess"]
