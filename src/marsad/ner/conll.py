"""CoNLL-style NER files and conlleval-style exact-span scoring."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError

#: tag spellings mapped to marsad's entity types
_TYPE_ALIASES = {"PERS": "PER", "PERSON": "PER", "MIS": "MISC", "LOCATION": "LOC",
                 "ORGANIZATION": "ORG", "ORGANISATION": "ORG"}


def normalize_tag(tag: str) -> str:
    """``B-PERS`` -> ``B-PER``; ``O`` and unknown shapes stay as they are."""
    if len(tag) > 2 and tag[1] == "-" and tag[0] in "BIES":
        typ = tag[2:]
        return f"{tag[0]}-{_TYPE_ALIASES.get(typ.upper(), typ)}"
    return tag


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Sentences of ``(token, tag)`` from a file of ``token<whitespace>...tag`` lines with a
    blank line between sentences. The tag is the last column (``PERS`` becomes ``PER``);
    a line with one column is a token tagged ``O``."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(where=str(path), detail=str(err)) from err
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in text.splitlines():
        cols = line.split()
        if not cols:
            if current:
                sentences.append(current)
                current = []
            continue
        tag = normalize_tag(cols[-1]) if len(cols) > 1 else "O"
        current.append((cols[0], tag))
    if current:
        sentences.append(current)
    return sentences


def spans(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """Entity spans ``(start, end, type)`` of a BIO sequence with conlleval semantics:
    a span starts at ``B-X``, at ``I-X`` after ``O`` or after another type, and goes on
    over following ``I-X`` of the same type."""
    out: set[tuple[int, int, str]] = set()
    start = -1
    typ = ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, t = tag.partition("-")
        if not t:  # "O" or malformed
            prefix, t = "O", ""
        continues = prefix == "I" and t == typ and start >= 0
        if not continues and start >= 0:
            out.add((start, i, typ))
            start, typ = -1, ""
        if prefix in ("B", "I") and not continues:
            start, typ = i, t
    return out


def score_spans(gold: list[list[str]], pred: list[list[str]]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support (gold spans) per entity type and ``micro`` over
    all types: a predicted span counts only with the exact boundaries and type."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sentences but {len(pred)} predicted")
    tp: dict[str, int] = {}
    n_gold: dict[str, int] = {}
    n_pred: dict[str, int] = {}
    for i, (g, p) in enumerate(zip(gold, pred, strict=True)):
        if len(g) != len(p):
            raise ValueError(f"sentence {i}: {len(g)} gold tags but {len(p)} predicted")
        gs = spans([normalize_tag(t) for t in g])
        ps = spans([normalize_tag(t) for t in p])
        for _, _, t in gs:
            n_gold[t] = n_gold.get(t, 0) + 1
        for _, _, t in ps:
            n_pred[t] = n_pred.get(t, 0) + 1
        for _, _, t in gs & ps:
            tp[t] = tp.get(t, 0) + 1

    def prf(c: int, ng: int, np_: int) -> dict[str, float]:
        p = c / np_ if np_ else 0.0
        r = c / ng if ng else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f, "support": float(ng),
                "predicted": float(np_), "correct": float(c)}

    report = {t: prf(tp.get(t, 0), n_gold.get(t, 0), n_pred.get(t, 0))
              for t in sorted(set(n_gold) | set(n_pred))}
    report["micro"] = prf(sum(tp.values()), sum(n_gold.values()), sum(n_pred.values()))
    return report
