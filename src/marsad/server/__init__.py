"""The HTTP API and the web UI over a store (``marsad serve``). Needs the ``server``
extras (FastAPI, uvicorn)."""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
