"""The per-document time budget now lives in :mod:`marsad.budget` (every entry point uses
it); these names stay importable from here."""

from __future__ import annotations

from ..budget import DocumentTimeout, TimeBudget

__all__ = ["DocumentTimeout", "TimeBudget"]
