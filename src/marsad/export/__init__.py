"""Exports of the store to the formats the field uses: GDELT 2.0 event records, PLOVER
JSON lines, Parquet and CSV tables. See ``docs/store.md``."""

from __future__ import annotations

from .gdelt import COLUMNS as GDELT_COLUMNS
from .gdelt import gdelt_row, write_gdelt
from .plover import plover_record, write_plover
from .tables import TABLES, arrow_schema, write_csv, write_parquet

__all__ = ["GDELT_COLUMNS", "TABLES", "arrow_schema", "gdelt_row", "plover_record",
           "write_csv", "write_gdelt", "write_parquet", "write_plover"]
