"""The output directory of a batch run (a local path or an fsspec URI) and its layout::

    DIR/manifest.json                  the run: inputs, settings, shard plan, totals
    DIR/repeated.json                  boilerplate lines learned from the input's head
    DIR/articles/part-NNNNNN-HASH.parquet   (also entities/, quotes/, events/)
    DIR/errors/part-NNNNNN-HASH.jsonl  documents of that shard that failed
    DIR/errors.jsonl                   all failed documents, in input order
    DIR/_done/part-NNNNNN-HASH.json    a shard's done-marker, written last

A shard's files are written under ``_staging/`` and renamed into place (local) or
uploaded (URIs), then its marker is written. Readers of the tables skip names starting
with ``_`` or ``.`` (pyarrow's rule), so staged files are never read; a shard counts as
done only when its marker exists."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from .readers import _fs, is_uri

DONE_DIR = "_done"
STAGING_DIR = "_staging"


class Output:
    """File operations on the output directory, local or remote."""

    def __init__(self, root: str) -> None:
        self.root = root.rstrip("/") or "/"
        self.remote = is_uri(root)
        self._fs: Any = None
        self._base = root.removeprefix("file://")
        if self.remote:
            self._fs, self._base = _fs(root)

    def path(self, rel: str) -> str:
        return f"{self._base.rstrip('/')}/{rel}"

    def makedirs(self, rel: str) -> None:
        if self.remote:
            self._fs.makedirs(self.path(rel), exist_ok=True)
        else:
            Path(self.path(rel)).mkdir(parents=True, exist_ok=True)

    def exists(self, rel: str) -> bool:
        if self.remote:
            return bool(self._fs.exists(self.path(rel)))
        return os.path.exists(self.path(rel))

    def read_text(self, rel: str) -> str:
        if self.remote:
            with self._fs.open(self.path(rel), "rb") as fh:
                return bytes(fh.read()).decode("utf-8")
        return Path(self.path(rel)).read_text("utf-8")

    def listdir(self, rel: str) -> list[str]:
        """File names in a folder of the output (none when it does not exist)."""
        if self.remote:
            if not self._fs.exists(self.path(rel)):
                return []
            return sorted(p.rsplit("/", 1)[-1] for p in self._fs.ls(self.path(rel), detail=False))
        try:
            return sorted(os.listdir(self.path(rel)))
        except FileNotFoundError:
            return []

    def remove(self, rel: str) -> None:
        if self.remote:
            if self._fs.exists(self.path(rel)):
                self._fs.rm(self.path(rel), recursive=True)
        elif os.path.isdir(self.path(rel)):
            shutil.rmtree(self.path(rel), ignore_errors=True)
        elif os.path.exists(self.path(rel)):
            os.remove(self.path(rel))

    def staging(self) -> str:
        """A fresh local folder for a shard's files before they are committed."""
        if self.remote:
            return tempfile.mkdtemp(prefix="marsad-shard-")
        path = self.path(f"{STAGING_DIR}/{uuid.uuid4().hex}")
        Path(path).mkdir(parents=True)
        return path

    def commit(self, files: dict[str, str]) -> None:
        """Move staged local files (``{rel: staged path}``) into place."""
        for rel, staged in files.items():
            if self.remote:
                self._fs.put_file(staged, self.path(rel))
            else:
                os.replace(staged, self.path(rel))

    def write_text(self, rel: str, text: str) -> None:
        """Write a small file atomically (temp file + rename locally)."""
        if self.remote:
            with self._fs.open(self.path(rel), "wb") as fh:
                fh.write(text.encode("utf-8"))
            return
        final = Path(self.path(rel))
        tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_text(text, "utf-8")
        os.replace(tmp, final)
