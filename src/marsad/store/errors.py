"""Errors of the store, the query commands and the HTTP API.

They subclass :class:`marsad.errors.MarsadError` (codes E1xx) so the CLI reports them like
every other marsad error."""

from __future__ import annotations

from ..errors import MarsadError


class StoreError(MarsadError):
    code = "E101"
    template = "cannot use the store {path}: {detail}"


class StoreVersionError(MarsadError):
    code = "E102"
    template = ("the store {path} has schema version {found}, newer than this marsad "
                "understands ({known}). Upgrade marsad, or ingest into a new --db file.")


class QueryError(MarsadError):
    code = "E103"
    template = "bad query: {detail}"
