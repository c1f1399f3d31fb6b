"""Reading and writing the NER lookup tables (TSV, UTF-8, ``#`` header lines)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..errors import DataFileError


def _lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(path=str(path), detail=str(err)) from err
    return text.splitlines()


def load_clusters(path: Path) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """``(granularity names, word -> cluster ids)`` of a ``clusters.tsv``."""
    lines = _lines(path)
    if not lines or not lines[0].startswith("#word\t"):
        raise DataFileError(path=str(path), detail="no '#word' header line")
    names = tuple(lines[0].split("\t")[1:])
    table: dict[str, tuple[str, ...]] = {}
    for ln in lines[1:]:
        cols = ln.split("\t")
        if len(cols) != len(names) + 1:
            raise DataFileError(path=str(path), detail=f"bad line {ln!r}")
        table[cols[0]] = tuple(cols[1:])
    return names, table


def load_gazetteer(path: Path) -> dict[str, tuple[str, ...]]:
    """word -> flags of a ``gazetteer.tsv`` (``word<TAB>flag,flag``)."""
    table: dict[str, tuple[str, ...]] = {}
    for ln in _lines(path):
        if not ln or ln.startswith("#"):
            continue
        word, _, flags = ln.partition("\t")
        if not flags:
            raise DataFileError(path=str(path), detail=f"bad line {ln!r}")
        table[word] = tuple(flags.split(","))
    return table


load_memory = load_gazetteer


def write_table(path: Path, table: Mapping[str, tuple[str, ...]], header: str) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(f"# {header}\n")
        for word in sorted(table):
            fh.write(word + "\t" + ",".join(table[word]) + "\n")


def write_memory(path: Path, table: Mapping[str, tuple[str, ...]]) -> None:
    write_table(path, table, "label memory from the training data: word<TAB>features")
